import Redis from 'ioredis';
import { settlesWithin } from './deadline';

/**
 * The Redis connections one BullMQ user opens (a queue, a worker, queue events), closed together.
 * BullMQ needs maxRetriesPerRequest: null on its blocking connections; errors surface on the calls
 * that fail and in BullMQ's own error events, so ioredis' are silenced here (it would print them raw).
 */
export class RedisConnections {
  private readonly open: Redis[] = [];

  constructor(private readonly url: string) {}

  connection(): Redis {
    const c = new Redis(this.url, { maxRetriesPerRequest: null });
    c.on('error', () => {});
    this.open.push(c);
    return c;
  }

  /** Quits them all, or cuts them after a second (a Redis that just went away must not hold a shutdown). */
  async close(): Promise<void> {
    if (!(await settlesWithin(Promise.allSettled(this.open.map((c) => c.quit())), 1_000))) {
      for (const c of this.open) c.disconnect();
    }
  }
}
