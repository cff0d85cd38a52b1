import { addDays, chinaToday } from '../calendar/period';
import { PERF_MAX_DAYS } from '../wechat/client';
import { day, daysSinceEpoch, EPOCH, hash01, round4 } from './data';
import { wobble } from './mix';

// wxa/business/performance/boot: per-day launch, page-switch and memory figures. They improve
// slowly over the months, wobble with the seasons and run a little worse at weekends (more
// low-end phones); a day is missing now and then, as in live answers.

interface Metric {
  id: string;
  zh: string;
  /** The figure on day d for an app of size `scale` (only counts depend on the size). */
  value: (d: string, scale: number) => number;
}

export interface PerformanceTableBody {
  id: string;
  zh: string;
  lines: { fields: { refdate: string; value: string }[] }[];
}

export type PerformanceAnswer =
  | { errcode: 0; errmsg: 'ok'; data: { body: { tables: PerformanceTableBody[]; count: number } } }
  | { errcode: number; errmsg: string };

/** The longest span accepted ("时间跨度不能超过30天"). */

function isWeekend(d: string): boolean {
  const dow = new Date(Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8))).getUTCDay();
  return dow === 0 || dow === 6;
}

/** `base` on day d: a slow improvement that levels off, a seasonal swing, the weekend and some noise. */
function drift(base: number, d: string, tag: string): number {
  const n = daysSinceEpoch(d);
  const trend = 0.82 + 0.18 * Math.exp(-n / 400);
  const season = 1 + 0.04 * Math.sin((2 * Math.PI * n) / 91);
  return base * trend * season * (isWeekend(d) ? 1.06 : 1) * wobble(`perf${tag}${d}`, 0.04);
}

const download = (d: string) => drift(720, d, 'download');
const firstRender = (d: string) => drift(980, d, 'render');

const MODULES: Record<number, readonly Metric[]> = {
  // Launch: the total first, then its stages; the total also covers the stages not listed.
  10017: [
    { id: 'launch_total', zh: '启动总耗时', value: (d) => download(d) + firstRender(d) + drift(430, d, 'other') },
    { id: 'download', zh: '代码包下载耗时', value: download },
    { id: 'first_render', zh: '首次渲染耗时', value: firstRender },
  ],
  10021: [{ id: 'costtime', zh: '耗时', value: (d) => drift(420, d, 'switch') }],
  10022: [
    { id: 'memory', zh: '内存均值', value: (d) => drift(305, d, 'mem') },
    { id: 'memorydiff', zh: '内存增长均值', value: (d) => drift(68, d, 'memdiff') },
  ],
  // A count: more people, more crashes.
  10023: [
    { id: 'memory_anomaly', zh: '内存异常次数', value: (d, scale) => Math.round(day(d).uv * scale * 0.0015 * wobble(`anom${d}`, 0.3)) },
  ],
};

/** The China date of a Unix time in seconds. */
function chinaDate(seconds: number): string {
  return chinaToday(new Date(seconds * 1000));
}

/** A number, or a string of digits (WeChat's own example sends module as "10022"). */
function numeric(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return null;
}

function days(begin: string, end: string): string[] {
  const out: string[] = [];
  for (let d = begin; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

const FORMAT_ERROR = { errcode: 47001, errmsg: 'data format error' };

/** The answer to a performance/boot body at `now`, with WeChat's errcodes for a bad module or span. */
export function performanceAnswer(body: Record<string, unknown>, now: Date, scale = 1): PerformanceAnswer {
  const module = numeric(body.module);
  const metrics = module === null ? undefined : MODULES[module];
  const time = typeof body.time === 'object' && body.time !== null ? (body.time as Record<string, unknown>) : {};
  const from = numeric(time.begin_timestamp);
  const to = numeric(time.end_timestamp);
  if (!metrics || from === null || to === null) return FORMAT_ERROR;
  const begin = chinaDate(from);
  const end = chinaDate(to);
  if (begin > end || addDays(begin, PERF_MAX_DAYS - 1) < end) {
    return { errcode: 61501, errmsg: `date range error: the span must be 1 to ${PERF_MAX_DAYS} days` };
  }
  if (end >= chinaToday(now)) return { errcode: 61501, errmsg: `date range error (today in China is ${chinaToday(now)})` };
  // Before the first day with data there is nothing; some days are missing in live answers too.
  const served = days(begin, end).filter((d) => d >= EPOCH && hash01(`gap${module}${d}`) >= 0.07);
  const tables = served.length === 0 ? [] : metrics.map((m) => table(m, served, scale));
  return { errcode: 0, errmsg: 'ok', data: { body: { tables, count: tables.length } } };
}

function table(m: Metric, served: string[], scale: number): PerformanceTableBody {
  return { id: m.id, zh: m.zh, lines: [{ fields: served.map((d) => ({ refdate: d, value: String(round4(m.value(d, scale))) })) }] };
}
