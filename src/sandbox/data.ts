import { addDays, isComplete, nextPeriod, type Granularity, type Period } from '../calendar/period';

// Deterministic, plausible analytics: the same date always gives the same figures, so demos,
// tests and screenshots are reproducible. Figures grow slowly, peak on weekends and wobble a little.

/** The first day with data: earlier dates answer empty, as for a mini program not yet published. */
export const EPOCH = '20170101';

/** A stable pseudo-random number in [0, 1) for a string: the seed of every figure. */
export function hash01(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) / 0x100000000;
}

export function daysSinceEpoch(yyyymmdd: string): number {
  const t = (s: string) => Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8));
  return Math.round((t(yyyymmdd) - t(EPOCH)) / 86_400_000);
}

export function hasData(p: Period): boolean {
  return p.begin >= EPOCH;
}

export interface Day {
  uv: number;
  uvNew: number;
  sessions: number;
  pv: number;
  stay: number;
}

/** One day's unscaled figures; every other endpoint derives from these so the answers agree. */
export function day(d: string): Day {
  const n = daysSinceEpoch(d);
  const dow = new Date(Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8))).getUTCDay();
  const weekend = dow === 0 || dow === 6 ? 1.22 : 1;
  const noise = hash01(`uv${d}`);
  const uv = Math.round(24_000 * (1 + n * 0.0012) * weekend * (0.94 + 0.12 * noise));
  const uvNew = Math.round(uv * (0.2 + 0.06 * hash01(`new${d}`)));
  const sessions = Math.round(uv * (2.4 + 0.5 * hash01(`ses${d}`)));
  const pv = Math.round(sessions * (2.9 + 0.6 * hash01(`pv${d}`)));
  const stay = 150 + 90 * hash01(`stay${d}`);
  return { uv, uvNew, sessions, pv, stay };
}

/**
 * How large a mini program's counts are (visitors, new users, sessions, page views, shares; not the
 * stay time per visitor): one factor for every day (another mini program's size), or a factor per
 * day (a simulated dip on some days, see WeChatSimulator.dip).
 */
export type Scale = number | ((yyyymmdd: string) => number);

export function scaleOn(scale: Scale, d: string): number {
  return typeof scale === 'number' ? scale : scale(d);
}

/** One day's figures with its counts scaled: what every endpoint derives from, so a dip shows in all of them. */
export function scaledDay(d: string, scale: Scale = 1): Day {
  const k = scaleOn(scale, d);
  const x = day(d);
  if (k === 1) return x;
  return { ...x, uv: Math.round(x.uv * k), uvNew: Math.round(x.uvNew * k), sessions: Math.round(x.sessions * k), pv: Math.round(x.pv * k) };
}

function days(p: Period, scale: Scale): Day[] {
  const out: Day[] = [];
  for (let d = p.begin; d <= p.end; d = addDays(d, 1)) out.push(scaledDay(d, scale));
  return out;
}

// Visitors over a week or month are deduplicated: fewer than the sum of the days.
const DEDUPE: Record<Granularity, number> = { daily: 1, weekly: 0.46, monthly: 0.29 };

export interface VisitRow {
  ref_date: string;
  session_cnt: number;
  visit_pv: number;
  visit_uv: number;
  visit_uv_new: number;
  stay_time_uv: number;
  stay_time_session: number;
  visit_depth: number;
}

export function refDate(p: Period): string {
  return p.granularity === 'daily' ? p.begin : p.granularity === 'weekly' ? `${p.begin}-${p.end}` : p.begin.slice(0, 6);
}

export const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function visitRow(p: Period, scale: Scale = 1): VisitRow {
  const ds = days(p, scale);
  const sum = (f: (d: Day) => number) => ds.reduce((a, d) => a + f(d), 0);
  const uv = Math.round(sum((d) => d.uv) * DEDUPE[p.granularity]);
  const sessions = sum((d) => d.sessions);
  const pv = sum((d) => d.pv);
  const stayTotal = sum((d) => d.stay * d.uv);
  return {
    ref_date: refDate(p),
    session_cnt: sessions,
    visit_pv: pv,
    visit_uv: uv,
    visit_uv_new: Math.round(sum((d) => d.uvNew) * (p.granularity === 'daily' ? 1 : 0.97)),
    stay_time_uv: round4(stayTotal / uv),
    stay_time_session: round4(stayTotal / sessions),
    visit_depth: round4(pv / sessions),
  };
}

const RETAIN_KEYS: Record<Granularity, number[]> = {
  daily: [0, 1, 2, 3, 4, 5, 6, 7, 14, 30],
  weekly: [0, 1, 2, 3, 4],
  monthly: [0, 1],
};

function retainRate(g: Granularity, key: number, active: boolean): number {
  if (key === 0) return 1;
  const base = active ? 0.42 : 0.24;
  const decay = g === 'daily' ? 0.9 : g === 'weekly' ? 0.8 : 0.75;
  const steps = g === 'daily' ? Math.min(key, 7) + Math.max(0, key - 7) * 0.15 : key - 1;
  return base * decay ** steps;
}

/** Offset k's period is the k-th period after p; WeChat only reports keys whose period has ended. */
function offsetPeriodComplete(p: Period, key: number, now: Date): boolean {
  let q = p;
  if (p.granularity === 'daily') q = { ...p, begin: addDays(p.begin, key), end: addDays(p.end, key) };
  else for (let i = 0; i < key; i++) q = nextPeriod(q);
  return isComplete(q, now);
}

export function retainBody(
  p: Period,
  now: Date,
  scale: Scale = 1,
): { ref_date: string; visit_uv_new: { key: number; value: number }[]; visit_uv: { key: number; value: number }[] } {
  const row = visitRow(p, scale);
  const keys = RETAIN_KEYS[p.granularity].filter((k) => offsetPeriodComplete(p, k, now));
  const seriesFor = (base: number, active: boolean) =>
    keys.map((key) => ({
      key,
      value:
        key === 0 ? base : Math.round(base * retainRate(p.granularity, key, active) * (0.95 + 0.1 * hash01(`r${key}${active}${p.begin}`))),
    }));
  return { ref_date: refDate(p), visit_uv_new: seriesFor(row.visit_uv_new, false), visit_uv: seriesFor(row.visit_uv, true) };
}

/** The day's summary; `scale` sizes the shares (visit_total, a running total of users, stays as it is). */
export function summaryRow(p: Period, scale: Scale = 1): { ref_date: string; visit_total: number; share_pv: number; share_uv: number } {
  const d = scaledDay(p.begin, scale);
  return {
    ref_date: p.begin,
    visit_total: Math.round(150_000 + daysSinceEpoch(p.begin) * 310 + 20_000 * hash01(`tot${p.begin}`)),
    share_pv: Math.round(d.uv * (0.05 + 0.03 * hash01(`spv${p.begin}`))),
    share_uv: Math.round(d.uv * (0.03 + 0.02 * hash01(`suv${p.begin}`))),
  };
}
