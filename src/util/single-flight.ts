/**
 * Concurrent callers asking for the same key share one in-flight promise; once it settles the
 * next caller starts afresh (results are cached elsewhere, with their own rules).
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.inflight.get(key);
    if (!p) {
      p = fn().finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  get size(): number {
    return this.inflight.size;
  }
}
