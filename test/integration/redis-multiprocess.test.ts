import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { RedisStore } from '../../src/store/redis';
import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';
import { nextMinute } from '../helpers/clock';
import { SECRETS } from '../helpers/harness';
import { botEnv, startBotProcess, type Started } from '../helpers/process';
import { describeRedis, dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis';
import { freePort, sendCommand } from '../doubles/slack-requests';

const ADMIN = 'U0ADMIN';

// Three bot processes (as `npm start` runs them) sharing Redis, with the WeChat and Slack doubles on loopback.
describeRedis('three instances on Redis', () => {
  let sim: WeChatSimulator;
  let slack: SlackDouble;
  let prefix: string;
  let bots: { proc: Started; url: string }[] = [];

  async function startThree(): Promise<void> {
    bots = await Promise.all(
      [0, 1, 2].map(async () => {
        const port = await freePort();
        const proc = startBotProcess({
          ...botEnv(sim, slack, port),
          SLACK_ADMIN_USERS: ADMIN,
          REDIS_URL: REDIS_URL!,
          REDIS_PREFIX: prefix,
          SCHEDULER_LEASE_MS: '3000',
          LOG_LEVEL: 'debug',
        });
        await proc.waitForOutput(/"msg":"runtime ready"/);
        return { proc, url: `http://127.0.0.1:${port}` };
      }),
    );
  }

  async function stopAll(signal: NodeJS.Signals): Promise<void> {
    await Promise.all(
      bots.map(async (b) => {
        if (b.proc.child.exitCode === null) b.proc.child.kill(signal);
        await b.proc.exit;
      }),
    );
  }

  const command = (i: number, cmd: string, text: string, user = 'U0GROWTH') =>
    sendCommand(bots[i].url, SECRETS.signingSecret, { command: cmd, text, user_id: user, response_url: slack.responseUrl() });

  beforeEach(async () => {
    prefix = testPrefix();
    sim = await startSimulator();
    slack = await startSlackDouble();
    slack.members.add('C0REPORTS');
  });
  afterEach(async () => {
    await stopAll('SIGKILL');
    await slack.close();
    await sim.close();
    await dropPrefix(prefix);
  });

  test('one token request in total; a schedule survives a restart of every instance and posts once, even when the instance running it is killed', async () => {
    await startThree();
    await Promise.all(Array.from({ length: 30 }, (_, i) => command(i % 3, '/visits', 'weekly 2017-03-06')));
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 30, 60_000);
    expect(sim.stats.tokenRequests).toBe(1);

    const { hhmm, weekday } = nextMinute('Asia/Shanghai', 8000);
    const added = await command(0, '/wxa', `schedule add summary weekly at ${hhmm} on ${weekday}`, ADMIN);
    expect(String(added.json?.text)).toMatch(/Scheduled `(s[0-9a-f]{6})`/);
    const id = /`(s[0-9a-f]{6})`/.exec(String(added.json?.text))![1];

    // Restart every instance before the fire.
    await stopAll('SIGTERM');
    expect(bots.map((b) => b.proc.child.exitCode)).toEqual([0, 0, 0]);
    await startThree();

    // Make the report slow, see which instance takes it, and kill -9 that one mid-run.
    sim.inject('datacube', { type: 'delay', ms: 6000 }, 9);
    const running = await Promise.any(bots.map((b, i) => b.proc.waitForOutput(/"msg":"scheduled run started"/, 90_000).then(() => i)));
    bots[running].proc.child.kill('SIGKILL');

    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 31, 60_000);
    const store = new RedisStore(REDIS_URL!, prefix);
    try {
      const run = await store.lastRun(id);
      expect(run).toMatchObject({ state: 'posted' });
      expect(run!.attempts).toBeGreaterThanOrEqual(2);
      expect(run!.owner).not.toContain(`:${bots[running].proc.child.pid}:`);
    } finally {
      await store.close();
    }
    const scheduled = slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('Weekly retention'));
    expect(scheduled).toHaveLength(1);
    expect(sim.stats.tokenRequests).toBe(1); // still: the restarted instances took the token from Redis

    const alive = bots.findIndex((_, i) => i !== running);
    const list = await command(alive, '/wxa', 'schedule list');
    expect(String(list.json?.text)).toMatch(new RegExp(`${id}[\\s\\S]*last: posted`));
  }, 240_000);
});
