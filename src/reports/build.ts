import { previousPeriod, type Granularity, type Period } from '../calendar/period';
import { isoDate } from '../calendar/labels';
import type { DailySummaryItem, RetainResult, RetentionSeries, VisitTrendItem } from '../wechat/types';
import type { Cohort, Figure, ReportRequest, TrendPoint, TrendReport, Unit } from './model';

/** Retention offsets WeChat reports for each granularity. */
export const RETENTION_OFFSETS: Record<Granularity, number[]> = {
  daily: [1, 2, 3, 4, 5, 6, 7, 14, 30],
  weekly: [1, 2, 3, 4],
  monthly: [1],
};

/** How many periods the trend chart covers, ending with the requested one. */
export const TREND_LENGTH: Record<Granularity, number> = { daily: 14, weekly: 8, monthly: 6 };

export interface ReportData {
  retain: RetainResult | null;
  /** One entry per trend period, oldest first, in the same order as `trendPeriods`. */
  trend: (VisitTrendItem | null)[];
  trendPeriods: Period[];
  summary: DailySummaryItem | null;
}

export interface ReportMeta {
  appName: string;
  sandbox: boolean;
}

export function change(value: number | null, previous: number | null): number | null {
  if (value === null || previous === null || previous === 0) return null;
  return (value - previous) / previous;
}

export function cohort(series: RetentionSeries, offsets: number[]): Cohort {
  const size = series.get(0) ?? null;
  return {
    size,
    points: offsets.map((offset) => {
      const count = series.get(offset) ?? null;
      return { offset, count, share: count === null || size === null || size === 0 ? null : count / size };
    }),
  };
}

const VISIT_FIGURES: { key: keyof VisitTrendItem; label: string; unit: Unit }[] = [
  { key: 'sessionCnt', label: 'Sessions', unit: 'count' },
  { key: 'visitPv', label: 'Visits (page views)', unit: 'count' },
  { key: 'visitUv', label: 'Visitors', unit: 'count' },
  { key: 'visitUvNew', label: 'New visitors', unit: 'count' },
  { key: 'stayTimeUv', label: 'Stay time per visitor', unit: 'seconds' },
  { key: 'stayTimeSession', label: 'Stay time per session', unit: 'seconds' },
  { key: 'visitDepth', label: 'Visit depth', unit: 'ratio' },
];

export function visitFigures(current: VisitTrendItem | null, previous: VisitTrendItem | null): Figure[] {
  return VISIT_FIGURES.map(({ key, label, unit }) => {
    const value = (current?.[key] as number | null | undefined) ?? null;
    const prev = (previous?.[key] as number | null | undefined) ?? null;
    return { key, label, unit, value, previous: prev, change: change(value, prev) };
  });
}

export function trendLabel(p: Period): string {
  if (p.granularity === 'monthly') return isoDate(p.begin).slice(0, 7);
  return isoDate(p.begin).slice(5);
}

/** The trend chart's points: one per period, oldest first; a period WeChat sent nothing for has nulls. */
export function trendPoints(periods: Period[], items: (VisitTrendItem | null)[]): TrendPoint[] {
  return periods.map((p, i) => {
    const item = items[i];
    return {
      period: p,
      label: trendLabel(p),
      visitUv: item?.visitUv ?? null,
      visitUvNew: item?.visitUvNew ?? null,
      sessionCnt: item?.sessionCnt ?? null,
      visitPv: item?.visitPv ?? null,
    };
  });
}

/** Turns fetched API data into the plain model every renderer and delivery works from. */
/** /retain and /visits (any other kind is read as visits). */
export function buildReport(req: ReportRequest, data: ReportData, meta: ReportMeta): TrendReport {
  const { period } = req;
  const n = data.trend.length;
  const current = n > 0 ? data.trend[n - 1] : null;
  const prev = n > 1 ? data.trend[n - 2] : null;
  const trend = trendPoints(data.trendPeriods, data.trend);
  const offsets = RETENTION_OFFSETS[period.granularity];
  const retention = data.retain
    ? { newUsers: cohort(data.retain.visitUvNew, offsets), activeUsers: cohort(data.retain.visitUv, offsets) }
    : null;
  const retainEmpty = !data.retain || (data.retain.visitUv.size === 0 && data.retain.visitUvNew.size === 0);
  const empty = current === null && (req.kind === 'visits' || retainEmpty);
  const notes = [...req.notes];
  if (empty) notes.push({ kind: 'no_data', period });
  else if (current === null) notes.push({ kind: 'no_visits', period });
  return {
    kind: req.kind === 'retain' ? 'retain' : 'visits',
    period,
    previous: previousPeriod(period),
    appName: meta.appName,
    sandbox: meta.sandbox,
    retention,
    visits: visitFigures(current, prev),
    trend,
    summary: data.summary ? { visitTotal: data.summary.visitTotal, sharePv: data.summary.sharePv, shareUv: data.summary.shareUv } : null,
    empty,
    notes,
  };
}
