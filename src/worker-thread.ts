import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';
import pino from 'pino';
import { CONTROL_CHANNEL, type ControlMessage } from './jobs/threads';
import type { Job, JobResult } from './jobs/types';
import { createLogger } from './log';
import { errorText } from './util/error-text';
import { buildWorker, type Worker, type WorkerInit } from './worker';

/**
 * A job thread (embedded mode, or a worker process's pool): builds its own worker once and runs the
 * jobs Piscina gives it, many at a time. Its log lines go straight to stdout from this thread.
 */
const given = workerData as WorkerInit;
// Its own owner name: leases and locks (the token refresh's) taken by one thread are not another's.
const init: WorkerInit = { ...given, owner: `${given.owner}:t${threadId}` };
// Synchronous writes: they cost this thread, not the receiver, and nothing is left unwritten when the
// thread is ended (an audit line must not be lost with it).
const logger = createLogger({ level: init.config.LOG_LEVEL, destination: pino.destination({ dest: 1, sync: true }) }).child({
  thread: threadId,
});
let worker: Promise<Worker> | undefined;
// A failed build is not kept: the next job tries again (the store may be back).
const get = () =>
  (worker ??= buildWorker(init, logger).catch((e: unknown) => {
    worker = undefined;
    throw e;
  }));

// A stray rejection would end this thread and every job on it (a worker thread's default): logged
// instead, as on the main thread.
process.on('unhandledRejection', (reason: unknown) => {
  logger.error({ err: errorText(reason) }, 'unhandled promise rejection in a job thread (it keeps running)');
});

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

/** Runs one job. Whatever the handler throws is answered as `failed`: only a thread's death rejects. */
export default async function run(job: Job): Promise<JobResult> {
  try {
    return await (await get()).handle(job);
  } catch (e) {
    logger.error({ err: errorText(e), job: job?.id, type: job?.type }, 'job failed in its handler');
    return { type: 'failed', error: errorText(e) };
  }
}

export async function ready(): Promise<boolean> {
  await get();
  return true;
}
