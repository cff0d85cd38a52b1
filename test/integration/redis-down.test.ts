import { startHarness, type Harness } from '../helpers/harness';
import { describeRedis, testPrefix } from '../helpers/redis';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server';

describeRedis('commands while Redis is down', () => {
  let redis: PrivateRedis;
  let h: Harness;
  beforeEach(async () => {
    redis = await startPrivateRedis();
    h = await startHarness({ REDIS_URL: redis.url, REDIS_PREFIX: testPrefix(), SLACK_ADMIN_USERS: 'U0ADMIN' });
  });
  afterEach(async () => {
    await redis.start().catch(() => undefined);
    await h.close();
    await redis.close();
  });

  test("every command is answered within Slack's 3 s with the storage's fault, /readyz says why, and service resumes with Redis", async () => {
    await redis.stop();
    for (const [command, text] of [
      ['/retain', 'weekly 2017-03-06'],
      ['/wxa', 'schedule list'],
      ['/wxa', 'app'],
    ]) {
      const r = await h.command(command, text, { user: 'U0ADMIN' });
      expect({ command, text, status: r.status }).toEqual({ command, text, status: 200 });
      expect(r.ms).toBeLessThan(3000);
      expect(String(r.json?.text)).toMatch(/storage is unavailable right now/);
      expect(String(r.json?.text)).toMatch(/reference `[0-9a-f-]{36}`/);
    }
    const added = await h.command('/wxa', 'schedule add weekly', { user: 'U0ADMIN' });
    expect(String(added.json?.text)).toMatch(/can't confirm the change/);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);

    const ready = await fetch(`${h.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, string> };
    expect(body.checks.redis).not.toBe('ok');
    expect(body.checks.redis).toBeTruthy();

    await redis.start();
    const back = await h.command('/retain', 'weekly 2017-03-06');
    expect(String(back.json?.text)).toContain('Preparing');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
  });
});
