import { Queue, Worker, type Job } from 'bullmq';
import type Redis from 'ioredis';
import { RedisConnections } from '../util/redis-connections';
import type { Logger } from '../log';
import type { Schedule, Store } from '../store/types';
import { catchUp, runDue } from './recover';
import { cronPattern, periodForFire, previousFire } from './spec';
import type { RunsSchedules } from './runner';
import type { Scheduler } from './types';
import { settlesWithin } from '../util/deadline';
import { InFlight } from '../util/in-flight';

const QUEUE = 'wxa-schedules';

interface FireData {
  scheduleId: string;
}

/**
 * Several instances on Redis: each schedule is a BullMQ job scheduler (cron + time zone), so one
 * job per fire lands on one worker; a job whose worker dies is moved back and taken by another
 * instance once its lock expires. The run claim in the store still guards against duplicates.
 */
export class BullScheduler implements Scheduler {
  readonly mode = 'bullmq';
  private readonly queue: Queue<FireData>;
  private worker: Worker<FireData> | undefined;
  private readonly inFlight = new InFlight();
  private poller: NodeJS.Timeout | undefined;
  private readonly redisConnections: RedisConnections;

  constructor(
    private readonly o: {
      redisUrl: string;
      prefix: string;
      store: Store;
      runner: RunsSchedules;
      log: Logger;
      lockMs: number;
      consume?: boolean;
    },
  ) {
    this.redisConnections = new RedisConnections(o.redisUrl);
    this.queue = new Queue<FireData>(QUEUE, { connection: this.connection(), prefix: `${o.prefix}:bull` });
    // Without a listener BullMQ prints connection errors raw to the console (not our JSON log).
    this.queue.on('error', (e: Error) => o.log.warn({ err: e.message }, 'BullMQ queue error'));
  }

  private connection(): Redis {
    return this.redisConnections.connection();
  }

  private track(p: Promise<unknown>): void {
    void this.inFlight.track(p.catch((e: unknown) => this.o.log.error({ err: String(e) }, 'scheduled run crashed')));
  }

  async start(): Promise<void> {
    const { store, runner, log, lockMs } = this.o;
    const schedules = await store.listSchedules();
    for (const s of schedules) await this.added(s);
    const known = new Set(schedules.map((s) => s.id));
    for (const js of await this.queue.getJobSchedulers()) {
      if (js.key && !known.has(js.key)) await this.queue.removeJobScheduler(js.key);
    }
    // A web process (WXA_ROLE=web) keeps the schedulers up to date; worker processes run the fires.
    if (this.o.consume === false) return;
    this.worker = new Worker<FireData>(QUEUE, (job) => this.process(job), {
      connection: this.connection(),
      prefix: `${this.o.prefix}:bull`,
      concurrency: 4,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: 3,
    });
    this.worker.on('error', (e) => log.warn({ err: e.message }, 'BullMQ worker error'));
    this.track(catchUp(store, runner, new Date(), log));
    this.poller = setInterval(() => this.track(runDue(store, runner, new Date())), lockMs);
  }

  private async process(job: Job<FireData>): Promise<string> {
    const s = await this.o.store.getSchedule(job.data.scheduleId);
    if (!s) return 'schedule removed';
    // The fire this job stands for: the latest scheduled time up to now.
    const at = previousFire(s, new Date(Date.now() + 1000)) ?? new Date();
    const run = this.o.runner.run(s, periodForFire(s, at));
    this.track(run);
    return (await run).outcome;
  }

  /** Every step bounded: a Redis that just restarted must not keep the process from stopping. */
  async stop(graceMs: number): Promise<void> {
    clearInterval(this.poller);
    const inTime = await settlesWithin(this.worker?.close(), graceMs);
    if (!inTime) {
      // Hand the job back: its lock lapses and another instance's worker takes it over.
      this.o.log.warn('shutdown: handing running scheduled jobs back to other instances');
      await settlesWithin(this.worker?.close(true), 2_000);
    } else {
      await this.inFlight.settle(graceMs);
    }
    await settlesWithin(this.queue.close(), 2_000);
    await this.redisConnections.close();
  }

  async added(s: Schedule): Promise<void> {
    await this.queue.upsertJobScheduler(s.id, { pattern: cronPattern(s), tz: s.timezone }, { name: 'fire', data: { scheduleId: s.id } });
  }

  async removed(id: string): Promise<void> {
    await this.queue.removeJobScheduler(id);
  }
}
