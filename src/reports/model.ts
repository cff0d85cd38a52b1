import { formatRange, UNITS } from '../calendar/labels';
import type { Period } from '../calendar/period';

export type ReportKind = 'retain' | 'visits';
export const REPORT_KINDS: readonly ReportKind[] = ['retain', 'visits'];

/** What someone asked for, after parsing and date validation. */
export interface ReportRequest {
  kind: ReportKind;
  period: Period;
  /** Said back to the user, e.g. that a Wednesday was read as its week (worded by src/slack). */
  notes: ReportNote[];
}

/** Something the reader should know about a report; src/slack puts it into words. */
export type ReportNote =
  | { kind: 'week_of'; date: string; period: Period }
  | { kind: 'no_data'; period: Period }
  | { kind: 'no_visits'; period: Period };

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

export interface Report {
  kind: ReportKind;
  period: Period;
  previous: Period;
  appName: string;
  sandbox: boolean;
  retention: { newUsers: Cohort; activeUsers: Cohort } | null;
  visits: Figure[];
  trend: TrendPoint[];
  /** Daily /visits only: getweanalysisappiddailysummarytrend. */
  summary: { visitTotal: number | null; sharePv: number | null; shareUv: number | null } | null;
  /** True when WeChat returned nothing at all for the period. */
  empty: boolean;
  notes: ReportNote[];
}

/** "Weekly retention · 2017-03-06 – 2017-03-12": the report's title in messages, files and charts. */
export function reportTitle(r: Pick<Report, 'kind' | 'period'>): string {
  const u = UNITS[r.period.granularity];
  return `${u.adj} ${r.kind === 'retain' ? 'retention' : 'visits'} · ${formatRange(r.period)}`;
}
