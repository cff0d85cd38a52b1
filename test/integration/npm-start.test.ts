import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';
import { PNG_SIGNATURE, SECRETS } from '../helpers/harness';
import { botEnv, startBotProcess, type Started } from '../helpers/process';
import { freePort, sendCommand } from '../doubles/slack-requests';
import { count } from '../../src/slack/format';
import { visitRow, retainBody } from '../../src/sandbox/data';

// The built bot as `npm start` runs it, in its own process, against the local doubles.
describe('npm start, end to end', () => {
  let sim: WeChatSimulator;
  let slack: SlackDouble;
  let bot: Started | undefined;
  beforeEach(async () => {
    sim = await startSimulator();
    slack = await startSlackDouble();
    slack.members.add('C0REPORTS');
  });
  afterEach(async () => {
    if (bot && bot.child.exitCode === null) {
      bot.child.kill('SIGKILL');
      await bot.exit;
    }
    await slack.close();
    await sim.close();
  });

  async function start(extra: Record<string, string> = {}): Promise<string> {
    const port = await freePort();
    bot = startBotProcess({
      ...botEnv(sim, slack, port),
      LOG_LEVEL: 'debug',
      ...extra,
    });
    await bot.waitForOutput(/"msg":"bot started"/);
    return `http://127.0.0.1:${port}`;
  }

  test('20 concurrent /retain weekly 2017-03-06 on a cold start: one token request, exact figures, real PNGs, no secrets in the logs, clean SIGTERM', async () => {
    const url = await start();
    const acks = await Promise.all(
      Array.from({ length: 20 }, () =>
        sendCommand(url, SECRETS.signingSecret, { command: '/retain', text: 'weekly 2017-03-06', response_url: slack.responseUrl() }),
      ),
    );
    expect(acks.map((a) => a.status)).toEqual(Array(20).fill(200));
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 20, 60_000);

    expect(sim.stats.tokenRequests).toBe(1);
    const week = { granularity: 'weekly' as const, begin: '20170306', end: '20170312' };
    const row = visitRow(week);
    const retain = retainBody(week, new Date());
    for (const post of slack.callsTo('chat.postMessage')) {
      const blocks = JSON.stringify(post.args.blocks);
      expect(blocks).toContain(count(retain.visit_uv_new[0].value));
      expect(blocks).toContain(count(retain.visit_uv[0].value));
      expect(blocks).toContain(count(row.session_cnt));
      expect(blocks).toContain(count(row.visit_pv));
    }
    expect(slack.uploads).toHaveLength(20);
    for (const u of slack.uploads) expect(u.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

    bot!.child.kill('SIGTERM');
    expect(await bot!.exit).toBe(0);
    const logs = bot!.output();
    expect(logs).toMatch(/"msg":"report delivered"/);
    for (const secret of [SECRETS.botToken, SECRETS.signingSecret, sim.secret]) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/SBX[0-9a-f]{8}/); // the simulator's access tokens
  });

  test('without WECHAT_APPID the bot serves sandbox data and says so', async () => {
    const url = await start({ WECHAT_APPID: '', WECHAT_SECRET: '', WECHAT_API_BASE_URL: '' });
    await sendCommand(url, SECRETS.signingSecret, { command: '/visits', text: 'weekly 2017-03-06', response_url: slack.responseUrl() });
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 1);
    expect(JSON.stringify(slack.callsTo('chat.postMessage')[0].args.blocks)).toContain('sandbox data');
    expect(sim.stats.tokenRequests).toBe(0);
  });

  test('a bot token Slack refuses stops start-up with what to do, and the token is not shown', async () => {
    slack.fail('auth.test', { error: 'invalid_auth' });
    await expect(start()).rejects.toThrow(/exited \(1\)/);
    expect(bot?.output()).toMatch(/The bot could not start: Slack refused SLACK_BOT_TOKEN \(auth.test: invalid_auth\)\. Check the token/);
    expect(bot?.output()).not.toContain(SECRETS.botToken);
  });

  test('Slack out of reach at start-up: a clear message and exit 1, not a crash on an unhandled rejection', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/api/`;
    await expect(start({ SLACK_API_URL: closed })).rejects.toThrow(/exited \(1\)/);
    expect(bot?.output()).toMatch(
      /The bot could not start: Could not reach Slack to check SLACK_BOT_TOKEN .*Check the network and SLACK_API_URL/,
    );
    expect(bot?.output()).not.toMatch(/UnhandledPromiseRejection|at .*node_modules/);
  });

  test('invalid configuration stops start-up with a message naming the variable', async () => {
    bot = startBotProcess({
      SLACK_BOT_TOKEN: SECRETS.botToken,
      SLACK_SIGNING_SECRET: SECRETS.signingSecret,
      PORT: 'eighty',
      WECHAT_TOKEN_MODE: 'magic',
    });
    expect(await bot.exit).toBe(1);
    expect(bot.output()).toMatch(/Invalid configuration/);
    expect(bot.output()).toMatch(/PORT/);
    expect(bot.output()).toMatch(/WECHAT_TOKEN_MODE/);
    expect(bot.output()).not.toContain(SECRETS.botToken);
  });
});
