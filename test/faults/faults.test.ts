import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { LogCapture, SECRETS, startHarness, type Harness } from '../helpers/harness';

// Every fault the bot must survive, each with the behaviour users see. All log lines of the whole
// suite are collected, and the last test checks that no secret is in any of them.
const logs = new LogCapture();
const tokensSeen = new Set<string>();
let sim: WeChatSimulator;
let h: Harness;

async function start(env: Record<string, string> = {}, simOpts: Parameters<typeof startSimulator>[0] = {}): Promise<Harness> {
  sim = await startSimulator(simOpts);
  h = await startHarness({ WECHAT_TIMEOUT_MS: '2000', ...env }, { sim, logs, stillWorkingMs: 1000 });
  return h;
}

afterEach(async () => {
  // Remember every access token the simulator handed out, to look for them in the logs.
  for (const a of h.runtime.programs.all) {
    const t = await a.client.tokenCache.get().catch(() => undefined);
    if (t) tokensSeen.add(t);
  }
  await h.close();
  await sim.close();
});

const uploads = () => h.slack.callsTo('files.completeUploadExternal').length;
const lastResponse = () => String(h.slack.responses[h.slack.responses.length - 1]?.body.text ?? '');
/** Waits for the error message (not the "still working" note) to reach the user. */
const warned = (ms = 30_000) => h.slack.waitFor(() => h.slack.responses.some((r) => /:warning:/.test(String(r.body.text))), ms);

describe('WeChat faults', () => {
  test('errcode -1 on 30% of calls: every report still completes, within the retries', async () => {
    await start({}, { errorRate: { rate: 0.3, errcode: -1, seed: 42 } });
    const weeks = ['2017-03-06', '2017-03-13', '2017-03-20', '2017-03-27', '2017-04-03'];
    await Promise.all(weeks.map((w) => h.command('/retain', `weekly ${w}`)));
    await h.slack.waitFor(() => uploads() === 5, 60_000);
    expect(h.slack.responses.filter((r) => /warning/.test(String(r.body.text)))).toHaveLength(0);
    const failed = h.logLines().filter((l) => l.msg === 'wechat call failed');
    expect(failed).toHaveLength(0);
    // Some calls needed retries: more requests reached WeChat than calls succeeded.
    const succeeded = h.logLines().filter((l) => l.msg === 'wechat call ok').length;
    expect(succeeded).toBeGreaterThan(0);
    expect(h.sim.stats.datacubeRequests).toBeGreaterThan(succeeded);
  });

  test('every token revoked mid-run (40001 storm): one refresh, all calls recover', async () => {
    await start();
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => uploads() === 1);
    expect(sim.stats.tokenRequests).toBe(1);
    sim.revokeTokens();
    await Promise.all(['2017-04-03', '2017-04-10', '2017-04-17'].map((w) => h.command('/retain', `weekly ${w}`)));
    await h.slack.waitFor(() => uploads() === 4);
    expect(sim.stats.tokenRequests).toBe(2);
  });

  test('10 s latency: the ack is immediate, a "still working" note follows, then the report', async () => {
    await start();
    sim.inject('datacube', { type: 'delay', ms: 10_000 }, 9);
    const ack = await h.command('/retain', 'weekly 2017-03-06');
    expect(ack.ms).toBeLessThan(1000);
    expect(String(ack.json?.text)).toMatch(/Preparing/);
    await h.slack.waitFor(() => h.slack.responses.some((r) => /Still working/.test(String(r.body.text))));
    await h.slack.waitFor(() => uploads() === 1, 30_000);
  });

  test('connection refused: a clear message naming what to check', async () => {
    await start({ WECHAT_API_BASE_URL: 'http://127.0.0.1:9' });
    const ack = await h.command('/retain', 'weekly 2017-03-06');
    expect(ack.status).toBe(200);
    await h.slack.waitFor(() => h.slack.responses.some((r) => /Could not reach WeChat/.test(String(r.body.text))), 30_000);
    expect(lastResponse()).toMatch(/WECHAT_API_BASE_URL/);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test.each([
    ['malformed JSON', { type: 'malformed' } as const],
    ['HTTP 502', { type: 'status', status: 502 } as const],
  ])('%s from WeChat is retried and the report completes', async (_name, fault) => {
    await start();
    sim.inject('datacube', fault, 4);
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => uploads() === 1);
    expect(sim.stats.datacubeRequests).toBe(9 + 4);
  });

  test('45009 quota: a clear message and no retry loop', async () => {
    await start();
    sim.inject('datacube', { type: 'errcode', errcode: 45009 }, 100);
    await h.command('/retain', 'weekly 2017-03-06');
    await warned();
    expect(lastResponse()).toMatch(/daily WeChat API quota is used up.*tomorrow/);
    await h.bot.settle(5000);
    // Each of the report's calls at most once (the first failure ends the report; others may still be in flight).
    expect(sim.stats.byPath['/datacube/getweanalysisappidweeklyretaininfo'] ?? 0).toBeLessThanOrEqual(1);
    expect(sim.stats.byPath['/datacube/getweanalysisappidweeklyvisittrend'] ?? 0).toBeLessThanOrEqual(8);
  });
});

