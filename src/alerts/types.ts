import type { Period } from '../calendar/period';
import type { Language } from '../i18n';
import type { AlertCondition, AlertGranularity, AlertMetric, AlertReport } from '../reports/alert';
import type { FailedPart } from '../schedule/types';
import type { DeliveredParts, RunRecord } from '../store/types';

/** An alert as stored: what to watch, the condition, and where to post. */
export interface Alert {
  id: string;
  metric: AlertMetric;
  /** source_share: the access-source key; page_share: the page path. */
  subject?: string;
  granularity: AlertGranularity;
  condition: AlertCondition;
  channel: string;
  /** Which mini program (WECHAT_APPS_FILE name); absent = the channel's default at evaluation time. */
  app?: string;
  createdBy: string;
  createdAt: number;
  /** Epoch ms until which a firing is not posted; absent = not muted. */
  mutedUntil?: number;
}

/** A firing alert ready to post: the report and its chart. */
export interface ProducedAlert {
  report: AlertReport;
  /** The mini program's name. */
  program: string;
  /** Absent when the chart could not be drawn: the alert is posted without it rather than not at all. */
  chart?: Buffer;
  chartFilename: string;
}

/** Why an alert could not be checked, for the channel's notice. */
export type AlertNotice =
  | { kind: 'not_ready'; alert: Alert; period: Period; hours: number }
  /** retry: how often and how long it is still tried (the notice says so); absent when this was the last try. */
  | { kind: 'failed'; alert: Alert; period: Period; error: unknown; ref: string; retry?: { minutes: number; hours: number } };

/** Where alerts go (Slack; implemented in src/slack). */
export interface AlertDelivery {
  /** Posts the alert (message, then chart), skipping the parts in `done`; `onPart` is awaited after each. */
  fire(channel: string, produced: ProducedAlert, o: { done: DeliveredParts; onPart: (d: DeliveredParts) => Promise<void> }): Promise<void>;
  /** "Back to normal", in the thread of the firing post; returns the posted message's ts. */
  recovered(channel: string, threadTs: string, report: AlertReport): Promise<string>;
  /** The channel is told the alert could not be checked, in its language. */
  notice(channel: string, n: AlertNotice, lang: Language): Promise<void>;
  /** A failure as the run log keeps it (see ScheduledDelivery.failure). */
  failure(e: unknown, part: FailedPart): string;
}

/** Where an alert's last firing post is: its "back to normal" goes in that thread. */
export interface FiringState {
  ts: string;
  periodBegin: string;
}

/** How one evaluation ended (the metric wxa_alert_evaluations_total counts them by outcome). */
export type AlertOutcome =
  /** recovered_quietly: back to normal, but nothing posted (muted, or the post failed). */
  | { outcome: 'fired' | 'recovered' | 'recovered_quietly' | 'ok' | 'muted' | 'not_enough_history'; key: string; report: AlertReport }
  /** waiting_data: WeChat has no data yet; retrying: the check failed (the channel was told) and is tried again. */
  | { outcome: 'waiting_data' | 'retrying'; key: string; retryAt: number }
  | { outcome: 'could_not_check' | 'skipped'; key: string };

/** What checks an alert (the AlertEvaluator, or a job queue that hands the check to a worker). */
export interface ChecksAlerts {
  evaluate(a: Alert, period: Period): Promise<AlertOutcome>;
  closeRemoved(run: Pick<RunRecord, 'key' | 'scheduleId' | 'periodBegin'>): Promise<void>;
}
