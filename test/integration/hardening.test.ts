import http from 'node:http';
import { commandBody, slackSignature } from '../doubles/slack-requests';
import { startHarness, SECRETS, type Harness } from '../helpers/harness';

/** POSTs a raw body to /slack/events, signed as Slack signs (or not), and returns status and text. */
async function post(
  h: Harness,
  body: string,
  o: { contentType?: string; sign?: boolean; timestamp?: number } = {},
): Promise<{ status: number; text: string }> {
  const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': o.contentType ?? 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
  };
  if (o.sign !== false) headers['x-slack-signature'] = slackSignature(SECRETS.signingSecret, ts, body);
  const res = await fetch(`${h.baseUrl}/slack/events`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

const responseTexts = (h: Harness) => h.slack.responses.map((r) => String(r.body.text));

describe('hostile requests to the HTTP front', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  test('a signed body of JSON null, an array, or payload=null gets 400 and the bot keeps serving', async () => {
    for (const [body, contentType] of [
      ['null', 'application/json'],
      ['[1,2]', 'application/json'],
      ['payload=null', 'application/x-www-form-urlencoded'],
      ['payload=%5B%5D', 'application/x-www-form-urlencoded'],
      ['payload=%7Bnot json', 'application/x-www-form-urlencoded'],
    ]) {
      const r = await post(h, body, { contentType });
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
    }
    const ok = await h.command('/retain', 'weekly 2017-03-06');
    expect(ok.status).toBe(200);
    expect(String(ok.json?.text)).toContain('Preparing');
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
  });

  test("Slack's unsigned ssl_check is answered, and a command smuggled into it is not run", async () => {
    const smuggled = `ssl_check=1&${commandBody({ command: '/retain', text: 'weekly 2017-03-06', response_url: h.slack.responseUrl('smuggled') })}`;
    const r = await post(h, smuggled, { sign: false });
    expect(r.status).toBe(200);
    expect(
      (await post(h, commandBody({ command: '/retain', text: 'weekly', response_url: h.slack.responseUrl() }), { sign: false })).status,
    ).toBe(401);
    await h.bot.settle(2000);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(h.sim.stats.datacubeRequests).toBe(0);
  });

  test('a replayed signed request (same body and signature) is dropped; the command runs once', async () => {
    const body = commandBody({ command: '/retain', text: 'weekly 2017-03-06', response_url: h.slack.responseUrl('replay') });
    const ts = Math.floor(Date.now() / 1000);
    const first = await post(h, body, { timestamp: ts });
    const again = await post(h, body, { timestamp: ts });
    expect(first.status).toBe(200);
    expect(again.status).toBe(401);
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    await h.bot.settle(5000);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(h.logs.text).toContain('dropped a replayed Slack request');
    // A fresh signature for the same command is a new request.
    expect((await post(h, body, { timestamp: ts + 1 })).status).toBe(200);
  });

  test('an oversized body is refused with 413 from its Content-Length, before it is read', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${h.baseUrl}/slack/events`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(4 * 1024 * 1024) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      // Only the first 64 KB is ever sent: the answer must come without the rest.
      req.write(Buffer.alloc(64 * 1024, 0x20));
    });
    expect(status).toBe(413);
  });

  test('a chunked body that grows past the cap is cut off with 413', async () => {
    const status = await new Promise<number>((resolve) => {
      const req = http.request(
        `${h.baseUrl}/slack/events`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => resolve(-1));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 64 && req.write(chunk)) sent++;
        if (sent < 64 && !req.destroyed) req.once('drain', pump);
      };
      req.on('socket', pump);
    });
    // Either the 413 arrives, or the connection is closed on us mid-upload: never a 200.
    expect([413, -1]).toContain(status);
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('what users are told', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  test("WeChat's errmsg is escaped: an upstream <!channel> or disguised link cannot ping or link", async () => {
    h = await startHarness();
    h.sim.inject('datacube', { type: 'errcode', errcode: 47001, errmsg: '<!channel> <https://evil.example|reset here> & more' }, 10);
    await h.command('/retain', 'weekly 2017-03-06', { responseId: 'hostile' });
    await h.slack.waitFor(() => h.slack.responses.some((r) => r.id === 'hostile' && /WeChat returned an error/.test(String(r.body.text))));
    const text = responseTexts(h).find((t) => /WeChat returned an error/.test(t)) ?? '';
    expect(text).not.toMatch(/<!channel>|<https:/);
    expect(text).toContain('&lt;!channel&gt; &lt;https://evil.example|reset here&gt; &amp; more');
  });

  test('the generic error names the real request id from the logs', async () => {
    h = await startHarness();
    // Slack answers HTTP 500 to every attempt: not a known error, so the generic message.
    h.slack.fail('chat.postMessage', { status: 500 }, 10);
    await h.command('/retain', 'weekly 2017-03-06', { responseId: 'generic' });
    await h.slack.waitFor(() => h.slack.responses.some((r) => r.id === 'generic' && /reference/.test(String(r.body.text))), 30_000);
    const text = responseTexts(h).find((t) => /reference/.test(t)) ?? '';
    const ref = /reference: `([^`]+)`/.exec(text)?.[1];
    expect(ref).toBeDefined();
    expect(ref).not.toBe('n/a');
    const failed = h.logLines().find((l) => l.msg === 'report failed');
    expect(failed?.requestId).toBe(ref);
  });

  test('token_revoked says the token must be replaced, not "try again in a minute"', async () => {
    h = await startHarness();
    h.slack.fail('chat.postMessage', { error: 'token_revoked' });
    await h.command('/retain', 'weekly 2017-03-06', { responseId: 'revoked' });
    await h.slack.waitFor(() => h.slack.responses.some((r) => r.id === 'revoked' && /token/.test(String(r.body.text))));
    const text = responseTexts(h).find((t) => /token_revoked/.test(t)) ?? '';
    expect(text).toMatch(/reinstall the app or update SLACK_BOT_TOKEN/);
    expect(text).not.toMatch(/in a minute/);
  });

  test("while Slack rate-limits the post, 'still working' names Slack, not WeChat", async () => {
    h = await startHarness({}, { stillWorkingMs: 1000 });
    // Warm: the second run of the same report is fetched and drawn from the caches at once.
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    h.slack.fail('chat.postMessage', { status: 429, retryAfterSec: 3 });
    await h.command('/retain', 'weekly 2017-03-06', { responseId: 'limited' });
    await h.slack.waitFor(() => h.slack.responses.some((r) => r.id === 'limited' && /Still working/.test(String(r.body.text))));
    const still = h.slack.responses.find((r) => r.id === 'limited' && /Still working/.test(String(r.body.text)));
    expect(String(still?.body.text)).toMatch(/Slack is answering slowly/);
    expect(String(still?.body.text)).not.toMatch(/WeChat/);
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 2);
  });

  test('a report past REPORT_TIMEOUT_MS: the user is told, the slot is freed, and nothing is posted late', async () => {
    h = await startHarness({ REPORT_CONCURRENCY: '1', REPORT_TIMEOUT_MS: '1000' });
    h.sim.inject('datacube', { type: 'hold' }, 100);
    await h.command('/retain', 'weekly 2017-03-06', { responseId: 'slow' });
    await h.slack.waitFor(() => h.slack.responses.some((r) => r.id === 'slow' && /took longer than 1 s/.test(String(r.body.text))));
    // The one slot is free again: another report goes through while the first one's calls still hang
    // (months later: none of its WeChat answers is one of the hanging calls, which it would wait for).
    h.sim.clearFaults();
    await h.command('/retain', 'weekly 2017-06-05', { responseId: 'next' });
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    expect(JSON.stringify(h.slack.callsTo('chat.postMessage')[0].args.blocks)).toContain('2017-06-05');
    // Let the abandoned calls finish: their report is produced but never posted.
    h.sim.releaseHeld();
    await waitForLog(h, (l) => l.msg === 'report produced' && JSON.stringify(l.period).includes('20170306'));
    await h.bot.settle(5000);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  test('/wxa schedule list shows only the schedules of this channel', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: 'U0ADMIN' });
    h.slack.members.add('C0OTHER');
    const added = await h.command('/wxa', 'schedule add weekly', { user: 'U0ADMIN', channel: 'C0OTHER' });
    expect(String(added.json?.text)).toMatch(/Scheduled `(s[0-9a-f]+)`/);
    const id = /Scheduled `(s[0-9a-f]+)`/.exec(String(added.json?.text))?.[1] ?? 'missing';
    const here = await h.command('/wxa', 'schedule list', { channel: 'C0REPORTS' });
    expect(String(here.json?.text)).not.toContain(id);
    expect(String(here.json?.text)).toMatch(/No schedules yet/);
    const there = await h.command('/wxa', 'schedule list', { channel: 'C0OTHER' });
    expect(String(there.json?.text)).toContain(id);
  });
});

