import type { Period } from '../calendar/period';
import type { Language } from '../i18n';
import { sourceLabel } from '../wechat/labels';

// The alert report: one metric's recent values and what the detection decided. Built by src/alerts,
// drawn by src/render, worded by src/slack.

/** What an alert watches. Daily-only and weekly-only metrics are listed in METRIC_GRANULARITIES. */
export type AlertMetric =
  | 'visitors'
  | 'new_users'
  | 'sessions'
  | 'page_views'
  | 'stay_time'
  | 'visit_depth'
  | 'shares'
  | 'day1_retention'
  | 'day7_retention'
  | 'week1_retention'
  /** One access source's share of the day's sessions (the alert's subject is the source key). */
  | 'source_share'
  /** One page's share of the day's page views (the subject is the page path). */
  | 'page_share';

export const ALERT_METRICS: readonly AlertMetric[] = [
  'visitors',
  'new_users',
  'sessions',
  'page_views',
  'stay_time',
  'visit_depth',
  'shares',
  'day1_retention',
  'day7_retention',
  'week1_retention',
  'source_share',
  'page_share',
];

export type AlertGranularity = 'daily' | 'weekly';

/** Which granularities each metric can be watched at (WeChat serves shares and day-N retention daily only). */
export const METRIC_GRANULARITIES: Readonly<Record<AlertMetric, readonly AlertGranularity[]>> = {
  visitors: ['daily', 'weekly'],
  new_users: ['daily', 'weekly'],
  sessions: ['daily', 'weekly'],
  page_views: ['daily', 'weekly'],
  stay_time: ['daily', 'weekly'],
  visit_depth: ['daily', 'weekly'],
  shares: ['daily'],
  day1_retention: ['daily'],
  day7_retention: ['daily'],
  week1_retention: ['weekly'],
  source_share: ['daily'],
  page_share: ['daily'],
};

/** Ratios (retention) are 0..1; `below`/`above` thresholds for them are given in percent and stored as 0..1. */
export type MetricUnit = 'count' | 'seconds' | 'ratio' | 'pages';

export const METRIC_UNITS: Readonly<Record<AlertMetric, MetricUnit>> = {
  visitors: 'count',
  new_users: 'count',
  sessions: 'count',
  page_views: 'count',
  stay_time: 'seconds',
  visit_depth: 'pages',
  shares: 'count',
  day1_retention: 'ratio',
  day7_retention: 'ratio',
  week1_retention: 'ratio',
  source_share: 'ratio',
  page_share: 'ratio',
};

export type AlertCondition =
  | { kind: 'below'; value: number }
  | { kind: 'above'; value: number }
  /** percent: 1..100 for drops, 1..10000 for rises; against the same weekday a week earlier (daily) or the week before (weekly). */
  | { kind: 'drops'; percent: number }
  | { kind: 'rises'; percent: number }
  | { kind: 'anomaly' };

/** One value of the watched metric for one period (a day, or a Monday-Sunday week). null = WeChat had none. */
export interface MetricPoint {
  period: Period;
  value: number | null;
}

/**
 * What an evaluation looks at: the period evaluated and, oldest first, up to 8 earlier periods to
 * compare with (daily: the same weekday 1..8 weeks earlier; weekly: the 8 weeks before).
 */
export interface MetricSeries {
  current: MetricPoint;
  history: MetricPoint[];
}

/** The range a value is expected in (anomaly), from the history's median and spread. */
export interface ExpectedRange {
  low: number;
  high: number;
  median: number;
}

/** What the detection decided, and the facts the post and the chart show. */
export type Verdict =
  | {
      state: 'firing' | 'ok';
      value: number;
      /** The value compared with for drops/rises (the last history point), when there is one. */
      previous: number | null;
      /** (value - previous) / previous, or null. */
      change: number | null;
      /** below/above: the threshold. */
      threshold?: number;
      /** anomaly: the expected range. */
      expected?: ExpectedRange;
    }
  /** drops/rises without a previous value, or anomaly with fewer than MIN_HISTORY usable points. */
  | { state: 'not_enough_history'; value: number; points: number }
  /** WeChat had no value for the period evaluated. */
  | { state: 'no_value' };

/** An alert's evaluation as a report: what fired (or recovered), for the post and its chart. */
export interface AlertReport {
  kind: 'alert';
  /** The period evaluated. */
  period: Period;
  appName: string;
  sandbox: boolean;
  /** True when WeChat had no value for the period evaluated. */
  empty: boolean;
  /** The words' language (the channel's); English when absent. */
  language?: Language;
  alertId: string;
  metric: AlertMetric;
  /** source_share: the source key; page_share: the page path (WeChat's text: untrusted). */
  subject?: string;
  granularity: AlertGranularity;
  condition: AlertCondition;
  series: MetricSeries;
  verdict: Verdict;
}

/** What a source or page metric is about, in `lang`: the access source's name, or the page path as WeChat gave it. */
export function subjectLabel(r: { metric: AlertMetric; subject?: string }, lang: Language): string {
  if (r.metric === 'source_share') return sourceLabel(Number(r.subject))[lang];
  return r.subject ?? '';
}
