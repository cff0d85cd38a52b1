import { createHash } from 'node:crypto';
import { type Job as BullJob, Queue, QueueEvents, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { RedisConnections } from '../util/redis-connections';
import type { Logger } from '../log';
import { settlesWithin, withTimeout } from '../util/deadline';
import { errorText } from '../util/error-text';
import { type Job, type JobQueue, JobQueueError, type JobResult, type QueueCounts } from './types';

const QUEUE = 'wxa-jobs';

/** How long a count of the queue's worker processes is used before it is read again. */
const WORKERS_FRESH_MS = 5_000;

/** How long handing a job to Redis may take before the asker is told. */
const ADD_TIMEOUT_MS = 3_000;

/** BullMQ's own ids may not hold ':'; ours (a click's key) do. Same id, same BullMQ job: a second add is a no-op. */
const bullId = (id: string) => createHash('sha1').update(id).digest('hex');

export interface BullJobsOptions {
  redisUrl: string;
  prefix: string;
  /** Where this process runs the jobs it takes (its job threads); absent: it only enqueues (WXA_ROLE=web). */
  local?: JobQueue;
  /** Jobs this process runs at once. */
  concurrency: number;
  /** A job's lock: a worker that stops renewing it (killed) loses the job to another after this long. */
  lockMs: number;
  /** How long `run` waits for a job's result. */
  waitMs: number;
  /** A job that will not be tried again (its last attempt failed, or it stalled too often): its asker must hear of it. */
  onGiveUp?: (job: Job, reason: string) => Promise<void>;
  log: Logger;
}

/**
 * Shared mode: jobs go through a BullMQ queue on Redis. Web processes add them; worker processes take
 * them (each runs them in its own job threads). A worker killed mid-job stops renewing the job's lock,
 * and another worker takes the job over once the lock lapses; what the first had delivered is recorded,
 * so the report is completed, not posted again.
 */
export class BullJobs implements JobQueue {
  readonly mode = 'bullmq';
  private readonly queue: Queue<Job, JobResult>;
  private worker: Worker<Job, JobResult> | undefined;
  private events: QueueEvents | undefined;
  private readonly redisConnections: RedisConnections;

  constructor(private readonly o: BullJobsOptions) {
    this.redisConnections = new RedisConnections(o.redisUrl);
    this.queue = new Queue<Job, JobResult>(QUEUE, { connection: this.connection(), prefix: `${o.prefix}:bull` });
    this.queue.on('error', (e: Error) => o.log.warn({ err: e.message }, 'BullMQ job queue error'));
  }

  private connection(): Redis {
    return this.redisConnections.connection();
  }

  /** Starts taking jobs when this process is a worker. */
  async start(): Promise<void> {
    const local = this.o.local;
    if (!local) return;
    this.worker = new Worker<Job, JobResult>(QUEUE, (job: BullJob<Job, JobResult>) => local.run(job.data), {
      connection: this.connection(),
      prefix: `${this.o.prefix}:bull`,
      concurrency: this.o.concurrency,
      lockDuration: this.o.lockMs,
      stalledInterval: this.o.lockMs,
      maxStalledCount: 2,
    });
    this.worker.on('error', (e) => this.o.log.warn({ err: e.message }, 'BullMQ job worker error'));
    this.worker.on('failed', (job, e) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than allowable limit/i.test(e.message);
      this.o.log.warn({ job: job.data.id, type: job.data.type, err: e.message, final }, final ? 'job given up' : 'job attempt failed');
      if (final)
        void this.o
          .onGiveUp?.(job.data, e.message)
          .catch((told: unknown) => this.o.log.error({ err: errorText(told) }, 'could not tell the asker'));
    });
  }

  private async add(job: Job): Promise<BullJob<Job, JobResult>> {
    try {
      return await withTimeout(
        this.queue.add(job.type, job, {
          jobId: bullId(job.id),
          attempts: 3,
          backoff: { type: 'exponential', delay: 1_000 },
          removeOnComplete: { age: 3_600, count: 10_000 },
          removeOnFail: { age: 24 * 3_600 },
        }),
        ADD_TIMEOUT_MS,
        'adding the job to Redis',
      );
    } catch (e) {
      throw new JobQueueError('unreachable', `could not queue the job on Redis: ${errorText(e)}`);
    }
  }

  async submit(job: Job): Promise<void> {
    await this.add(job);
  }

  async run(job: Job): Promise<JobResult> {
    this.events ??= new QueueEvents(QUEUE, { connection: this.connection(), prefix: `${this.o.prefix}:bull` });
    await withTimeout(this.events.waitUntilReady(), ADD_TIMEOUT_MS, 'Redis queue events').catch((e: unknown) => {
      throw new JobQueueError('unreachable', errorText(e));
    });
    const added = await this.add(job);
    return (await added.waitUntilFinished(this.events, this.o.waitMs)) as JobResult;
  }

  async counts(): Promise<QueueCounts> {
    const c = await withTimeout(this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'), 1_000, 'queue counts');
    return { waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), running: c.active ?? 0, workers: await this.workers() };
  }

  private workersSeen: { n: number; at: number } | undefined;

  /** Worker processes connected to the queue (Redis CLIENT LIST: read at most every 5 s; every command asks). */
  private async workers(): Promise<number> {
    // None seen: asked again after a second (a worker just starting should not wait out 5 s of refusals).
    const fresh = this.workersSeen?.n ? WORKERS_FRESH_MS : 1_000;
    if (this.workersSeen && Date.now() - this.workersSeen.at < fresh) return this.workersSeen.n;
    const n = await withTimeout(this.queue.getWorkersCount(), 1_000, 'queue workers').catch(() => undefined);
    if (n === undefined) return this.workersSeen?.n ?? 0;
    this.workersSeen = { n, at: Date.now() };
    return n;
  }

  /** Finishes running jobs within `ms`, else hands them back (their locks lapse and other workers take them). */
  async close(ms: number): Promise<void> {
    if (this.worker && !(await settlesWithin(this.worker.close(), ms))) {
      this.o.log.warn('shutdown: handing running jobs back to other workers');
      await settlesWithin(this.worker.close(true), 2_000);
    }
    await settlesWithin(this.o.local?.close(1_000), 12_000);
    await settlesWithin(Promise.allSettled([this.queue.close(), this.events?.close()]), 2_000);
    await this.redisConnections.close();
  }
}
