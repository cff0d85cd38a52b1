import type { DailySummaryItem, DailySummaryResult, RetainResult, RetentionSeries, VisitTrendItem, VisitTrendResult } from './types';

// WeChat omits keys, metrics and whole lists in practice; every field is optional here and a
// missing number stays null so reports can say "n/a" instead of a false 0.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `snake_case` or its camelCase twin. */
function field(o: Json, snake: string): unknown {
  if (snake in o) return o[snake];
  return o[snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())];
}

export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

const toStr = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function series(v: unknown): RetentionSeries {
  const out = new Map<number, number>();
  if (!Array.isArray(v)) return out;
  for (const e of v) {
    if (!isObject(e)) continue;
    const key = toNumber(e.key);
    const value = toNumber(e.value);
    if (key !== null && value !== null && Number.isInteger(key) && key >= 0) out.set(key, value);
  }
  return out;
}

export function parseRetain(raw: unknown): RetainResult {
  const o = isObject(raw) ? raw : {};
  return {
    refDate: toStr(field(o, 'ref_date')),
    visitUvNew: series(field(o, 'visit_uv_new')),
    visitUv: series(field(o, 'visit_uv')),
  };
}

function list(raw: unknown): Json[] {
  const l = isObject(raw) ? raw.list : undefined;
  return Array.isArray(l) ? l.filter(isObject) : [];
}

export function parseVisitTrend(raw: unknown): VisitTrendResult {
  return {
    list: list(raw).map(
      (o): VisitTrendItem => ({
        refDate: toStr(field(o, 'ref_date')),
        sessionCnt: toNumber(field(o, 'session_cnt')),
        visitPv: toNumber(field(o, 'visit_pv')),
        visitUv: toNumber(field(o, 'visit_uv')),
        visitUvNew: toNumber(field(o, 'visit_uv_new')),
        stayTimeUv: toNumber(field(o, 'stay_time_uv')),
        stayTimeSession: toNumber(field(o, 'stay_time_session')),
        visitDepth: toNumber(field(o, 'visit_depth')),
      }),
    ),
  };
}

export function parseDailySummary(raw: unknown): DailySummaryResult {
  return {
    list: list(raw).map(
      (o): DailySummaryItem => ({
        refDate: toStr(field(o, 'ref_date')),
        visitTotal: toNumber(field(o, 'visit_total')),
        sharePv: toNumber(field(o, 'share_pv')),
        shareUv: toNumber(field(o, 'share_uv')),
      }),
    ),
  };
}
