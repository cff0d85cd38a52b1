import { buildReport } from '../../src/reports/build';
import { createWeChatClient } from '../../src/wechat/client';
import { fetchReportData } from '../../src/reports/fetch';
import { parseReportText } from '../../src/reports/request';
import { count, percent } from '../../src/slack/format';
import { metric, startHarness, PNG_SIGNATURE, pngSize, SECRETS, type Harness } from '../helpers/harness';
import { sendCommand, slackSignature, commandBody } from '../doubles/slack-requests';

function allText(blocks: unknown): string {
  return JSON.stringify(blocks);
}

describe('slash commands end to end (HTTP receiver, WeChat simulator, Slack double)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  test('/retain weekly 2017-03-06 posts the weekly summary with the API figures and uploads a PNG chart', async () => {
    const res = await h.command('/retain', 'weekly 2017-03-06');
    expect(res.status).toBe(200);
    expect(res.json?.response_type).toBe('ephemeral');
    expect(String(res.json?.text)).toContain('Preparing');

    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    const [post] = h.slack.callsTo('chat.postMessage');
    expect(post.args.channel).toBe('C0REPORTS');
    const blocks = allText(post.args.blocks);

    // The figures must be exactly WeChat's: ask the simulator directly through a fresh client.
    const req = parseReportText('retain', 'weekly 2017-03-06', new Date());
    if (!req.ok) throw new Error(req.problem.reason);
    const direct = createWeChatClient({ baseUrl: h.sim.url, appid: h.sim.appid, secret: h.sim.secret, tokenMode: 'stable' });
    const data = await fetchReportData(direct, req.request);
    const report = buildReport(req.request, data, { appName: 'x', sandbox: false });
    const newUsers = data.retain!.visitUvNew.get(0)!;
    const active = data.retain!.visitUv.get(0)!;
    expect(blocks).toContain('2017-03-06 – 2017-03-12');
    expect(blocks).toContain(count(newUsers));
    expect(blocks).toContain(count(active));
    for (const p of report.retention!.newUsers.points) expect(blocks).toContain(`${count(p.count)}`);
    expect(blocks).toContain(percent(data.retain!.visitUvNew.get(1)! / newUsers));
    const week = data.trend[data.trend.length - 1]!;
    for (const v of [week.sessionCnt, week.visitPv, week.visitUv, week.visitUvNew]) expect(blocks).toContain(count(v));
    expect(String(post.args.text)).toContain('Weekly retention');

    const [getUrl] = h.slack.callsTo('files.getUploadURLExternal');
    const [upload] = h.slack.uploads;
    expect(upload.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(Number(getUrl.args.length)).toBe(upload.bytes.length);
    expect(pngSize(upload.bytes)).toEqual({ width: 1600, height: 800 });
    expect(upload.bytes.length).toBeGreaterThan(20_000);
    const [complete] = h.slack.callsTo('files.completeUploadExternal');
    expect(complete.args.channel_id).toBe('C0REPORTS');
    expect((complete.args.files as { id: string }[])[0].id).toBe(upload.fileId);
    expect(h.sim.stats.byPath['/datacube/getweanalysisappidweeklyretaininfo']).toBe(2); // the bot's call and ours
  });

  test('asking twice for the same old week makes zero WeChat calls the second time', async () => {
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    const calls = h.sim.stats.datacubeRequests;
    expect(calls).toBe(9); // retention + 8 weeks of trend
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 2);
    expect(h.sim.stats.datacubeRequests).toBe(calls);
  });

  test('20 concurrent commands on a cold start make exactly one token request, and no secret is logged', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => h.command('/retain', 'weekly 2017-03-06')));
    expect(results.every((r) => r.status === 200)).toBe(true);
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 20);
    expect(h.sim.stats.tokenRequests).toBe(1);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(20);

    const logs = h.logs.text;
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of [SECRETS.botToken, SECRETS.signingSecret, h.sim.secret]) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/access_token=(?!\[REDACTED\])/);
    expect(logs).not.toContain('SBX'); // the simulator's tokens all start with SBX
  });

  test('concurrent requests for the same report share one fetch and one render', async () => {
    await Promise.all(Array.from({ length: 10 }, () => h.command('/retain', 'weekly 2017-02-27')));
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 10);
    expect(h.sim.stats.datacubeRequests).toBe(9);
    // Jobs running together share one flight; those that waited in the queue find the PNG cached.
    const text = await h.runtime.metrics.registry.metrics();
    expect(metric(text, 'wxa_render_seconds_count')).toBe(1);
    expect(metric(text, 'wxa_chart_cache_hits_total')).toBeGreaterThanOrEqual(10 - h.work.queue.concurrency);
    expect(metric(text, 'wxa_chart_cache_hits_total')).toBeLessThanOrEqual(9);
  });

  test('bad input gets an ephemeral usage reply in the ack and makes no WeChat call', async () => {
    for (const text of ['weekly 2017-02-30', 'fortnightly', 'weekly 2099-01-02', 'daily 2017-03-06 extra', 'weekly <!channel>']) {
      const res = await h.command('/retain', text);
      expect(res.status).toBe(200);
      expect(res.json?.response_type).toBe('ephemeral');
      expect(String(res.json?.text)).toContain('Usage');
      expect(String(res.json?.text)).not.toContain('<!channel>');
    }
    expect(h.sim.stats.tokenRequests + h.sim.stats.datacubeRequests).toBe(0);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test('the ack comes back at once even when WeChat is slow', async () => {
    h.sim.inject('datacube', { type: 'delay', ms: 3000 }, 20);
    const res = await h.command('/visits', 'weekly 2017-03-06');
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1500);
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
  });

  test('a WeChat failure reaches the user through response_url in words they can act on', async () => {
    h.sim.inject(
      'datacube',
      { type: 'errcode', errcode: 40164, errmsg: 'invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: 1' },
      20,
    );
    await h.command('/retain', 'weekly 2017-03-06', { responseId: 'ip' });
    await h.slack.waitFor(() => h.slack.responses.length === 1);
    const [r] = h.slack.responses;
    expect(r.id).toBe('ip');
    expect(r.body.response_type).toBe('ephemeral');
    expect(String(r.body.text)).toContain('203.0.113.7');
    expect(String(r.body.text)).toContain('IP whitelist');
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test('not_in_channel: joins a public channel and posts', async () => {
    await h.command('/retain', 'weekly 2017-03-06', { channel: 'C0PUBLIC' });
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    expect(h.slack.callsTo('conversations.join').map((c) => c.args.channel)).toEqual(['C0PUBLIC']);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0PUBLIC')).toHaveLength(2);
  });

  test('not_in_channel in a private channel: asks to /invite the bot, ephemerally', async () => {
    await h.command('/retain', 'weekly 2017-03-06', { channel: 'G0PRIVATE' });
    await h.slack.waitFor(() => h.slack.responses.length === 1);
    expect(String(h.slack.responses[0].body.text)).toContain('/invite');
    expect(h.slack.callsTo('files.getUploadURLExternal')).toHaveLength(0);
  });

  test('/wxa help answers ephemerally; /visits daily with no date reports yesterday', async () => {
    const help = await h.command('/wxa', 'help');
    expect(String(help.json?.text)).toContain('/retain daily|weekly|monthly');
    await h.command('/visits', 'daily');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    expect(h.sim.stats.byPath['/datacube/getweanalysisappiddailysummarytrend']).toBe(1);
  });

  test('requests with a bad signature are rejected and do nothing', async () => {
    const body = commandBody({ command: '/retain', text: 'weekly', response_url: h.slack.responseUrl() });
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${h.baseUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': slackSignature('wrong-secret', ts, body),
      },
      body,
    });
    expect(res.status).toBe(401);
    const stale = await sendCommand(
      h.baseUrl,
      SECRETS.signingSecret,
      { command: '/retain', text: 'weekly', response_url: h.slack.responseUrl() },
      ts - 600,
    );
    expect(stale.status).toBe(401);
    expect(h.sim.stats.tokenRequests).toBe(0);
  });

  test('GET /healthz answers 200', async () => {
    const res = await fetch(`${h.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
