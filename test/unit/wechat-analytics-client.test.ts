import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chinaMidnight, createWeChatClient, type WeChatClient } from '../../src/wechat/client';
import { WeChatError } from '../../src/wechat/errors';
import { periodContaining } from '../../src/calendar/period';
import { fetchDigest } from '../../src/reports/digest';
import { REPORT_FAN_OUT } from '../../src/reports/fan-out';
import { Parts } from '../../src/reports/parts';

const NOW = new Date('2017-03-20T04:00:00Z'); // Monday noon in China: yesterday is 2017-03-19

/**
 * A loopback WeChat that records every body it is sent and can hold datacube answers, to see
 * what the client sends and how many calls it has in flight.
 */
async function recordingWeChat(opts: { holdMs?: number } = {}) {
  const bodies: { path: string; body: Record<string, unknown> }[] = [];
  const arrivals: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const raw = Buffer.concat(chunks).toString('utf8');
      const reply = (o: object) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(o));
      };
      if (path === '/cgi-bin/stable_token') return reply({ access_token: 'T', expires_in: 7200 });
      bodies.push({ path, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} });
      arrivals.push(Date.now());
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        if (path === '/wxa/business/performance/boot')
          return reply({
            errcode: 0,
            errmsg: 'ok',
            data: {
              body: {
                tables: [{ id: 'memory', zh: '内存均值', lines: [{ fields: [{ refdate: '20170313', value: '300.5' }] }] }],
                count: 1,
              },
            },
          });
        reply({ ref_date: '', list: [{ index: 'access_source_session_cnt', item_list: [{ key: 1, value: 5 }] }] });
      }, opts.holdMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    bodies,
    arrivals,
    maxInFlight: () => maxInFlight,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function clientFor(url: string, o: { callsPerMinute?: number; quotaWindowMs?: number } = {}): WeChatClient {
  return createWeChatClient({
    baseUrl: url,
    appid: 'wx1234567890abcdef',
    secret: 'secretsecret',
    tokenMode: 'stable',
    retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    now: () => NOW,
    timeoutMs: 2000,
    ...o,
  });
}

describe('WeChat client: the analytics endpoints', () => {
  let wx: Awaited<ReturnType<typeof recordingWeChat>>;
  afterEach(() => wx.close());

  test('performance: Unix seconds of China midnights, both ends, all filters; values parsed from strings', async () => {
    wx = await recordingWeChat();
    const r = await clientFor(wx.url).getPerformance(10022, '20170313', '20170319');
    expect(wx.bodies).toEqual([
      {
        path: '/wxa/business/performance/boot',
        body: { module: 10022, time: { begin_timestamp: 1489334400, end_timestamp: 1489852800 }, params: [] },
      },
    ]);
    expect(chinaMidnight('20210103')).toBe(1609603200); // the docs' example
    expect(r.tables[0]).toEqual({ id: 'memory', zh: '内存均值', points: [{ date: '20170313', value: 300.5 }] });
  });

  test.each([
    ['a 31-day performance span', (c: WeChatClient) => c.getPerformance(10017, '20170217', '20170319')],
    ['performance ending today', (c: WeChatClient) => c.getPerformance(10017, '20170314', '20170320')],
    ['a 5-day portrait', (c: WeChatClient) => c.fetch('userPortrait', { beginDate: '20170315', endDate: '20170319' })],
    ['a portrait ending today', (c: WeChatClient) => c.getUserPortrait('20170320', 7)],
    ['two days of sources', (c: WeChatClient) => c.fetch('visitDistribution', { beginDate: '20170318', endDate: '20170319' })],
    ['pages of today', (c: WeChatClient) => c.getVisitPages('20170320')],
  ])('%s is refused before any call', async (_, call) => {
    wx = await recordingWeChat();
    const e = await call(clientFor(wx.url)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WeChatError);
    expect((e as WeChatError).kind).toBe('bad_dates');
    expect((e as WeChatError).message).toMatch(/No call was made to WeChat/);
    expect(wx.bodies).toEqual([]);
  });

  test('portraits of 1, 7 and 30 days ending yesterday are asked with WeChat’s own span', async () => {
    wx = await recordingWeChat();
    const c = clientFor(wx.url);
    for (const days of [1, 7, 30]) await c.getUserPortrait('20170319', days);
    expect(wx.bodies.map((b) => b.body)).toEqual([
      { begin_date: '20170319', end_date: '20170319' },
      { begin_date: '20170313', end_date: '20170319' },
      { begin_date: '20170218', end_date: '20170319' },
    ]);
  });

  test('calls started are bounded per window (the per-minute quota); cache hits and waiting calls do not fail', async () => {
    wx = await recordingWeChat();
    const c = clientFor(wx.url, { callsPerMinute: 3, quotaWindowMs: 400 });
    const days = Array.from({ length: 6 }, (_, i) => `201703${String(i + 1).padStart(2, '0')}`);
    const t0 = Date.now();
    await Promise.all(days.map((d) => c.getVisitDistribution(d)));
    expect(wx.bodies).toHaveLength(6);
    // The second three waited for the next window, which opens 400 ms after the first call was let through
    // (at or after t0). Measured from t0, not from the first arrival: that one can come late (the token
    // fetch, a busy machine), which would make the gap between arrivals look shorter than the window.
    expect(wx.arrivals[3] - t0).toBeGreaterThanOrEqual(390);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
  });

  test('a weekly digest makes its 38 calls at most REPORT_FAN_OUT at a time (the hardening test shows a hung report does not hold up the next)', async () => {
    wx = await recordingWeChat({ holdMs: 20 });
    const c = clientFor(wx.url);
    const parts = new Parts();
    await fetchDigest(c, { kind: 'digest', period: periodContaining('weekly', '20170306'), notes: [] }, parts);
    expect(wx.bodies).toHaveLength(38);
    expect(wx.maxInFlight()).toBe(REPORT_FAN_OUT);
  });
});
