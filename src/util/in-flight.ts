import { settlesWithin } from './deadline';

/** Work still running (reports after their ack, scheduled runs), so a shutdown can wait for it. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Tracks `work` until it settles; returns it. */
  track<T>(work: Promise<T>): Promise<T> {
    const t = work.finally(() => this.running.delete(t));
    // The tracked copy must never be an unhandled rejection; the caller handles `work`.
    t.catch(() => undefined);
    this.running.add(t);
    return work;
  }

  get size(): number {
    return this.running.size;
  }

  /** Waits up to `ms` for everything tracked now; resolves to how many are still running. */
  async settle(ms: number): Promise<number> {
    await settlesWithin(Promise.allSettled([...this.running]), ms);
    return this.running.size;
  }
}
