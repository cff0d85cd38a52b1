import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Report } from '../reports/model';
import { renderChart } from './chart';

/**
 * Piscina worker: one chart renderer per worker thread (created on first use and reused).
 * Returns the PNG bytes; yields once so the canvas's native memory is released between renders.
 */
export default async function render(report: Report): Promise<Uint8Array> {
  const png = renderChart(report);
  await yieldToLoop();
  return png;
}
