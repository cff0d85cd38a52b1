import { Cron } from 'croner';
import type { Logger } from '../log';
import type { Schedule, Store } from '../store/types';
import { catchUp, runDue } from './recover';
import { cronPattern, periodForFire } from './spec';
import type { RunsSchedules } from './runner';
import type { Scheduler } from './types';
import { InFlight } from '../util/in-flight';

/** One instance, SQLite store: croner fires each schedule in its own time zone (DST included). */
export class LocalScheduler implements Scheduler {
  readonly mode = 'local';
  private readonly jobs = new Map<string, Cron>();
  private readonly inFlight = new InFlight();
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly runner: RunsSchedules,
    private readonly log: Logger,
    private readonly pollMs: number,
  ) {}

  private track(p: Promise<unknown>): void {
    void this.inFlight.track(p.catch((e: unknown) => this.log.error({ err: String(e) }, 'scheduled run crashed')));
  }

  async start(): Promise<void> {
    for (const s of await this.store.listSchedules()) await this.added(s);
    this.track(catchUp(this.store, this.runner, new Date(), this.log));
    this.poller = setInterval(() => this.track(runDue(this.store, this.runner, new Date())), this.pollMs);
  }

  async stop(graceMs: number): Promise<void> {
    clearInterval(this.poller);
    for (const j of this.jobs.values()) j.stop();
    this.jobs.clear();
    // A run cut off here keeps its claim until the lease runs out; the next start picks it up.
    await this.inFlight.settle(graceMs);
  }

  async added(s: Schedule): Promise<void> {
    this.jobs.get(s.id)?.stop();
    const job = new Cron(cronPattern(s), { timezone: s.timezone, protect: true, name: s.id }, (self: Cron) => {
      this.track(this.runner.run(s, periodForFire(s, self.currentRun() ?? new Date())));
    });
    this.jobs.set(s.id, job);
  }

  async removed(id: string): Promise<void> {
    this.jobs.get(id)?.stop();
    this.jobs.delete(id);
  }
}
