import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import type { Report } from '../reports/model';
import { renderChart } from './chart';

/** Renders charts off the event loop, so acks never wait behind a render. */
export interface ChartRenderer {
  render(report: Report): Promise<Buffer>;
  close(): Promise<void>;
  readonly threads: number;
}

/** The compiled worker next to this file (dist/), or, when running from sources under ts-jest, the build's. */
function workerFile(): string | undefined {
  const candidates = [path.join(__dirname, 'worker.js'), path.resolve(__dirname, '../../dist/src/render/worker.js')];
  return candidates.find((f) => existsSync(f));
}

export function createChartRenderer(threads = availableParallelism()): ChartRenderer {
  const file = threads > 0 ? workerFile() : undefined;
  if (!file) {
    // In-process fallback (RENDER_THREADS=0, or no build to load the worker from).
    return { threads: 0, render: (r) => renderChart(r), close: async () => {} };
  }
  // Keep canvas's native library loaded in the main thread too: if only workers load it, the
  // library is unloaded when they exit and the process segfaults on shutdown.
  require('canvas');
  const pool = new Piscina<Report, Uint8Array>({ filename: file, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  return {
    threads,
    async render(report) {
      const bytes = await pool.run(report);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    close: () => pool.close(),
  };
}
