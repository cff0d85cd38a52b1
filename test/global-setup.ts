import Redis from 'ioredis';

// Says up front which suites need Redis, and fails (not skips) when REDIS_URL is set but unreachable.
export default async function globalSetup(): Promise<void> {
  const url = process.env.REDIS_URL;
  if (!url) {
    process.stdout.write(
      '\n[wxa] REDIS_URL is not set: skipping the Redis store, shared token, BullMQ and multi-process suites ' +
        '(test/store/redis.test.ts, test/integration/redis-*.test.ts, test/integration/roles-redis.test.ts (web and worker processes), ' +
        'the Redis restart in test/integration/delivery-once.test.ts, and the Redis halves of test/integration/alert-evaluator.test.ts and jobs-failures.test.ts). ' +
        'Set REDIS_URL=redis://127.0.0.1:6379 to run them.\n\n',
    );
    return;
  }
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new Error(
      `REDIS_URL is set (${url}) but Redis does not answer (${e instanceof Error ? e.message : String(e)}). Start Redis or unset REDIS_URL.`,
    );
  } finally {
    r.disconnect();
  }
}
