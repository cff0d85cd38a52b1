import type { Language } from '../i18n';
import type { ProducedReport } from '../reports/service';
import type { DeliveredParts, Schedule } from '../store/types';

/** Fires schedules: in-process (croner) with the SQLite store, or on BullMQ with Redis. */
export interface Scheduler {
  readonly mode: 'local' | 'bullmq';
  start(): Promise<void>;
  /** Stops firing; waits up to graceMs for runs in progress, then hands the rest back. */
  stop(graceMs: number): Promise<void>;
  added(s: Schedule): Promise<void>;
  removed(id: string): Promise<void>;
}

/** What a scheduled run tells the channel; src/slack puts it into words. */
export type RunNotice =
  | { kind: 'not_ready'; scheduleId: string; title: string; range: string; hours: number }
  | { kind: 'failed'; scheduleId: string; range: string; error: unknown; ref: string }
  | { kind: 'chart_missing'; scheduleId: string; range: string; error: unknown; ref: string; hours?: number };

/** What part of a scheduled run failed. */
export type FailedPart = 'report' | 'chart';

/** Where scheduled reports go (Slack; implemented in src/slack). */
export interface ScheduledDelivery {
  /** Posts the parts not in `done` into the channel; `onPart` is awaited after each one. */
  deliver(
    channel: string,
    produced: ProducedReport,
    o: { done: DeliveredParts; onPart: (d: DeliveredParts) => Promise<void> },
  ): Promise<void>;
  /** Tells the channel, in its language (English when not given). */
  notice(channel: string, n: RunNotice, lang?: Language): Promise<void>;
  /**
   * A failure as the run log keeps it: facts, in no language (`/wxa schedule list` words them in the
   * reader's). `part` is what failed: the report, or the chart after the summary was posted.
   */
  failure(e: unknown, part: FailedPart): string;
  /** True when trying again cannot help (Slack refuses the bot token). */
  hopeless(e: unknown): boolean;
}
