import type { Job, JobHandler, JobQueue, JobResult, QueueCounts } from './types';

/** Jobs run on this thread (JOB_THREADS=0: tests, a CLI): the same jobs and handler, no hand-over. */
export class InlineJobs implements JobQueue {
  readonly mode = 'inline';
  private running = 0;

  /** @param queue the worker's own report queue, whose waiting and running jobs are this queue's. */
  constructor(
    private readonly handler: JobHandler,
    private readonly queue?: () => { waiting: number; running: number },
  ) {}

  async run(job: Job): Promise<JobResult> {
    this.running++;
    try {
      return await this.handler(job);
    } finally {
      this.running--;
    }
  }

  async submit(job: Job): Promise<void> {
    await this.run(job);
  }

  async counts(): Promise<QueueCounts> {
    const q = this.queue?.();
    return { waiting: q?.waiting ?? 0, running: q?.running ?? this.running, workers: 1 };
  }

  async close(): Promise<void> {}
}
