import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Chartable } from '../reports/service';
import { renderChart } from './chart';

/**
 * Piscina worker: one chart renderer per worker thread (created on first use and reused).
 * Returns the PNG bytes; yields once so the canvas's native memory is released between renders.
 * The report (a Report or an AlertReport) arrives as a structured clone: plain data only.
 */
export default async function render(report: Chartable): Promise<Uint8Array> {
  const png = renderChart(report);
  await yieldToLoop();
  return png;
}

/**
 * Start-up barrier (see pool.ts): each of the pool's `n` threads runs this once, and none returns
 * before all have arrived, so every thread has loaded canvas by the time the pool may be closed.
 */
export function ready({ counter, n }: { counter: Int32Array; n: number }): boolean {
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
  const deadline = Date.now() + 10_000;
  for (let seen = Atomics.load(counter, 0); seen < n && Date.now() < deadline; seen = Atomics.load(counter, 0)) {
    Atomics.wait(counter, 0, seen, 100);
  }
  return true;
}
