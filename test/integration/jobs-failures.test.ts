import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { BullJobs } from '../../src/jobs/bull';
import type { ThreadJobs } from '../../src/jobs/threads';
import { startHarness, type Harness } from '../helpers/harness';
import { describeRedis, dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server';

// Found by a hostile review of the receivers/workers split: each test states the claim it checks, and
// each failed before its fix. The Redis ones need REDIS_URL (the last starts a private redis-server and
// pauses its writes with CLIENT PAUSE).

describe('embedded mode, SQLite, two job threads', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  // Claim: the access_token is fetched once and shared (single flight through the store's lock).
  // Every job thread gets the process's `owner`, and SqliteStore.tryLock lets the lock's owner take
  // it again, so each thread "wins" the token-refresh lock and fetches its own token.
  test('two reports on two job threads share one access_token request', async () => {
    h = await startHarness({ JOB_THREADS: '2', RENDER_THREADS: '1', LOG_LEVEL: 'warn' });
    expect((h.runtime.jobs as ThreadJobs).threads).toHaveLength(2);
    const before = h.sim.stats.tokenRequests;
    // A slow token answer, so both threads are inside the refresh at the same time.
    h.sim.inject('token', { type: 'delay', ms: 800 }, 2);
    await Promise.all([h.command('/visits', 'weekly 2017-03-06'), h.command('/visits', 'weekly 2017-02-27')]);
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 2);
    expect(h.sim.stats.tokenRequests - before).toBe(1);
  });
});

describe('embedded mode, one job thread: stopping', () => {
  let h: Harness | undefined;
  let release: () => void = () => {};
  afterEach(async () => {
    release();
    await h?.close();
    h = undefined;
  });

  // Claim: stop(budget) finishes or hands back work within the budget (SIGTERM: 25 s). When a job
  // outlives bot.settle(budget - 2 s), stop still spends ≥1.5 s more settling, then ThreadJobs.close
  // with floors of 1 s (idle wait) + 1 s (close answers) + up to 5 s (destroy), then ≥0.5 s for HTTP.
  test('stop(5 s) returns within 5 s while a report is still uploading', async () => {
    h = await startHarness({ JOB_THREADS: '1', RENDER_THREADS: '1', LOG_LEVEL: 'warn' });
    const hold = h.slack.hold('files.getUploadURLExternal');
    release = hold.release;
    const uploading = hold.arrived;
    await h.command('/retain', 'weekly 2017-03-06');
    await uploading;
    const started = Date.now();
    await h.runtime.stop(5_000);
    expect(Date.now() - started).toBeLessThanOrEqual(5_000);
  });
});

describeRedis('shared mode (BullMQ), one job thread', () => {
  let h: Harness | undefined;
  let prefix: string;
  beforeEach(() => {
    prefix = testPrefix();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await dropPrefix(prefix);
  });

  // Claim: every failure reaches the asker. A report job whose job thread dies on every try exhausts
  // ThreadJobs' two runs per attempt and BullMQ's 3 attempts; the asker is then told, with the request id.
  test('a report job that fails all its BullMQ attempts is told to the asker', async () => {
    h = await startHarness({ REDIS_URL: REDIS_URL!, REDIS_PREFIX: prefix, JOB_THREADS: '1', RENDER_THREADS: '1', LOG_LEVEL: 'warn' });
    expect(h.runtime.jobs.mode).toBe('bullmq');
    const bull = h.runtime.jobs as BullJobs;
    const threads = (bull as unknown as { o: { local: ThreadJobs } }).o.local;
    let kills = 0;
    h.slack.gate('files.getUploadURLExternal', async () => {
      kills++;
      await Promise.all(threads.threads.map((t) => t.terminate()));
    });
    await h.command('/retain', 'weekly 2017-03-06', { responseId: 'doomed' });
    const connection = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
    const queue = new Queue('wxa-jobs', { connection, prefix: `${prefix}:bull` });
    try {
      for (const deadline = Date.now() + 25_000; Date.now() < deadline; ) {
        if ((await queue.getJobCounts('failed')).failed === 1) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect((await queue.getJobCounts('failed')).failed).toBe(1);
      h.slack.gate('files.getUploadURLExternal', undefined);
      await h.slack.waitFor(() => h!.slack.responses.some((r) => r.id === 'doomed'));
      expect(kills).toBe(6);
      // The message went once: each run after the first found it by its tag.
      expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
      const told = h.slack.responses.filter((r) => r.id === 'doomed').map((r) => String(r.body.text));
      expect(told.some((t) => /went wrong|error|failed|request id|again/i.test(t))).toBe(true);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 45_000);
});

describeRedis('shared mode (BullMQ), Redis slow to take the job', () => {
  let redis: PrivateRedis | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await redis?.close();
    redis = undefined;
  });

  // Claim: what the asker is told matches what happens. BullJobs.add gives up waiting after 3 s but
  // cannot cancel the add; when Redis answers, the job is queued and runs. So the asker is told the
  // bot cannot confirm it (check in a minute), not that nothing was done.
  test('a hand-over Redis did not confirm in time is told as unconfirmed, and may still be posted', async () => {
    redis = await startPrivateRedis();
    h = await startHarness({ REDIS_URL: redis.url, REDIS_PREFIX: 'hostile', JOB_THREADS: '0', LOG_LEVEL: 'warn' });
    const admin = new Redis(redis.url);
    try {
      await admin.call('CLIENT', 'PAUSE', '6000', 'WRITE');
      const res = await h.command('/retain', 'weekly 2017-03-06', { responseId: 'paused' });
      expect(String(res.json?.text)).toContain('Preparing');
      await h.slack.waitFor(() => h!.slack.responses.some((r) => r.id === 'paused'), 10_000);
      const told = String(h.slack.responses.find((r) => r.id === 'paused')?.body.text);
      expect(told).toMatch(/storage/i);
      expect(told).toMatch(/can't confirm the change/);
      expect(told).not.toMatch(/nothing was done/);
      // Redis answers again after the pause, and the job it had kept runs.
      await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 1, 20_000);
      expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    } finally {
      admin.disconnect();
    }
  }, 45_000);
});
