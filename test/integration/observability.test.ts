import { metric, startHarness, type Harness } from '../helpers/harness';

describe('observability', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  test('/metrics shows the counts of a run', async () => {
    await h.command('/retain', 'weekly 2017-03-06');
    await h.command('/retain', 'weekly 2017-02-30');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    h.slack.fail('chat.postMessage', { error: 'channel_is_archived' });
    await h.command('/visits', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h.slack.responses.some((r) => /warning/.test(String(r.body.text))));
    await h.bot.settle(5000);

    const res = await fetch(`${h.baseUrl}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(metric(text, 'wxa_commands_total', { command: '/retain', outcome: 'posted' })).toBe(1);
    expect(metric(text, 'wxa_commands_total', { command: '/retain', outcome: 'rejected' })).toBe(1);
    expect(metric(text, 'wxa_commands_total', { command: '/visits', outcome: 'failed' })).toBe(1);
    expect(metric(text, 'wxa_ack_seconds_count', { command: '/retain' })).toBe(2);
    expect(metric(text, 'wxa_report_seconds_count', { command: '/retain', outcome: 'posted' })).toBe(1);
    expect(metric(text, 'wxa_wechat_calls_total', { endpoint: 'getweanalysisappidweeklyretaininfo', errcode: '0' })).toBe(1);
    expect(metric(text, 'wxa_wechat_calls_total', { endpoint: 'getweanalysisappidweeklyvisittrend', errcode: '0' })).toBe(8); // /visits hit the cache
    expect(metric(text, 'wxa_token_requests_total')).toBe(1);
    expect(metric(text, 'wxa_render_seconds_count')).toBe(2);
    expect(metric(text, 'wxa_slack_api_errors_total', { method: 'chat.postMessage', error: 'channel_is_archived' })).toBe(1);
    expect(text).toContain('wxa_scheduled_runs_total');
    expect(text).toContain('wxa_process_resident_memory_bytes');
  });

  test('/readyz: ready when the store answers and a token can be had; 503 with the reason otherwise', async () => {
    const ok = await fetch(`${h.baseUrl}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, checks: { sqlite: 'ok', 'token:default': 'ok', slack_token: 'ok', workers: 'ok' } });

    // Another server rotates the token and WeChat stops answering token requests.
    h.sim.revokeTokens();
    await h.runtime.programs.all[0].client.tokenCache.invalidate(await h.runtime.programs.all[0].client.tokenCache.get());
    h.sim.inject('token', { type: 'errcode', errcode: 40164, errmsg: 'invalid ip 198.51.100.4, not in whitelist' }, 20);
    const bad = await fetch(`${h.baseUrl}/readyz`);
    expect(bad.status).toBe(503);
    const body = (await bad.json()) as { checks: Record<string, string> };
    expect(body.checks['token:default']).toMatch(/198\.51\.100\.4/);
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
  });

  test('one request id per command, carried through fetch, render and upload', async () => {
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    await h.bot.settle(5000);
    const lines = h.logLines();
    const accepted = lines.find((l) => l.msg === 'audit' && (l.audit as { outcome: string }).outcome === 'accepted');
    const id = accepted?.requestId;
    expect(typeof id).toBe('string');
    const mine = lines.filter((l) => l.requestId === id).map((l) => l.msg);
    expect(mine).toEqual(expect.arrayContaining(['wechat call ok', 'report produced', 'report delivered']));
    expect(lines.filter((l) => l.msg === 'wechat call ok').every((l) => l.requestId === id)).toBe(true);
  });
});
