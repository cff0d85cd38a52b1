import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import type { Chartable, ChartRenderer } from '../reports/service';
import { settlesWithin } from '../util/deadline';
import { renderChart } from './chart';

/** Told of every chart actually drawn (with its time) and every one served from the cache. */
export interface RenderHooks {
  onRender?(seconds: number): void;
  onCacheHit?(): void;
}

/**
 * How much lower than the process the render threads run (nice). They then yield the CPU to the
 * event loop, which acks Slack. Linux only: there nice is per thread; elsewhere it would lower
 * the whole process.
 */
export const RENDER_NICE = 10;

/** Renders charts off the event loop, so acks never wait behind a render (the reports' ChartRenderer port). */
export type { ChartRenderer };

/** The compiled worker next to this file (dist/), or, when running from sources under ts-jest, the build's. */
function workerFile(): string | undefined {
  const candidates = [path.join(__dirname, 'worker.js'), path.resolve(__dirname, '../../dist/src/render/worker.js')];
  return candidates.find((f) => existsSync(f));
}

/**
 * What a chart depends on: the same key always draws the same picture. Every kind draws from
 * different fields, so all of the report counts except its notes (words for the message, not the
 * chart); an alert's all but its id (its verdict, series, condition, metric, period, language...).
 */
export function chartKey(r: Chartable): string {
  const drawn = r.kind === 'alert' ? omit(r, 'alertId') : omit(r, 'notes');
  return createHash('sha1').update(JSON.stringify(drawn)).digest('hex');
}

function omit<T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> {
  const { [key]: _dropped, ...rest } = o;
  return rest;
}

/**
 * Keeps recent PNGs (64 MB by default): a closed period's chart never changes, and on a Monday
 * many people ask for the same week. A chart costs ~30 ms of CPU at 1600x800 (half drawing, half PNG).
 */
function cached(inner: ChartRenderer, maxBytes: number, hooks: RenderHooks): ChartRenderer {
  const lru = maxBytes > 0 ? new LRUCache<string, Buffer>({ maxSize: maxBytes, sizeCalculation: (b) => b.length }) : undefined;
  return {
    threads: inner.threads,
    async render(r) {
      const key = lru && chartKey(r);
      const hit = key && lru.get(key);
      if (hit) {
        hooks.onCacheHit?.();
        return hit;
      }
      const started = performance.now();
      const png = await inner.render(r);
      hooks.onRender?.((performance.now() - started) / 1000);
      if (key) lru.set(key, png);
      return png;
    },
    close: () => inner.close(),
  };
}

export function createChartRenderer(
  threads = availableParallelism(),
  cacheBytes = 64 * 1024 * 1024,
  hooks: RenderHooks = {},
): ChartRenderer {
  return cached(createUncachedRenderer(threads), cacheBytes, hooks);
}

function createUncachedRenderer(threads: number): ChartRenderer {
  const file = threads > 0 ? workerFile() : undefined;
  if (!file) {
    // In-process fallback (RENDER_THREADS=0, or no build to load the worker from).
    return { threads: 0, render: async (r) => renderChart(r), close: async () => {} };
  }
  // Keep canvas's native library loaded in the main thread too: if only workers load it, the
  // library is unloaded when they exit and the process segfaults on shutdown.
  require('canvas');
  const pool = new Piscina<Chartable, Uint8Array>({
    filename: file,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    niceIncrement: process.platform === 'linux' ? RENDER_NICE : 0,
  });
  // Each thread loads canvas's native addon as it starts. Ending a thread in the middle of that load
  // aborts the whole process (a napi fatal error), which a start-up that fails at once (Slack refuses
  // the token) used to hit. So close() first waits until every thread has passed a barrier.
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const barrier = pool as unknown as Piscina<{ counter: Int32Array; n: number }, boolean>;
  const loaded = Promise.all(Array.from({ length: threads }, () => barrier.run({ counter, n: threads }, { name: 'ready' }))).then(
    () => undefined,
    () => undefined,
  );
  return {
    threads,
    async render(report) {
      const bytes = await pool.run(report);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    async close() {
      await settlesWithin(loaded, 15_000);
      await pool.close();
    },
  };
}
