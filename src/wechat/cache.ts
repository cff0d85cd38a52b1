import { addDays, chinaToday, nextPeriod, type Period } from '../calendar/period';

/** Where datacube answers are kept between calls (SQLite or Redis); values are WeChat's raw JSON. */
export interface ResultCache {
  get(key: string): Promise<unknown>;
  /** ttlMs undefined = forever. */
  set(key: string, value: unknown, ttlMs: number | undefined): Promise<void>;
}

/** Fresh periods can still change (retention fills in, late data): keep them briefly. */
export const FRESH_RESULT_TTL_MS = 10 * 60_000;

/**
 * A period's figures stop changing once its last retention key has closed: daily after 30 days,
 * weekly after 4 weeks, monthly after 1 month. From then on its answer is cached forever.
 */
export function isFinal(p: Period, now: Date): boolean {
  const today = chinaToday(now);
  switch (p.granularity) {
    case 'daily':
      return addDays(p.end, 30) < today;
    case 'weekly':
      return addDays(p.end, 28) < today;
    case 'monthly':
      return nextPeriod(p).end < today;
  }
}

export function resultTtlMs(p: Period, now: Date): number | undefined {
  return isFinal(p, now) ? undefined : FRESH_RESULT_TTL_MS;
}

/** An answer with nothing in it is never cached: it may be "not ready yet" in disguise. */
export function isEmptyAnswer(o: Record<string, unknown>): boolean {
  if (Array.isArray(o.list)) return o.list.length === 0;
  // wxa/business/performance/boot: data.body.tables
  const data = o.data as { body?: { tables?: unknown } } | undefined;
  if (typeof data === 'object' && data !== null) return !Array.isArray(data.body?.tables) || data.body.tables.length === 0;
  const groups = [o.visit_uv ?? o.visitUv, o.visit_uv_new ?? o.visitUvNew];
  if (groups.some(Array.isArray)) return groups.every((g) => !Array.isArray(g) || g.length === 0);
  // A user portrait: two objects of lists (province, city, ...); empty when every list is.
  if (groups.some((g) => typeof g === 'object' && g !== null)) {
    return groups.every((g) => typeof g !== 'object' || g === null || Object.values(g).every((l) => !Array.isArray(l) || l.length === 0));
  }
  return false;
}
