import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';
import pino from 'pino';
import { CONTROL_CHANNEL, type ControlMessage } from './jobs/threads';
import type { Job, JobResult } from './jobs/types';
import { createLogger } from './log';
import { buildWorker, type Worker, type WorkerInit } from './worker';

/**
 * A job thread (embedded mode, or a worker process's pool): builds its own worker once and runs the
 * jobs Piscina gives it, many at a time. Its log lines go straight to stdout from this thread.
 */
const init = workerData as WorkerInit;
const logger = createLogger({ level: init.config.LOG_LEVEL, destination: pino.destination({ dest: 1, sync: false }) }).child({
  thread: threadId,
});
let worker: Promise<Worker> | undefined;
const get = () => (worker ??= buildWorker(init, logger));

const control = new BroadcastChannel(CONTROL_CHANNEL);
control.unref();
control.onmessage = (ev) => {
  const m = (ev as unknown as { data: ControlMessage }).data;
  if (m.type === 'metrics') {
    void get()
      .then((w) => w.metrics.registry.getMetricsAsJSON())
      .then((metrics) => control.postMessage({ type: 'metrics_answer', nonce: m.nonce, threadId, metrics } satisfies ControlMessage))
      .catch(() => undefined);
  } else if (m.type === 'close') {
    void (worker ?? Promise.resolve(undefined))
      .then((w) => w?.close())
      .catch((e: unknown) => logger.warn({ err: String(e) }, 'job thread: closing failed'))
      .then(() => control.postMessage({ type: 'closed', nonce: m.nonce, threadId } satisfies ControlMessage));
  }
};

export default async function run(job: Job): Promise<JobResult> {
  return (await get()).handle(job);
}

export async function ready(): Promise<boolean> {
  await get();
  return true;
}
