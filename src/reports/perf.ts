import { addDays } from '../calendar/period';
import { PERF_MODULES, type WeChatClient } from '../wechat/client';
import type { PerformanceResult, PerformanceTable } from '../wechat/types';
import type { ReportMeta } from './build';
import { PERF_METRICS, type PerfMetric, type PerfReport, type PerfSeries, type ReportRequest, type Span } from './model';
import type { Parts } from './parts';

const UNITS: Record<PerfMetric, PerfSeries['unit']> = { launch: 'ms', pageSwitch: 'ms', memory: 'MB', memoryAnomaly: 'count' };

/**
 * Which of a module's tables is the metric. WeChat documents only some table ids (memory:
 * "memory"; page switch: "costtime"); launch has one table per stage, the total first where its
 * name says so. Otherwise the first table.
 */
export function pickTable(metric: PerfMetric, tables: PerformanceTable[]): PerformanceTable | undefined {
  const preferred: Record<PerfMetric, (t: PerformanceTable) => boolean> = {
    launch: (t) => /总/.test(t.zh) || /total/i.test(t.id),
    pageSwitch: (t) => t.id === 'costtime',
    memory: (t) => t.id === 'memory',
    memoryAnomaly: () => false,
  };
  return tables.find(preferred[metric]) ?? tables[0];
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** A metric's daily points over begin..end (one per day, null where WeChat has none), with summary figures. */
export function perfSeries(metric: PerfMetric, table: PerformanceTable | undefined, begin: string, end: string): PerfSeries {
  const byDate = new Map((table?.points ?? []).map((p) => [p.date, p.value]));
  const points: PerfSeries['points'] = [];
  for (let d = begin; d <= end; d = addDays(d, 1)) points.push({ date: d, value: byDate.get(d) ?? null });
  const values = (ps: PerfSeries['points']) => ps.map((p) => p.value).filter((v): v is number => v !== null);
  const half = Math.floor(points.length / 2);
  const first = mean(values(points.slice(0, half)));
  const second = mean(values(points.slice(half)));
  const present = values(points);
  return {
    metric,
    unit: UNITS[metric],
    name: table?.zh ?? '',
    points,
    average: mean(present),
    latest: [...points].reverse().find((p) => p.value !== null)?.value ?? null,
    change: first === null || second === null || first === 0 ? null : (second - first) / first,
  };
}

export interface PerfData {
  begin: string;
  tables: Partial<Record<PerfMetric, PerformanceResult | null>>;
}

/** One call per module, together; a module that fails is a missing part, not a failed report. */
export async function fetchPerf(client: WeChatClient, req: ReportRequest, parts: Parts): Promise<PerfData> {
  const begin = addDays(req.period.end, 1 - (req.span ?? 30));
  const results = await Promise.all(PERF_METRICS.map((m) => parts.get(m, client.getPerformance(PERF_MODULES[m], begin, req.period.end))));
  parts.assertAny();
  return { begin, tables: Object.fromEntries(PERF_METRICS.map((m, i) => [m, results[i]])) };
}

export function buildPerf(req: ReportRequest, data: PerfData, meta: ReportMeta, parts: Parts): PerfReport {
  const span: Span = req.span ?? 30;
  const series = PERF_METRICS.map((m) => perfSeries(m, pickTable(m, data.tables[m]?.tables ?? []), data.begin, req.period.end));
  const empty = series.every((s) => s.average === null);
  return {
    kind: 'perf',
    period: req.period,
    span,
    begin: data.begin,
    appName: meta.appName,
    sandbox: meta.sandbox,
    empty,
    notes: [...req.notes, ...parts.notes, ...(empty ? [{ kind: 'no_data' as const, period: req.period }] : [])],
    series,
  };
}
