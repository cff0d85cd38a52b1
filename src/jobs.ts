import PQueue from 'p-queue';

/** Thrown for a job that was still waiting when the bot began shutting down. */
export class JobsClosedError extends Error {
  override readonly name = 'JobsClosedError';
  constructor() {
    super('The bot restarted before your report was ready. Run the command again in a minute.');
  }
}

/**
 * The process-wide queue of report jobs (fetch, render, deliver), a few at a time. Unbounded, a
 * burst of 50 commands interleaves 50 jobs' callbacks on the event loop and every ack waits
 * behind them; queued, an ack waits for a few at most. The cost: while WeChat or Slack answer
 * slowly, jobs wait for a slot (REPORT_CONCURRENCY sets how many run at once).
 */
export class ReportJobs {
  private readonly queue: PQueue;
  private closed = false;
  /** How to refuse each job still waiting for a slot. */
  private readonly refusals = new Set<() => void>();

  constructor(readonly concurrency: number) {
    this.queue = new PQueue({ concurrency });
  }

  /** Runs `job` when a slot is free; `onStart` is told when it leaves the queue. */
  run<T>(job: () => Promise<T>, onStart?: () => void): Promise<T> {
    if (this.closed) return Promise.reject(new JobsClosedError());
    return new Promise<T>((resolve, reject) => {
      const refuse = () => reject(new JobsClosedError());
      this.refusals.add(refuse);
      this.queue
        .add(async () => {
          this.refusals.delete(refuse);
          onStart?.();
          // Let I/O already waiting (other commands to ack) go first: a job starts with a few
          // milliseconds of synchronous work (cache reads, a batch of WeChat requests).
          await new Promise((r) => setImmediate(r));
          return job();
        })
        .then(resolve, reject);
    });
  }

  /** Shutdown: jobs still waiting fail with JobsClosedError now; running ones finish. */
  close(): void {
    this.closed = true;
    this.queue.clear();
    for (const refuse of this.refusals) refuse();
    this.refusals.clear();
  }

  /** Waiting for a slot. */
  get waiting(): number {
    return this.queue.size;
  }

  get running(): number {
    return this.queue.pending;
  }
}

/** How many report jobs run at once when REPORT_CONCURRENCY is not set: two per render thread. */
export function defaultReportConcurrency(renderThreads: number): number {
  return Math.max(2, 2 * renderThreads);
}
