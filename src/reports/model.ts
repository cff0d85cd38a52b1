import type { Period } from '../calendar/period';
import { type Language, translator } from '../i18n';
import { formatPeriod } from '../i18n/dates';

export type ReportKind = 'retain' | 'visits' | 'sources' | 'pages' | 'users' | 'perf' | 'cohorts' | 'digest';
export const REPORT_KINDS: readonly ReportKind[] = ['retain', 'visits', 'sources', 'pages', 'users', 'perf', 'cohorts', 'digest'];

/** Days a user portrait (1, 7, 30) or a performance trend (7, 30) covers, ending with the request's day. */
export type Span = 1 | 7 | 30;

/** What someone asked for, after parsing and date validation. */
export interface ReportRequest {
  kind: ReportKind;
  /**
   * The period reported on. users and perf: the last day of their span; cohorts: the newest cohort;
   * sources and pages: the day.
   */
  period: Period;
  /** users and perf only: how many days, ending with `period`. */
  span?: Span;
  /** Said back to the user, e.g. that a Wednesday was read as its week (worded by src/slack). */
  notes: ReportNote[];
  /** The language of the words (the channel's, set with `/wxa lang`); English when absent. */
  language?: Language;
}

/** Something the reader should know about a report; src/slack puts it into words. */
export type ReportNote =
  | { kind: 'week_of'; date: string; period: Period }
  | { kind: 'no_data'; period: Period }
  | { kind: 'no_visits'; period: Period }
  /** A part of a report whose call failed; the rest is shown. `error` is a WeChat error's kind. */
  | { kind: 'part_missing'; part: ReportPart; error: string };

/** The parts of a multi-call report (digest, cohorts) that can be missing on their own. */
export type ReportPart = 'kpis' | 'retention' | 'sources' | 'pages' | 'cohorts' | 'comparison' | PerfMetric;

export type Unit = 'count' | 'seconds' | 'ratio';

/** A figure for the period next to the same figure for the period before. */
export interface Figure {
  key: string;
  label: string;
  unit: Unit;
  value: number | null;
  previous: number | null;
  /** (value - previous) / previous; null when either is missing or previous is 0. */
  change: number | null;
}

export interface RetentionPoint {
  /** Periods after the cohort's own (1 = the next day/week/month). */
  offset: number;
  count: number | null;
  /** Share of the cohort (offset 0), 0..1; null when either count is missing or the cohort is 0. */
  share: number | null;
}

export interface Cohort {
  size: number | null;
  points: RetentionPoint[];
}

export interface TrendPoint {
  period: Period;
  label: string;
  visitUv: number | null;
  visitUvNew: number | null;
  sessionCnt: number | null;
  visitPv: number | null;
}

/** What every report has, whatever its kind. */
interface ReportBase {
  period: Period;
  appName: string;
  sandbox: boolean;
  /** True when WeChat returned nothing at all for the period. */
  empty: boolean;
  notes: ReportNote[];
  /** The words' language, from the request; English when absent. */
  language?: Language;
}

/** /retain and /visits: one period's figures against the previous one, with the visit trend. */
export interface TrendReport extends ReportBase {
  kind: 'retain' | 'visits';
  previous: Period;
  retention: { newUsers: Cohort; activeUsers: Cohort } | null;
  visits: Figure[];
  trend: TrendPoint[];
  /** Daily /visits only: getweanalysisappiddailysummarytrend. */
  summary: { visitTotal: number | null; sharePv: number | null; shareUv: number | null } | null;
}

/** A count this day next to the same weekday a week earlier. */
export interface Compared {
  value: number | null;
  previous: number | null;
  change: number | null;
}

/** One access source (WeChat's numeric key; its label is looked up at the boundary, see wechat/labels). */
export interface SourceRow {
  key: number;
  sessions: Compared;
  /** Visitors from this source, where WeChat sends access_source_visit_uv. */
  visitors: number | null;
  /** Share of all sessions of the day, 0..1. */
  share: number | null;
}

/** A stay-time or visit-depth bucket: its key (1 = the shortest/shallowest) and count. */
export interface Bucket {
  key: number;
  value: number;
  share: number | null;
}

export interface SourcesReport extends ReportBase {
  kind: 'sources';
  /** The same weekday a week earlier. */
  comparedWith: Period;
  /** Every source of the day, most sessions first. */
  sources: SourceRow[];
  totalSessions: number | null;
  /** The largest absolute changes in sessions, up to 3 each way, biggest first. */
  movers: SourceRow[];
  stayTime: Bucket[];
  depth: Bucket[];
}

export interface PageRow {
  path: string;
  pageViews: number | null;
  visitors: number | null;
  /** Average stay per page view, seconds. */
  stayTime: number | null;
  entries: number | null;
  exits: number | null;
  /** entries / page views and exits / page views, 0..1. */
  entryShare: number | null;
  exitShare: number | null;
  shares: number | null;
  shareUsers: number | null;
  /** Change in page views against the previous period (digest only; null in /wxa pages). */
  change: number | null;
  /** Exits are a large share of its views, and it has enough views for that to mean something. */
  exitHeavy: boolean;
}

