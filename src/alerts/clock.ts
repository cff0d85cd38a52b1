import { Cron } from 'croner';
import { type Period, periodContaining } from '../calendar/period';
import type { Alert, ChecksAlerts } from './types';
import type { Logger } from '../log';
import type { Store } from '../store/types';
import { errorText } from '../util/error-text';
import { InFlight } from '../util/in-flight';
import type { AlertBook } from './book';
import { alertRunKey } from './evaluator';
import { evaluatedPeriod } from './series';

/** WeChat's data for a day is usually ready by mid-morning China time. */
export const DEFAULT_ALERT_TIME = '10:30';
export const ALERT_TIMEZONE = 'Asia/Shanghai';

/**
 * Evaluates every alert once a day at ALERT_TIME China time (daily alerts on yesterday, weekly ones
 * on last week: its key exists from Monday on, so later days skip it), on every instance: the
 * run claim lets one of them do each. Also picks up retries that are due and evaluations whose
 * instance died, and at start-up catches up with today's evaluations if their time has passed.
 */
export class AlertClock {
  private cron: Cron | undefined;
  private poller: NodeJS.Timeout | undefined;
  private readonly inFlight = new InFlight();
  private dueMinute = 0;
  /** One sweep at a time: a tick that comes while the last one still runs is skipped. */
  private sweeping = false;
  private stopped = false;
  /**
   * Checks this process saw finished (or taken by another instance): the minute sweep skips them
   * without a store call. Cleared when it grows past a day's worth.
   */
  private readonly finished = new Set<string>();

  constructor(private readonly d: { book: AlertBook; evaluator: ChecksAlerts; store: Store; log: Logger; time: string; pollMs: number }) {}

  private track(p: Promise<unknown>): void {
    void this.inFlight.track(p.catch((e: unknown) => this.d.log.error({ err: errorText(e) }, 'alert sweep failed')));
  }

  /** One alert's evaluation: its failure (the store down at its claim) is logged and never stops the others. */
  private async one(listed: Alert, period: Period, sweep: boolean): Promise<void> {
    const key = alertRunKey(listed.id, period);
    // The sweep skips what it saw finished or taken; the due poll never does (a taken check may need a takeover).
    if (this.stopped || (sweep && this.finished.has(key))) return;
    try {
      // Read again: a sweep can take a while, and the alert may have been removed or muted meanwhile.
      const a = await this.d.book.get(listed.id);
      if (!a) return;
      const o = await this.d.evaluator.evaluate(a, period);
      if (o.outcome !== 'waiting_data' && o.outcome !== 'retrying') {
        if (this.finished.size > 50_000) this.finished.clear();
        this.finished.add(key);
      }
    } catch (e) {
      this.d.log.error({ alert: listed.id, err: errorText(e) }, 'alert evaluation failed before it was claimed; tried again next tick');
    }
  }

  start(now = new Date()): void {
    const [h, m] = this.d.time.split(':').map(Number);
    this.cron = new Cron(`${m} ${h} * * *`, { timezone: ALERT_TIMEZONE, protect: true }, () => this.track(this.evaluateAll(new Date())));
    this.dueMinute = h * 60 + m;
    if (this.pastTime(now)) this.track(this.evaluateAll(now));
    // Each tick: due retries and takeovers, and, past ALERT_TIME, today's checks again: what is done
    // is skipped by its claim, and an alert whose claim failed at 10:30 (the store restarting) is not lost.
    this.poller = setInterval(() => {
      const at = new Date();
      this.track(this.due(at).then(() => (this.pastTime(at) ? this.evaluateAll(at) : undefined)));
    }, this.d.pollMs);
  }

  /** China has no daylight saving: its clock is UTC+8 all year. */
  private pastTime(now: Date): boolean {
    return (now.getUTCHours() * 60 + now.getUTCMinutes() + 8 * 60) % (24 * 60) >= this.dueMinute;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    this.cron?.stop();
    await this.inFlight.settle(graceMs);
  }

  /** Every alert, for the period it looks at now; what was already evaluated is skipped by its claim. */
  async evaluateAll(now: Date): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      for (const a of await this.d.book.list()) await this.one(a, evaluatedPeriod(a.metric, a.granularity, now), true);
    } finally {
      this.sweeping = false;
    }
  }

  /** Evaluations waiting for data whose retry is due, or whose instance died mid-way. */
  async due(now: Date): Promise<void> {
    for (const r of await this.d.store.dueRuns(now.getTime())) {
      if (this.stopped) return;
      if (!r.key.startsWith('alert:')) continue;
      const a = await this.d.book.get(r.scheduleId).catch(() => null);
      if (a) await this.one(a, periodContaining(a.granularity, r.periodBegin), false);
      // Removed (not merely unreadable): its retries end here instead of coming back every tick.
      else if (a === undefined)
        await this.d.evaluator
          .closeRemoved(r)
          .catch((e: unknown) => this.d.log.warn({ err: errorText(e) }, "could not close a removed alert's check"));
    }
  }
}

/** When a period's data is expected from WeChat: `time` (HH:MM, China time) on the day after it ends. */
export function dataDueAt(p: Period, time: string): number {
  const [h, m] = time.split(':').map(Number);
  const y = Number(p.end.slice(0, 4));
  const mo = Number(p.end.slice(4, 6)) - 1;
  const d = Number(p.end.slice(6, 8));
  return Date.UTC(y, mo, d + 1, h - 8, m);
}
