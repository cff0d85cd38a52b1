import PQueue from 'p-queue';

/** Thrown for a report that was still waiting for a slot when the bot began shutting down. */
export class QueueClosedError extends Error {
  override readonly name = 'QueueClosedError';
  constructor() {
    super('The bot restarted before your report was ready. Run the command again in a minute.');
  }
}

/** Thrown when a job's work ran past the job deadline (REPORT_TIMEOUT_MS); its slot is freed. */
export class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';
  constructor(readonly ms: number) {
    super(`job deadline of ${ms} ms passed`);
  }
}

/**
 * Settles with `work`, or rejects with JobTimeoutError once `signal` fires: the caller stops
 * waiting and frees its slot; the abandoned work ends by its own deadlines and is not used.
 */
export function untilDeadline<T>(work: Promise<T>, signal: AbortSignal | undefined, ms: number): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new JobTimeoutError(ms));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new JobTimeoutError(ms));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A worker's queue of report jobs (fetch, render, deliver), REPORT_CONCURRENCY at a time, each with
 * its deadline. It bounds how much one worker holds at once; CPU is bounded by the render threads.
 */
export class ReportQueue {
  private readonly queue: PQueue;
  private closed = false;
  /** How to refuse each job still waiting for a slot. */
  private readonly refusals = new Set<() => void>();

  /**
   * @param deadlineMs each job's deadline from the moment it takes a slot: the job gets a signal
   * that fires then (see untilDeadline), so one stuck report cannot hold a slot for ever.
   */
  constructor(
    readonly concurrency: number,
    readonly deadlineMs = 90_000,
  ) {
    this.queue = new PQueue({ concurrency });
  }

  /** Runs `job` when a slot is free; `onStart` is told when it leaves the queue. */
  run<T>(job: (deadline: AbortSignal) => Promise<T>, onStart?: () => void): Promise<T> {
    if (this.closed) return Promise.reject(new QueueClosedError());
    return new Promise<T>((resolve, reject) => {
      const refuse = () => reject(new QueueClosedError());
      this.refusals.add(refuse);
      this.queue
        .add(async () => {
          this.refusals.delete(refuse);
          onStart?.();
          // Let I/O already waiting (other commands to ack) go first: a job starts with a few
          // milliseconds of synchronous work (cache reads, a batch of WeChat requests).
          await new Promise((r) => setImmediate(r));
          return job(AbortSignal.timeout(this.deadlineMs));
        })
        .then(resolve, reject);
    });
  }

  /** Shutdown: jobs still waiting fail with QueueClosedError now; running ones finish. */
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

/**
 * How many report jobs a worker runs at once when REPORT_CONCURRENCY is not set. The slots only
 * bound memory and WeChat's load: jobs run off the receiving thread, charts wait for a render thread
 * (bounded by cores) and WeChat calls for the per-minute quota, so a job waiting on WeChat holds no CPU.
 */
export const DEFAULT_REPORT_CONCURRENCY = 32;
