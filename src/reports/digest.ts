import { addDays, periodsEnding, previousPeriod, type Period } from '../calendar/period';
import type { WeChatClient } from '../wechat/client';
import type { RetainResult, VisitDistributionResult, VisitPageItem, VisitTrendItem } from '../wechat/types';
import { TREND_LENGTH, trendPoints, visitFigures, type ReportMeta } from './build';
import { fanOut } from './fan-out';
import type { DigestReport, DigestRetention, ReportRequest } from './model';
import { pageRows } from './pages';
import type { Parts } from './parts';
import { movers, sourceRows } from './sources';

/** Sources and pages the digest lists. */
export const DIGEST_TOP = 5;

export interface DigestData {
  trendPeriods: Period[];
  trend: (VisitTrendItem | null)[] | null;
  /** The previous period's retention and the one before it: their +1 share. */
  retain: [RetainResult | null, RetainResult | null] | null;
  /** Each day of the period and of the previous one. */
  sources: { now: VisitDistributionResult[]; before: VisitDistributionResult[] } | null;
  pages: { now: VisitPageItem[][]; before: VisitPageItem[][] } | null;
}

function daysOf(p: Period): string[] {
  const out: string[] = [];
  for (let d = p.begin; d <= p.end; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * Everything at once, at most REPORT_FAN_OUT calls in flight (cached days cost no call):
 * the visit trend, two retention periods, and sources and pages for each day of this period and
 * the one before. A part that fails is left out with a note.
 */
export async function fetchDigest(client: WeChatClient, req: ReportRequest, parts: Parts): Promise<DigestData> {
  const { period } = req;
  const trendPeriods = periodsEnding(period, TREND_LENGTH[period.granularity]);
  const prev = previousPeriod(period);
  const days = { now: daysOf(period), before: daysOf(prev) };
  const limit = fanOut();
  const distribution = (d: string) => limit(() => client.getVisitDistribution(d));
  const pagesOf = (d: string) => limit(async () => (await client.getVisitPages(d)).list);
  const [trend, retain, sources, pages] = await Promise.all([
    parts.get('kpis', Promise.all(trendPeriods.map((p) => limit(async () => (await client.getVisitTrend(p)).list[0] ?? null)))),
    parts.get('retention', Promise.all([limit(() => client.getRetain(prev)), limit(() => client.getRetain(previousPeriod(prev)))])),
    parts.get('sources', Promise.all([Promise.all(days.now.map(distribution)), Promise.all(days.before.map(distribution))])),
    parts.get('pages', Promise.all([Promise.all(days.now.map(pagesOf)), Promise.all(days.before.map(pagesOf))])),
  ]);
  parts.assertAny();
  return {
    trendPeriods,
    trend,
    retain: retain as [RetainResult, RetainResult] | null,
    sources: sources ? { now: sources[0], before: sources[1] } : null,
    pages: pages ? { now: pages[0], before: pages[1] } : null,
  };
}

function plusOne(r: RetainResult | null): { size: number | null; returned: number | null; share: number | null } {
  const size = r?.visitUvNew.get(0) ?? null;
  const returned = r?.visitUvNew.get(1) ?? null;
  return { size, returned, share: size === null || returned === null || size === 0 ? null : returned / size };
}

function retention(period: Period, retain: DigestData['retain']): DigestRetention | null {
  if (!retain) return null;
  const cohort = plusOne(retain[0]);
  return { cohort: previousPeriod(period), ...cohort, shareBefore: plusOne(retain[1]).share };
}

/**
 * Some days of the period empty while others have data: WeChat's "not ready" in disguise (the
 * client never caches such answers). Summing would show a false drop, so the part is left out.
 */
function partlyEmpty<T>(days: { now: T[]; before: T[] }, isEmpty: (d: T) => boolean): boolean {
  const some = (l: T[]) => l.some(isEmpty) && !l.every(isEmpty);
  return some(days.now) || (days.now.some((d) => !isEmpty(d)) && some(days.before));
}

export function buildDigest(req: ReportRequest, raw: DigestData, meta: ReportMeta, parts: Parts): DigestReport {
  const { period } = req;
  const data = { ...raw };
  if (data.sources && partlyEmpty(data.sources, (d) => d.sourceSessions.length === 0)) {
    parts.missing('sources', 'not_ready');
    data.sources = null;
  }
  if (data.pages && partlyEmpty(data.pages, (d) => d.length === 0)) {
    parts.missing('pages', 'not_ready');
    data.pages = null;
  }
  const trend = data.trend ?? data.trendPeriods.map(() => null);
  const n = trend.length;
  const sum = (ds: VisitDistributionResult[], f: (d: VisitDistributionResult) => VisitDistributionResult['sourceSessions']) =>
    ds.flatMap(f);
  const sources = data.sources
    ? sourceRows(
        sum(data.sources.now, (d) => d.sourceSessions),
        sum(data.sources.now, (d) => d.sourceVisitors),
        sum(data.sources.before, (d) => d.sourceSessions),
      )
    : [];
  const pages = data.pages ? pageRows(data.pages.now, data.pages.before) : [];
  const current = trend[n - 1] ?? null;
  const empty = current === null && sources.length === 0 && pages.length === 0;
  return {
    kind: 'digest',
    period,
    previous: previousPeriod(period),
    appName: meta.appName,
    sandbox: meta.sandbox,
    empty,
    notes: [...req.notes, ...parts.notes, ...(empty ? [{ kind: 'no_data' as const, period }] : [])],
    kpis: visitFigures(current, trend[n - 2] ?? null),
    retention: retention(period, data.retain),
    sources: sources.slice(0, DIGEST_TOP),
    movers: movers(sources),
    pages: pages.slice(0, DIGEST_TOP),
    trend: trendPoints(data.trendPeriods, trend),
  };
}