export interface PagesReport extends ReportBase {
  kind: 'pages';
  /** Most page views first; the first PAGES_KEPT of them. */
  pages: PageRow[];
  /** How many pages WeChat listed (at most 200), before keeping the top ones. */
  pageCount: number;
  totalPageViews: number | null;
}

/** One slice of a user portrait dimension: WeChat's id and name (untrusted text), count and share. */
export interface PortraitSlice {
  id: number | null;
  name: string;
  value: number;
  share: number | null;
}

export type PortraitDimension = 'genders' | 'platforms' | 'ages' | 'provinces' | 'cities' | 'devices';
export const PORTRAIT_DIMENSIONS: readonly PortraitDimension[] = ['genders', 'platforms', 'ages', 'provinces', 'cities', 'devices'];

/**
 * Who the users are: each dimension's slices, largest first (ages in band order), the first
 * SLICES_KEPT of them; `counts` says how many WeChat listed. Shares are of `total`, all users.
 */
export type Portrait = Record<PortraitDimension, PortraitSlice[]> & { total: number | null; counts: Record<PortraitDimension, number> };

export interface UsersReport extends ReportBase {
  kind: 'users';
  span: Span;
  /** The span's first day; `period.end` is its last. */
  begin: string;
  newUsers: Portrait;
  activeUsers: Portrait;
}

export type PerfMetric = 'launch' | 'pageSwitch' | 'memory' | 'memoryAnomaly';
export const PERF_METRICS: readonly PerfMetric[] = ['launch', 'pageSwitch', 'memory', 'memoryAnomaly'];

export interface PerfSeries {
  metric: PerfMetric;
  /** Milliseconds (launch, page switch), megabytes (memory) or a count (anomalies). */
  unit: 'ms' | 'MB' | 'count';
  /** WeChat's own name for the table drawn (Chinese, untrusted text); '' when it sent none. */
  name: string;
  /** One point per day of the span, oldest first; null where WeChat has no figure. */
  points: { date: string; value: number | null }[];
  /** Mean over the span's days that have a figure. */
  average: number | null;
  latest: number | null;
  /** The span's second half against its first half (mean against mean). */
  change: number | null;
}

export interface PerfReport extends ReportBase {
  kind: 'perf';
  span: Span;
  begin: string;
  series: PerfSeries[];
}

/** One cohort row of a heatmap: the period its users arrived, their number, and the share back after each offset. */
export interface CohortRow {
  period: Period;
  size: number | null;
  /** Aligned with CohortsReport.offsets; null where WeChat has no figure or the period has not ended. */
  shares: (number | null)[];
}

export interface CohortsReport extends ReportBase {
  kind: 'cohorts';
  /** 1.. offsets after the cohort's own period (0 is the cohort itself, always 100%). */
  offsets: number[];
  /** Oldest first; the last is `period`. */
  cohorts: CohortRow[];
}

export interface DigestReport extends ReportBase {
  kind: 'digest';
  previous: Period;
  /** Visitors, new users, sessions, page views, stay time, depth, against the previous period. */
  kpis: Figure[];
  /** The previous period's new users and the share back in this one, next to the same share a period earlier. */
  retention: DigestRetention | null;
  /** Top 5 sources of the period (sessions summed over its days), against the previous period. */
  sources: SourceRow[];
  /** The sources whose sessions changed most against the previous period (up to 3 each way), biggest first. */
  movers: SourceRow[];
  /** Top 5 pages by page views over the period, against the previous period. */
  pages: PageRow[];
  trend: TrendPoint[];
}

export interface DigestRetention {
  /** The cohort: the period before the digest's, whose users came back (or not) in the digest's. */
  cohort: Period;
  size: number | null;
  returned: number | null;
  share: number | null;
  /** The same share for the cohort one period earlier. */
  shareBefore: number | null;
}

export type Report = TrendReport | SourcesReport | PagesReport | UsersReport | PerfReport | CohortsReport | DigestReport;

/**
 * WeChat said a part's data is not ready yet (errcode 61503, or some days of a week came back
 * empty): a schedule waits and retries rather than post a report with a hole in it.
 */
export function awaitsData(r: Report): boolean {
  return r.empty || r.notes.some((n) => n.kind === 'part_missing' && n.error === 'not_ready');
}

/**
 * "Weekly retention · 2017-03-06 – 2017-03-12" (每周留存 · 2017年3月6日–12日): the report's title in
 * messages, files and charts. Span reports name their days: "User portrait · 7 days to 2017-03-12".
 */
export function reportTitle(r: Pick<ReportRequest, 'kind' | 'period' | 'span' | 'language'>): string {
  const lang = r.language ?? 'en';
  const t = translator(lang);
  const what = t(`kind.${r.kind}`);
  const range = formatPeriod(r.period, lang);
  if (r.span !== undefined) {
    const What = `${what[0].toUpperCase()}${what.slice(1)}`;
    // Chinese has no singular form to drop the count with, so one day has its own key.
    return r.span === 1 ? t('title.day', { What, range }) : t('title.span', { count: r.span, What, range });
  }
  return t('title.period', { adj: t(`unit.${r.period.granularity}.adj`), what, range });
}
