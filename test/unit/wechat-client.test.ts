import { createWeChatClient, type WeChatClient } from '../../src/wechat/client';
import { WeChatError } from '../../src/wechat/errors';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { visitRow } from '../../src/sandbox/data';
import { ENDPOINT_KEYS, ENDPOINTS, endpointFor, type EndpointKey } from '../../src/wechat/endpoints';
import type { RetainResult, VisitTrendResult } from '../../src/wechat/types';
import type { ResultCache } from '../../src/wechat/cache';
import { addDays, GRANULARITIES, latestComplete } from '../../src/calendar/period';

const FAST = { attempts: 4, initialDelayMs: 1, maxDelayMs: 5 };
const NOW = new Date('2017-03-20T04:00:00Z');
const WEEK = { beginDate: '20170306', endDate: '20170312' };

/** The client every test here uses: the simulator's app, fast retries, the clock at NOW. */
function clientFor(sim: WeChatSimulator): WeChatClient {
  return createWeChatClient({
    baseUrl: sim.url,
    appid: sim.appid,
    secret: sim.secret,
    tokenMode: 'stable',
    retry: FAST,
    now: () => NOW,
    timeoutMs: 1000,
  });
}

describe('WeChatClient against the simulator', () => {
  let sim: WeChatSimulator;
  let client: WeChatClient;
  beforeEach(async () => {
    sim = await startSimulator({ now: () => NOW });
    client = clientFor(sim);
  });
  afterEach(() => sim.close());

  test('every endpoint returns typed camelCase results', async () => {
    const weekly = await client.getWeeklyVisitTrend(WEEK);
    const expected = visitRow({ granularity: 'weekly', begin: '20170306', end: '20170312' });
    expect(weekly.list[0]).toEqual({
      refDate: '20170306-20170312',
      sessionCnt: expected.session_cnt,
      visitPv: expected.visit_pv,
      visitUv: expected.visit_uv,
      visitUvNew: expected.visit_uv_new,
      stayTimeUv: expected.stay_time_uv,
      stayTimeSession: expected.stay_time_session,
      visitDepth: expected.visit_depth,
    });
    const retain = await client.getWeeklyRetain(WEEK);
    expect(retain.refDate).toBe('20170306-20170312');
    expect(retain.visitUvNew.get(0)).toBe(expected.visit_uv_new);
    expect([...retain.visitUv.keys()]).toEqual([0, 1]); // only week +1 has ended by NOW

    const day = { beginDate: '20170313', endDate: '20170313' };
    const month = { beginDate: '20170201', endDate: '20170228' };
    expect((await client.getDailyRetain(day)).refDate).toBe('20170313');
    expect([...(await client.getDailyRetain(day)).visitUv.keys()]).toEqual([0, 1, 2, 3, 4, 5, 6]); // later keys not yet due
    expect((await client.getMonthlyRetain(month)).refDate).toBe('201702');
    expect((await client.getDailyVisitTrend(day)).list[0].refDate).toBe('20170313');
    expect((await client.getMonthlyVisitTrend(month)).list[0].refDate).toBe('201702');
    expect((await client.getDailySummary(day)).list[0]).toEqual(
      expect.objectContaining({
        refDate: '20170313',
        visitTotal: expect.any(Number),
        sharePv: expect.any(Number),
        shareUv: expect.any(Number),
      }),
    );
  });

  test('concurrent requests for the same answer make one call; different answers make their own', async () => {
    const c = clientFor(sim);
    await c.getWeeklyVisitTrend({ beginDate: '20170306', endDate: '20170312' }); // the token, fetched once
    const before = sim.stats.datacubeRequests;
    const week = { beginDate: '20170227', endDate: '20170305' };
    const same = await Promise.all(Array.from({ length: 5 }, () => c.getWeeklyVisitTrend(week)));
    expect(sim.stats.datacubeRequests - before).toBe(1);
    expect(new Set(same.map((r) => JSON.stringify(r))).size).toBe(1);
    await Promise.all([c.getWeeklyVisitTrend({ beginDate: '20170220', endDate: '20170226' }), c.getWeeklyVisitTrend(week)]);
    expect(sim.stats.datacubeRequests - before).toBe(3);
  });

  test('dates are validated before any call', async () => {
    const bad = [
      () => client.getWeeklyRetain({ beginDate: '20170307', endDate: '20170313' }),
      () =>
        client
          .getWeeklyRetain({ beginDate: '20170313', endDate: '20170319' })
          .then(() => client.getWeeklyRetain({ beginDate: '20170320', endDate: '20170326' })),
      () => client.getDailyRetain({ beginDate: '20170319', endDate: '20170320' }),
      () => client.getMonthlyVisitTrend({ beginDate: '20170301', endDate: '20170331' }),
      () => client.getDailySummary({ beginDate: '20170230', endDate: '20170230' }),
    ];
    for (const call of bad) await expect(call()).rejects.toMatchObject({ kind: 'bad_dates' });
    expect(sim.stats.byPath['/datacube/getweanalysisappidweeklyretaininfo']).toBe(1); // only the valid 0313 week
    expect(sim.stats.datacubeRequests).toBe(1);
  });

  test('a 40001 storm: tokens revoked mid-run, one refresh, every call recovers', async () => {
    await client.getWeeklyVisitTrend(WEEK);
    expect(sim.stats.tokenRequests).toBe(1);
    sim.revokeTokens();
    const results = await Promise.all(Array.from({ length: 10 }, () => client.getWeeklyVisitTrend(WEEK)));
    expect(results.every((r) => r.list.length === 1)).toBe(true);
    expect(sim.stats.tokenRequests).toBe(2);
  });

  test.each([
    ['errcode -1', { type: 'errcode', errcode: -1 } as const],
    ['errcode 61503 (data not ready)', { type: 'errcode', errcode: 61503 } as const],
    ['HTTP 502', { type: 'status', status: 502 } as const],
    ['malformed JSON', { type: 'malformed' } as const],
    ['a dropped connection', { type: 'hangup' } as const],
  ])('%s is retried with backoff and the call succeeds', async (_name, fault) => {
    sim.inject('datacube', fault, 2);
    const r = await client.getWeeklyVisitTrend(WEEK);
    expect(r.list).toHaveLength(1);
    expect(sim.stats.datacubeRequests).toBe(3);
  });

  test('retries are bounded', async () => {
    sim.inject('datacube', { type: 'errcode', errcode: -1 }, 10);
    await expect(client.getWeeklyVisitTrend(WEEK)).rejects.toMatchObject({ kind: 'busy' });
    expect(sim.stats.datacubeRequests).toBe(4);
  });

  test.each([
    [45009, 'quota_daily'],
    [45011, 'quota_minute'],
    [40164, 'ip_not_whitelisted'],
    [48001, 'unauthorized'],
    [61501, 'bad_dates'],
  ])('errcode %d is not retried (%s)', async (errcode, kind) => {
    sim.inject('datacube', { type: 'errcode', errcode }, 5);
    await expect(client.getWeeklyVisitTrend(WEEK)).rejects.toMatchObject({ kind, code: errcode });
    expect(sim.stats.datacubeRequests).toBe(1);
  });

  test('every request has a timeout', async () => {
    sim.inject('datacube', { type: 'delay', ms: 1500 }, 10);
    const c = createWeChatClient({
      baseUrl: sim.url,
      appid: sim.appid,
      secret: sim.secret,
      tokenMode: 'stable',
      retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
      now: () => NOW,
      timeoutMs: 200,
    });
    const e = (await c.getWeeklyVisitTrend(WEEK).catch((x: unknown) => x)) as WeChatError;
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/did not answer/);
  });

  test('connection refused is a network error that names the setting to check', async () => {
    const c = createWeChatClient({
      baseUrl: 'http://127.0.0.1:9',
      appid: sim.appid,
      secret: sim.secret,
      tokenMode: 'stable',
      retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
      now: () => NOW,
    });
    const e = (await c.getWeeklyVisitTrend(WEEK).catch((x: unknown) => x)) as WeChatError;
    expect(e).toBeInstanceOf(WeChatError);
    expect(e.kind).toBe('network');
    expect(e.message).toContain('WECHAT_API_BASE_URL');
  });

  test('errors never carry the access_token or the AppSecret', async () => {
    const classic = createWeChatClient({
      baseUrl: sim.url,
      appid: sim.appid,
      secret: sim.secret,
      tokenMode: 'classic',
      retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
      now: () => NOW,
      timeoutMs: 100,
    });
    const token = await classic.tokenCache.get();
    const failures: unknown[] = [];
    for (const fault of [
      { type: 'delay', ms: 300 },
      { type: 'status', status: 500 },
      { type: 'malformed' },
      { type: 'hangup' },
      { type: 'errcode', errcode: 40001 },
    ] as const) {
      sim.inject('datacube', fault, 2);
      failures.push(await classic.getWeeklyVisitTrend(WEEK).catch((x: unknown) => x));
    }
    for (const f of failures) {
      expect(f).toBeInstanceOf(WeChatError);
      const dump = JSON.stringify({ m: (f as Error).message, s: (f as Error).stack, f });
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(sim.secret);
    }
  });
});