describe('/readyz reads cached state', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  test('while token fetches fail, 10 readiness checks send WeChat at most one token request', async () => {
    h = await startHarness();
    expect((await fetch(`${h.baseUrl}/readyz`)).status).toBe(200);
    const tokens = h.runtime.programs.all[0].client.tokenCache;
    h.sim.revokeTokens();
    await tokens.invalidate(await tokens.get());
    h.sim.inject('token', { type: 'errcode', errcode: 40125, errmsg: 'invalid appsecret' }, 100);
    const before = h.sim.stats.tokenRequests;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${h.baseUrl}/readyz`)).status);
    expect(statuses).toEqual(Array(10).fill(503));
    expect(h.sim.stats.tokenRequests - before).toBe(1);
    const body = (await (await fetch(`${h.baseUrl}/readyz`)).json()) as { checks: Record<string, string> };
    expect(body.checks['token:default']).toMatch(/AppSecret/);
  });

  test('readiness turns 503 when Slack refuses the bot token', async () => {
    h = await startHarness();
    h.slack.fail('auth.test', { error: 'invalid_auth' });
    const r = await fetch(`${h.baseUrl}/readyz`);
    expect(r.status).toBe(503);
    const body = (await r.json()) as { checks: Record<string, string> };
    expect(body.checks.slack_token).toMatch(/Slack refused SLACK_BOT_TOKEN \(auth.test: invalid_auth\)/);
  });
});

/** Resolves once a log line matches; rejects after the deadline. */
async function waitForLog(h: Harness, match: (l: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!h.logLines().some(match)) {
    if (Date.now() > deadline) throw new Error('log line never came');
    await new Promise((r) => setTimeout(r, 25));
  }
}
