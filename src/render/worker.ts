import { setPriority } from 'node:os';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { isMainThread } from 'node:worker_threads';
import type { Report } from '../reports/model';
import { renderChart } from './chart';

/**
 * Render threads yield the CPU to the main thread, which acks Slack within its 3 s: on Linux a
 * thread has its own nice value, so this lowers only this worker. (Elsewhere it would lower the
 * whole process, so it is left alone there.)
 */
export const RENDER_NICE = 10;
if (process.platform === 'linux' && !isMainThread) {
  try {
    setPriority(0, RENDER_NICE);
  } catch {
    // Not allowed in this sandbox or container: render at normal priority.
  }
}

/**
 * Piscina worker: one chart renderer per worker thread (created on first use and reused).
 * Returns the PNG bytes; yields once so the canvas's native memory is released between renders.
 */
export default async function render(report: Report): Promise<Uint8Array> {
  const png = renderChart(report);
  await yieldToLoop();
  return png;
}
