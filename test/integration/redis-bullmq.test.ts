import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';
import { startHarness, type Harness } from '../helpers/harness';
import { describeRedis, dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

const ADMIN = 'U0ADMIN';

describeRedis('shared mode in one process: Redis store + BullMQ job schedulers', () => {
  let sim: WeChatSimulator;
  let slack: SlackDouble;
  let prefix: string;
  const open: Harness[] = [];
  const start = async () => {
    const h = await startHarness({ REDIS_URL: REDIS_URL!, REDIS_PREFIX: prefix, SLACK_ADMIN_USERS: ADMIN }, { sim, slack });
    open.push(h);
    return h;
  };
  beforeEach(async () => {
    prefix = testPrefix();
    sim = await startSimulator();
    slack = await startSlackDouble();
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close().catch(() => undefined);
    await slack.close();
    await sim.close();
    await dropPrefix(prefix);
  });

  test('schedules become BullMQ job schedulers with cron and time zone, and go away when removed', async () => {
    const a = await start();
    const b = await start();
    expect(a.runtime.scheduler.mode).toBe('bullmq');
    await a.command('/wxa', 'schedule add visits daily at 08:15 tz America/New_York', { user: ADMIN });
    const [s] = await b.runtime.store.listSchedules(); // the other instance sees it
    const connection = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
    const queue = new Queue('wxa-schedules', { connection, prefix: `${prefix}:bull` });
    try {
      const [js] = await queue.getJobSchedulers();
      expect(js).toMatchObject({ key: s.id, pattern: '15 8 * * *', tz: 'America/New_York' });
      await b.command('/wxa', `schedule remove ${s.id}`, { user: ADMIN });
      expect(await queue.getJobSchedulers()).toEqual([]);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  test('slash commands on two instances share one token request through Redis', async () => {
    const [a, b] = [await start(), await start()];
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).command('/visits', 'weekly 2017-03-06')));
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 10);
    expect(sim.stats.tokenRequests).toBe(1);
  });

  test('the token cached in Redis survives a restart: no new token request', async () => {
    const a = await start();
    await a.command('/visits', 'weekly 2017-03-06');
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 1);
    await a.close();
    open.splice(0);
    const b = await start();
    await b.command('/visits', 'weekly 2017-02-27');
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 2);
    expect(sim.stats.tokenRequests).toBe(1);
  });
});