describe('retries do not multiply', () => {
  test('a token fetch that keeps failing is retried by the token cache only, not again per datacube attempt', async () => {
    const sim = await startSimulator({ now: () => NOW });
    try {
      sim.inject('token', { type: 'status', status: 502 }, 100);
      const c = createWeChatClient({
        baseUrl: sim.url,
        appid: sim.appid,
        secret: sim.secret,
        tokenMode: 'stable',
        retry: FAST,
        now: () => NOW,
      });
      await expect(c.getWeeklyVisitTrend(WEEK)).rejects.toMatchObject({ kind: 'http' });
      expect(sim.stats.tokenRequests).toBe(FAST.attempts);
      expect(sim.stats.datacubeRequests).toBe(0);
    } finally {
      await sim.close();
    }
  });
});

describe('the ENDPOINTS table drives the client and the simulator', () => {
  let sim: WeChatSimulator;
  let client: WeChatClient;
  beforeEach(async () => {
    sim = await startSimulator({ now: () => NOW });
    client = clientFor(sim);
  });
  afterEach(() => sim.close());

  /** The latest complete period of a row's granularity at NOW, as a range. */
  const rangeFor = (key: EndpointKey) => {
    const p = latestComplete(ENDPOINTS[key].granularity, NOW);
    return { beginDate: p.begin, endDate: p.end };
  };

  test("a row is all an endpoint needs: fetch(key) POSTs the row's path and parses WeChat's answer with the row's parser", async () => {
    const token = await client.tokenCache.get();
    for (const key of ENDPOINT_KEYS) {
      const row = ENDPOINTS[key];
      const r = rangeFor(key);
      const res = await fetch(`${sim.url}/datacube/${row.path}?access_token=${token}`, {
        method: 'POST',
        body: JSON.stringify({ begin_date: r.beginDate, end_date: r.endDate }),
      });
      const raw: unknown = await res.json();
      expect(raw).not.toHaveProperty('errcode'); // the simulator serves the row too
      expect(JSON.stringify(raw)).toMatch(/\d/); // and with figures in it
      const before = sim.stats.byPath[`/datacube/${row.path}`];
      expect(await client.fetch(key, r)).toEqual(row.parse(raw));
      expect(sim.stats.byPath[`/datacube/${row.path}`]).toBe(before + 1);
    }
    expect(sim.stats.datacubeRequests).toBe(2 * ENDPOINT_KEYS.length);
  });

  test("every row's dates are checked against its granularity before any call", async () => {
    for (const key of ENDPOINT_KEYS) {
      const r = rangeFor(key);
      const shifted = { beginDate: addDays(r.beginDate, 1), endDate: addDays(r.endDate, 1) };
      await expect(client.fetch(key, shifted)).rejects.toMatchObject({ kind: 'bad_dates' });
    }
    expect(sim.stats.datacubeRequests).toBe(0);
    expect(sim.stats.tokenRequests).toBe(0);
  });

  test("the table's names are WeChat's documented endpoints", () => {
    const rows = Object.fromEntries(ENDPOINT_KEYS.map((k) => [k, `${ENDPOINTS[k].granularity} ${ENDPOINTS[k].kind} ${ENDPOINTS[k].path}`]));
    expect(rows).toEqual({
      dailyRetain: 'daily retain getweanalysisappiddailyretaininfo',
      weeklyRetain: 'weekly retain getweanalysisappidweeklyretaininfo',
      monthlyRetain: 'monthly retain getweanalysisappidmonthlyretaininfo',
      dailyVisitTrend: 'daily visitTrend getweanalysisappiddailyvisittrend',
      weeklyVisitTrend: 'weekly visitTrend getweanalysisappidweeklyvisittrend',
      monthlyVisitTrend: 'monthly visitTrend getweanalysisappidmonthlyvisittrend',
      dailySummary: 'daily dailySummary getweanalysisappiddailysummarytrend',
      visitDistribution: 'daily visitDistribution getweanalysisappidvisitdistribution',
      visitPage: 'daily visitPage getweanalysisappidvisitpage',
      userPortrait: 'daily userPortrait getweanalysisappiduserportrait',
    });
    expect(() => endpointFor('dailySummary', 'weekly')).toThrow(/no weekly dailySummary endpoint/);
  });

  test('getRetain and getVisitTrend call the endpoint of the period’s granularity', async () => {
    for (const g of GRANULARITIES) {
      const p = latestComplete(g, NOW);
      const retain = await client.getRetain(p);
      expect(retain.visitUvNew.size).toBeGreaterThan(0);
      expect(sim.stats.byPath[`/datacube/getweanalysisappid${g}retaininfo`]).toBe(1);
      expect((await client.getVisitTrend(p)).list).toHaveLength(1);
      expect(sim.stats.byPath[`/datacube/getweanalysisappid${g}visittrend`]).toBe(1);
    }
    expect(sim.stats.datacubeRequests).toBe(6);
  });

  test('answers are cached under the endpoint name and dates, as before the table', async () => {
    const store = new Map<string, unknown>();
    const results: ResultCache = {
      get: async (k) => store.get(k),
      set: async (k, v) => void store.set(k, v),
    };
    const c = createWeChatClient({
      baseUrl: sim.url,
      appid: sim.appid,
      secret: sim.secret,
      tokenMode: 'stable',
      retry: FAST,
      now: () => NOW,
      results,
    });
    const first = await c.fetch('weeklyVisitTrend', WEEK);
    expect(await c.getWeeklyVisitTrend(WEEK)).toEqual(first);
    expect([...store.keys()]).toEqual(['getweanalysisappidweeklyvisittrend:20170306:20170312']);
    expect(sim.stats.datacubeRequests).toBe(1);
  });

  test("fetch's result type follows from the row (checked by tsc)", async () => {
    const retain: RetainResult = await client.fetch('weeklyRetain', WEEK);
    const trend: VisitTrendResult = await client.fetch('weeklyVisitTrend', WEEK);
    // @ts-expect-error a retain row does not give a visit trend
    const wrong: VisitTrendResult = await client.fetch('weeklyRetain', WEEK);
    // @ts-expect-error only keys of ENDPOINTS are endpoints
    await expect(client.fetch('weeklyRetainInfo', WEEK)).rejects.toThrow();
    expect(retain.refDate).toBe('20170306-20170312');
    expect(trend.list).toHaveLength(1);
    expect(wrong).toBeDefined();
  });
});
