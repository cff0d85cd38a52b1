import { addDays, latestComplete, type Period, periodContaining, previousPeriod } from '../calendar/period';
import { fanOut } from '../reports/fan-out';
import type { AlertGranularity, AlertMetric, MetricPoint, MetricSeries } from '../reports/alert';
import type { VisitTrendItem } from '../wechat/types';
import type { WeChatClient } from '../wechat/client';

/** How many earlier periods an evaluation compares with (and its chart shows). */
export const HISTORY = 8;

/** Days between a cohort and the day its day-N retention is known. */
const COHORT_LAG: Partial<Record<AlertMetric, number>> = { day1_retention: 1, day7_retention: 7 };

/**
 * The period an evaluation looks at, `now` being the evaluation time: yesterday (daily) or last
 * week (weekly) — except retention, which is known only once its cohort's day 1, day 7 or week 1
 * is over, so it looks at the latest cohort that is complete.
 */
export function evaluatedPeriod(metric: AlertMetric, granularity: AlertGranularity, now: Date): Period {
  const last = latestComplete(granularity, now);
  if (granularity === 'weekly') return metric === 'week1_retention' ? previousPeriod(last) : last;
  const lag = COHORT_LAG[metric] ?? 0;
  return lag === 0 ? last : periodContaining('daily', addDays(last.begin, -lag));
}

/** The periods compared with, oldest first: the same weekday 1..8 weeks earlier (daily), the 8 weeks before (weekly). */
export function historyPeriods(p: Period): Period[] {
  // A week back is 7 days for both: the same weekday, or the previous Monday-Sunday week.
  return Array.from({ length: HISTORY }, (_, i) => periodContaining(p.granularity, addDays(p.begin, -7 * (HISTORY - i))));
}

const TREND_FIELD: Partial<Record<AlertMetric, keyof Omit<VisitTrendItem, 'refDate'>>> = {
  visitors: 'visitUv',
  new_users: 'visitUvNew',
  sessions: 'sessionCnt',
  page_views: 'visitPv',
  stay_time: 'stayTimeUv',
  visit_depth: 'visitDepth',
};

const RETENTION_KEY: Partial<Record<AlertMetric, number>> = { day1_retention: 1, day7_retention: 7, week1_retention: 1 };

/** One period's value of the metric, or null when WeChat has none. */
export async function metricValue(client: WeChatClient, metric: AlertMetric, p: Period, subject?: string): Promise<number | null> {
  if (metric === 'source_share') {
    const rows = (await client.getVisitDistribution(p.begin)).sourceSessions;
    return shareOf(
      rows.map((r) => [String(r.key), r.value]),
      subject,
    );
  }
  if (metric === 'page_share') {
    // The day's pages as WeChat lists them: the share is of the page views they add up to.
    const rows = (await client.getVisitPages(p.begin)).list;
    return shareOf(
      rows.map((r) => [r.pagePath, r.pageVisitPv ?? 0]),
      subject,
    );
  }
  const field = TREND_FIELD[metric];
  if (field) return (await client.getVisitTrend(p)).list[0]?.[field] ?? null;
  if (metric === 'shares') return (await client.getDailySummary({ beginDate: p.begin, endDate: p.end })).list[0]?.sharePv ?? null;
  const key = RETENTION_KEY[metric];
  if (key === undefined) return null;
  const r = await client.getRetain(p);
  const cohort = r.visitUvNew.get(0);
  const kept = r.visitUvNew.get(key);
  return cohort === undefined || kept === undefined || cohort === 0 ? null : kept / cohort;
}

/** One row's share of the total; 0 when the row is absent on a day with data, null on a day without. */
function shareOf(rows: [string, number][], subject: string | undefined): number | null {
  const total = rows.reduce((sum, [, v]) => sum + v, 0);
  if (total <= 0) return null;
  return (rows.find(([k]) => k === subject)?.[1] ?? 0) / total;
}

/** The metric for `p` and its history; WeChat calls a few at a time (old periods come from the result cache). */
export async function fetchSeries(client: WeChatClient, metric: AlertMetric, p: Period, subject?: string): Promise<MetricSeries> {
  const run = fanOut();
  const point = (q: Period): Promise<MetricPoint> => run(async () => ({ period: q, value: await metricValue(client, metric, q, subject) }));
  const [current, ...history] = await Promise.all([point(p), ...historyPeriods(p).map(point)]);
  return { current, history };
}
