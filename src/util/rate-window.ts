import { setTimeout as sleep } from 'node:timers/promises';

/**
 * At most `cap` starts in any `windowMs` (a sliding window): a start waits until the oldest of the
 * last `cap` starts is a window old. Starts are granted in order, and no timer runs while idle
 * (p-queue's interval mode keeps one alive for a window after the last call, holding the process open).
 */
export class RateWindow {
  private readonly starts: number[] = [];
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly cap: number,
    private readonly windowMs: number,
  ) {}

  /** Resolves when the caller may start. */
  take(): Promise<void> {
    const mine = this.turn.then(() => this.admit());
    this.turn = mine;
    return mine;
  }

  private async admit(): Promise<void> {
    const since = Date.now() - this.windowMs;
    while (this.starts.length > 0 && this.starts[0] <= since) this.starts.shift();
    if (this.starts.length >= this.cap) {
      await sleep(this.starts[0] + this.windowMs - Date.now());
      this.starts.shift();
    }
    this.starts.push(Date.now());
  }
}
