import { addDays, periodContaining } from '../calendar/period';
import type { WeChatClient } from '../wechat/client';
import type { DistributionItem, VisitDistributionResult } from '../wechat/types';
import { change, type ReportMeta } from './build';
import type { Bucket, ReportRequest, SourceRow, SourcesReport } from './model';
import type { Parts } from './parts';

/** Movers called out each way. */
const MOVERS_EACH_WAY = 3;

export interface SourcesData {
  day: VisitDistributionResult;
  /** The same weekday a week earlier; null when it could not be fetched or is before 2017. */
  weekBefore: VisitDistributionResult | null;
}

/** Analytics start on 2017-01-01: there is nothing to compare with before. */
const FIRST_DATE = '20170101';

export async function fetchSources(client: WeChatClient, req: ReportRequest, parts: Parts): Promise<SourcesData> {
  const before = addDays(req.period.begin, -7);
  const [day, weekBefore] = await Promise.all([
    client.getVisitDistribution(req.period.begin),
    before < FIRST_DATE ? Promise.resolve(null) : parts.get('comparison', client.getVisitDistribution(before)),
  ]);
  return { day, weekBefore };
}

function byKey(items: DistributionItem[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const i of items) m.set(i.key, (m.get(i.key) ?? 0) + i.value);
  return m;
}

/**
 * Sources ranked by sessions (ties by key), each against `previous` (null when there is no
 * comparison), with their share of all sessions. Sources only in `previous` show with 0 now.
 */
export function sourceRows(current: DistributionItem[], visitors: DistributionItem[], previous: DistributionItem[] | null): SourceRow[] {
  const now = byKey(current);
  const before = previous ? byKey(previous) : null;
  const uv = byKey(visitors);
  const keys = new Set([...now.keys(), ...(before?.keys() ?? [])]);
  const total = [...now.values()].reduce((a, b) => a + b, 0);
  const rows = [...keys].map((key): SourceRow => {
    const value = now.get(key) ?? 0;
    const prev = before ? (before.get(key) ?? 0) : null;
    return {
      key,
      sessions: { value, previous: prev, change: change(value, prev) },
      visitors: uv.get(key) ?? null,
      share: total > 0 ? value / total : null,
    };
  });
  return rows.sort((a, b) => (b.sessions.value ?? 0) - (a.sessions.value ?? 0) || a.key - b.key);
}

/** The largest absolute changes in sessions, up to 3 rises and 3 falls, biggest first. */
export function movers(rows: SourceRow[]): SourceRow[] {
  const delta = (r: SourceRow) => (r.sessions.value ?? 0) - (r.sessions.previous ?? 0);
  const compared = rows.filter((r) => r.sessions.previous !== null && delta(r) !== 0);
  const rises = compared
    .filter((r) => delta(r) > 0)
    .sort((a, b) => delta(b) - delta(a))
    .slice(0, MOVERS_EACH_WAY);
  const falls = compared
    .filter((r) => delta(r) < 0)
    .sort((a, b) => delta(a) - delta(b))
    .slice(0, MOVERS_EACH_WAY);
  return [...rises, ...falls].sort((a, b) => Math.abs(delta(b)) - Math.abs(delta(a)));
}

export function buckets(items: DistributionItem[]): Bucket[] {
  const m = byKey(items);
  const total = [...m.values()].reduce((a, b) => a + b, 0);
  return [...m.entries()].sort(([a], [b]) => a - b).map(([key, value]) => ({ key, value, share: total > 0 ? value / total : null }));
}

export function buildSources(req: ReportRequest, data: SourcesData, meta: ReportMeta, parts: Parts): SourcesReport {
  const sources = sourceRows(data.day.sourceSessions, data.day.sourceVisitors, data.weekBefore?.sourceSessions ?? null);
  const total = data.day.sourceSessions.reduce((a, i) => a + i.value, 0);
  const empty = data.day.sourceSessions.length === 0 && data.day.stayTime.length === 0 && data.day.depth.length === 0;
  return {
    kind: 'sources',
    period: req.period,
    appName: meta.appName,
    sandbox: meta.sandbox,
    empty,
    notes: [...req.notes, ...parts.notes, ...(empty ? [{ kind: 'no_data' as const, period: req.period }] : [])],
    comparedWith: periodContaining('daily', addDays(req.period.begin, -7)),
    sources,
    totalSessions: data.day.sourceSessions.length ? total : null,
    movers: movers(sources),
    stayTime: buckets(data.day.stayTime),
    depth: buckets(data.day.depth),
  };
}
