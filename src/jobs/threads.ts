import { BroadcastChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Logger } from '../log';
import { settlesWithin } from '../util/deadline';
import { errorText } from '../util/error-text';
import { type Job, type JobQueue, JobQueueError, type JobResult, type QueueCounts } from './types';

/**
 * How much lower than the receiving thread the job threads run (nice; Linux only, where nice is per
 * thread). Acks then get the CPU first; the jobs' render threads are lower still.
 */
export const JOB_NICE = 5;

/** Jobs waiting for a thread at most; past it a job is refused (the asker is told the bot is busy). */
const MAX_WAITING = 10_000;

/** The channel the receiver and its job threads talk on outside jobs (metrics, closing). */
export const CONTROL_CHANNEL = 'wxa-job-threads';

export type ControlMessage =
  | { type: 'metrics'; nonce: number }
  | { type: 'close'; nonce: number }
  | { type: 'metrics_answer'; nonce: number; threadId: number; metrics: unknown }
  | { type: 'closed'; nonce: number; threadId: number };

/**
 * Embedded mode: jobs run in worker threads of this process (a Piscina pool; each thread builds
 * its own worker and runs many jobs at once, since most of a job is waiting on WeChat and Slack).
 * The receiving thread only hands them over. A thread that dies mid-job is replaced and the job run
 * once more there: what it had delivered is recorded, so nothing is posted twice.
 */
export class ThreadJobs implements JobQueue {
  readonly mode = 'threads';
  private readonly pool: Piscina<Job, JobResult>;
  private readonly control = new BroadcastChannel(CONTROL_CHANNEL);
  private running = 0;
  private closing = false;
  private nonce = 0;

  constructor(private readonly o: { file: string; threads: number; perThread: number; workerData: unknown; log: Logger }) {
    this.control.unref();
    this.pool = new Piscina<Job, JobResult>({
      filename: o.file,
      minThreads: o.threads,
      maxThreads: o.threads,
      concurrentTasksPerWorker: o.perThread,
      idleTimeout: Number.POSITIVE_INFINITY,
      maxQueue: MAX_WAITING,
      workerData: o.workerData,
      niceIncrement: process.platform === 'linux' ? JOB_NICE : 0,
      // A job thread keeps working between tasks (timers, HTTP answers, the control channel): it must
      // never be parked in Atomics.wait while idle, Piscina's default.
      atomics: 'disabled',
    });
    this.pool.on('error', (e: unknown) => o.log.error({ err: errorText(e) }, 'job thread failed'));
  }

  /** Builds each thread's worker now, so a bad configuration or store stops the start instead of the first job. */
  async start(): Promise<void> {
    const pool = this.pool as unknown as Piscina<null, boolean>;
    await Promise.all(Array.from({ length: this.o.threads }, () => pool.run(null, { name: 'ready' })));
  }

  async run(job: Job): Promise<JobResult> {
    if (this.closing) throw new JobQueueError('closed', 'the bot is shutting down');
    this.running++;
    try {
      try {
        return failedAsError(await this.pool.run(job));
      } catch (e) {
        if (e instanceof JobQueueError) throw e;
        if (this.closing) throw new JobQueueError('closed', errorText(e));
        if (/queue is at limit/i.test(errorText(e))) throw new JobQueueError('busy', `too many jobs waiting: ${errorText(e)}`);
        // The handler answers every failure itself, so a rejection is a thread that died mid-job.
        this.o.log.error({ err: errorText(e), job: job.id, type: job.type }, 'a job thread died mid-job; running the job again');
      }
      try {
        return failedAsError(await this.pool.run(job));
      } catch (e) {
        if (e instanceof JobQueueError) throw e;
        // Twice: the job itself kills its thread. It is not tried a third time.
        this.o.log.error({ err: errorText(e), job: job.id, type: job.type }, 'a job thread died twice running this job; giving it up');
        throw new JobQueueError(this.closing ? 'closed' : 'crashed', errorText(e));
      }
    } finally {
      this.running--;
    }
  }

  /** The job threads now running (for operations and tests: a thread ended from outside is replaced). */
  get threads(): readonly import('node:worker_threads').Worker[] {
    return this.pool.threads;
  }

  async submit(job: Job): Promise<void> {
    await this.run(job);
  }

  async counts(): Promise<QueueCounts> {
    return { waiting: this.pool.queueSize, running: this.running, workers: this.pool.threads.length };
  }

  /** Each thread's metrics (prom-client JSON), as many as answer within `ms`. */
  async threadMetrics(ms = 1_000): Promise<unknown[]> {
    const answers = await this.ask('metrics', ms);
    return answers.flatMap((a) => (a.type === 'metrics_answer' ? [a.metrics] : []));
  }

  private ask(type: 'metrics' | 'close', ms: number): Promise<ControlMessage[]> {
    const nonce = ++this.nonce;
    const want = this.pool.threads.length;
    const answers: ControlMessage[] = [];
    return new Promise((resolve) => {
      const listener = new BroadcastChannel(CONTROL_CHANNEL);
      listener.unref();
      const done = () => {
        clearTimeout(timer);
        listener.close();
        resolve(answers);
      };
      const timer = setTimeout(done, ms);
      listener.onmessage = (ev) => {
        const m = (ev as unknown as { data: ControlMessage }).data;
        if ((m.type === 'metrics_answer' || m.type === 'closed') && m.nonce === nonce) {
          answers.push(m);
          if (answers.length >= want) done();
        }
      };
      this.control.postMessage({ type, nonce } satisfies ControlMessage);
    });
  }

  /**
   * Within `ms` in all: waits for running jobs, has each thread release its store and render pool
   * (only once idle: never under a running job), then ends the threads.
   */
  async close(ms: number): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + ms;
    const idle = new Promise<void>((resolve) => {
      const check = () => (this.running === 0 ? resolve() : setTimeout(check, 50).unref());
      check();
    });
    if (await settlesWithin(idle, Math.max(0, deadline - Date.now() - 1_000))) {
      await this.ask('close', Math.max(100, Math.min(5_000, deadline - Date.now() - 300)));
    } else {
      this.o.log.warn({ running: this.running }, 'shutdown: job threads still busy; ending them');
    }
    await settlesWithin(this.pool.destroy(), Math.max(100, deadline - Date.now()));
    this.control.close();
  }
}

/** A handler that threw answers `failed` (the thread lives on): the caller gets it as an error, not retried. */
function failedAsError(r: JobResult): JobResult {
  if (r.type === 'failed') throw new JobQueueError('failed', r.error);
  return r;
}

/** Each of `threads` threads' share of a per-process limit (WeChat's per-minute quota): never more than the whole, at least 1. */
export function threadShare(limit: number, threads: number): number {
  return Math.max(1, Math.floor(limit / Math.max(1, threads)));
}
