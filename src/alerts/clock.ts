import { Cron } from 'croner';
import { type Period, periodContaining } from '../calendar/period';
import type { Alert } from './types';
import type { Logger } from '../log';
import type { Store } from '../store/types';
import { errorText } from '../util/error-text';
import { InFlight } from '../util/in-flight';
import type { AlertBook } from './book';
import type { AlertEvaluator } from './evaluator';
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

  constructor(
    private readonly d: { book: AlertBook; evaluator: AlertEvaluator; store: Store; log: Logger; time: string; pollMs: number },
  ) {}

  private track(p: Promise<unknown>): void {
    void this.inFlight.track(p.catch((e: unknown) => this.d.log.error({ err: errorText(e) }, 'alert sweep failed')));
  }

  /** One alert's evaluation: its failure (the store down at its claim) is logged and never stops the others. */
  private async one(a: Alert, period: Period): Promise<void> {
    try {
      await this.d.evaluator.evaluate(a, period);
    } catch (e) {
      this.d.log.error({ alert: a.id, err: errorText(e) }, 'alert evaluation failed before it was claimed; tried again next tick');
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
    clearInterval(this.poller);
    this.cron?.stop();
    await this.inFlight.settle(graceMs);
  }

  /** Every alert, for the period it looks at now; what was already evaluated is skipped by its claim. */
  async evaluateAll(now: Date): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const a of await this.d.book.list()) await this.one(a, evaluatedPeriod(a.metric, a.granularity, now));
    } finally {
      this.sweeping = false;
    }
  }

  /** Evaluations waiting for data whose retry is due, or whose instance died mid-way. */
  async due(now: Date): Promise<void> {
    for (const r of await this.d.store.dueRuns(now.getTime())) {
      if (!r.key.startsWith('alert:')) continue;
      const a = await this.d.book.get(r.scheduleId).catch(() => undefined);
      if (!a) continue;
      await this.one(a, periodContaining(a.granularity, r.periodBegin));
    }
  }
}