describe('Slack faults', () => {
  test('429 with Retry-After on posts and uploads is honoured, and the report goes out', async () => {
    await start();
    h.slack.fail('chat.postMessage', { status: 429, retryAfterSec: 1 });
    h.slack.fail('files.getUploadURLExternal', { status: 429, retryAfterSec: 1 });
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => uploads() === 1, 30_000);
    const posts = h.slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(900);
    const urls = h.slack.callsTo('files.getUploadURLExternal');
    expect(urls).toHaveLength(2);
    expect(urls[1].at - urls[0].at).toBeGreaterThanOrEqual(900);
  });

  test('a 429 that does not end stops after the explicit retry policy, and the user is told', async () => {
    await start();
    h.slack.fail('chat.postMessage', { status: 429, retryAfterSec: 1 }, 50);
    await h.command('/retain', 'weekly 2017-03-06');
    await warned();
    expect(h.slack.callsTo('chat.postMessage').length).toBe(4); // 1 + 3 retries, never 30 minutes
  });

  test('not_in_channel: joins the public channel and posts', async () => {
    await start();
    await h.command('/retain', 'weekly 2017-03-06', { channel: 'C0NEWCHAN' });
    await h.slack.waitFor(() => uploads() === 1);
    expect(h.slack.callsTo('conversations.join')).toHaveLength(1);
  });

  test('the upload URL answering 500: the summary is posted and the user is told the chart failed', async () => {
    await start();
    h.slack.fail('upload', { status: 500 }, 20);
    await h.command('/retain', 'weekly 2017-03-06');
    await warned();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(lastResponse()).toMatch(/summary is posted, but the chart could not be uploaded/);
    expect(h.slack.callsTo('files.completeUploadExternal')).toHaveLength(0);
  });

  test('an expired response_url: the failure is logged, nothing crashes, the next command works', async () => {
    await start();
    h.slack.expiredResponses.add('old');
    sim.inject('datacube', { type: 'errcode', errcode: 45009 }, 9);
    await h.command('/retain', 'weekly 2017-03-06', { responseId: 'old' });
    const deadline = Date.now() + 10_000;
    while (!h.logLines().some((l) => l.msg === 'could not tell the user (response_url expired?)') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(h.logLines().some((l) => l.msg === 'could not tell the user (response_url expired?)')).toBe(true);
    // WeChat is fine again (faults the failed report's abandoned calls did not use up are dropped).
    sim.clearFaults();
    await h.command('/retain', 'weekly 2017-03-13');
    await h.slack.waitFor(() => uploads() === 1);
  });
});

describe('secrets', () => {
  test('no access_token, AppSecret, bot token or signing secret in any log line of the fault suite', () => {
    const text = logs.text;
    expect(logs.lines.length).toBeGreaterThan(200);
    expect(tokensSeen.size).toBeGreaterThan(0);
    for (const secret of [SECRETS.botToken, SECRETS.signingSecret, sim.secret, ...tokensSeen]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/SBX[0-9a-f]{16}/);
    expect(text).not.toMatch(/access_token=(?!\[REDACTED\])/);
  });
});
