import axios from 'axios';
import { addDays } from '../../src/calendar/period';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { chinaMidnight, createWeChatClient, PERF_MODULES, type WeChatClient } from '../../src/wechat/client';
import { parsePerformance, parseUserPortrait, parseVisitDistribution, parseVisitPage } from '../../src/wechat/parse';
import type { PortraitGroup, UserPortraitResult, VisitDistributionResult, VisitPageItem } from '../../src/wechat/types';

// The simulator's new analytics endpoints, called through the real client and checked with the
// parsers: figures agree with the visit trend, answers repeat, WeChat's date rules are enforced.

const NOW = new Date('2017-03-20T04:00:00Z'); // noon in China: yesterday is 20170319
const FAST = { attempts: 2, initialDelayMs: 1, maxDelayMs: 5 };
const DAY = '20170313';

const sum = (l: readonly { value: number }[]) => l.reduce((a, e) => a + e.value, 0);
const dates = (begin: string, end: string) => {
  const out: string[] = [];
  for (let d = begin; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
};

describe('the simulator serves the analytics endpoints', () => {
  let sim: WeChatSimulator;
  let client: WeChatClient;
  let token: string;
  /** A raw call, as WeChat would get it: no client-side date checks. */
  const raw = async (path: string, body: object): Promise<Record<string, unknown>> =>
    (await axios.post(`${sim.url}/${path}`, body, { params: { access_token: token } })).data;
  const datacube = (name: string, begin: string, end: string) => raw(`datacube/${name}`, { begin_date: begin, end_date: end });
  const perf = (module: number | string, begin: string, end: string) =>
    raw('wxa/business/performance/boot', {
      module,
      time: { begin_timestamp: chinaMidnight(begin), end_timestamp: chinaMidnight(end) },
      params: [],
    });

  beforeAll(async () => {
    sim = await startSimulator({ now: () => NOW });
    client = createWeChatClient({
      baseUrl: sim.url,
      appid: sim.appid,
      secret: sim.secret,
      tokenMode: 'stable',
      retry: FAST,
      now: () => NOW,
    });
    token = await client.tokenCache.get();
  });
  afterAll(() => sim.close());

  describe('visit distribution', () => {
    test("sources, stay-time and depth buckets each add up to the day's sessions in the visit trend", async () => {
      const r = await client.getVisitDistribution(DAY);
      const trend = (await client.getDailyVisitTrend({ beginDate: DAY, endDate: DAY })).list[0];
      expect(r.refDate).toBe(DAY);
      expect(sum(r.sourceSessions)).toBe(trend.sessionCnt);
      expect(sum(r.stayTime)).toBe(trend.sessionCnt);
      expect(sum(r.depth)).toBe(trend.sessionCnt);
      expect(r.sourceSessions.length).toBeGreaterThanOrEqual(12);
      expect(r.sourceSessions.length).toBeLessThanOrEqual(21);
      expect(r.stayTime.every((e) => e.key >= 1 && e.key <= 8)).toBe(true);
      expect(r.depth.every((e) => e.key >= 1 && e.key <= 7)).toBe(true);
      // The history list is the biggest source; search, chat and the home screen are big too.
      const top = [...r.sourceSessions].sort((a, b) => b.value - a.value).map((e) => e.key);
      expect(top[0]).toBe(1);
      expect(top.slice(0, 5)).toEqual(expect.arrayContaining([2, 3, 7]));
    });

    test('the same day gives the same answer, and its items are not sorted', async () => {
      const a = await datacube('getweanalysisappidvisitdistribution', DAY, DAY);
      const b = await datacube('getweanalysisappidvisitdistribution', DAY, DAY);
      expect(a).toEqual(b);
      const keys = parseVisitDistribution(a).sourceSessions.map((e) => e.key);
      expect(keys).not.toEqual([...keys].sort((x, y) => x - y));
      expect(keys).not.toEqual([...keys].sort((x, y) => y - x));
    });

    test('over four weeks: an undocumented key now and then, the visitor index missing on some days, movers between weeks', async () => {
      const days = dates('20170220', '20170319');
      const all: VisitDistributionResult[] = [];
      for (const d of days) all.push(await client.getVisitDistribution(d));
      const odd = all.filter((r) => r.sourceSessions.some((e) => e.key > 57));
      expect(odd.length).toBeGreaterThan(0);
      expect(odd.length).toBeLessThan(days.length);
      expect(odd[0].sourceSessions.find((e) => e.key > 57)?.value).toBeGreaterThan(0);
      const withVisitors = all.filter((r) => r.sourceVisitors.length > 0);
      expect(withVisitors.length).toBeGreaterThan(days.length / 2);
      expect(withVisitors.length).toBeLessThan(days.length);
      for (const r of withVisitors) {
        for (const v of r.sourceVisitors) expect(v.value).toBeLessThanOrEqual(r.sourceSessions.find((s) => s.key === v.key)?.value ?? 0);
      }
      // Week over week, some source's share of sessions changes by half or more.
      const shares = (week: VisitDistributionResult[]) => {
        const byKey = new Map<number, number>();
        for (const e of week.flatMap((r) => r.sourceSessions)) byKey.set(e.key, (byKey.get(e.key) ?? 0) + e.value);
        const total = [...byKey.values()].reduce((a, v) => a + v, 0);
        return new Map([...byKey].map(([k, v]) => [k, v / total]));
      };
      const [w3, w4] = [shares(all.slice(14, 21)), shares(all.slice(21, 28))];
      const moves = [...w4].map(([k, s]) => s / (w3.get(k) ?? s));
      expect(moves.some((m) => m >= 1.5 || m <= 0.67)).toBe(true);
    });
  });

  describe('visit pages', () => {
    test("most viewed first, at most 200, no more views than the day's visit trend", async () => {
      const r = await client.getVisitPages(DAY);
      const trend = (await client.getDailyVisitTrend({ beginDate: DAY, endDate: DAY })).list[0];
      expect(r.refDate).toBe(DAY);
      expect(r.list.length).toBeGreaterThanOrEqual(25);
      expect(r.list.length).toBeLessThanOrEqual(40);
      const views = r.list.map((p) => p.pageVisitPv ?? 0);
      expect(views).toEqual([...views].sort((a, b) => b - a));
      expect(sum(views.map((value) => ({ value })))).toBeLessThanOrEqual(trend.visitPv ?? 0);
      expect(r.list[0].pagePath).toBe('pages/index/index');
      expect(r.list.some((p) => p.pagePath.startsWith('packageA/'))).toBe(true);
      for (const p of r.list) {
        if (p.pageVisitUv !== null) expect(p.pageVisitUv).toBeLessThanOrEqual(p.pageVisitPv ?? 0);
        if (p.exitpagePv !== null) expect(p.exitpagePv).toBeLessThanOrEqual(p.pageVisitPv ?? 0);
        if (p.pageShareUv !== null && p.pageSharePv !== null) expect(p.pageShareUv).toBeLessThanOrEqual(p.pageSharePv);
      }
    });

    test('paths that must be escaped: a very long one with markup, one with mrkdwn and a mention; dead-end pages', async () => {
      const r = await client.getVisitPages(DAY);
      const long = r.list.find((p) => p.pagePath.length > 150);
      expect(long?.pagePath).toContain('?id=');
      expect(long?.pagePath).toContain('<script>');
      expect(r.list.some((p) => p.pagePath.includes('*bold*') && p.pagePath.includes('<!channel>'))).toBe(true);
      const exitHeavy = r.list.filter((p) => p.exitpagePv !== null && p.pageVisitPv !== null && p.exitpagePv >= 0.6 * p.pageVisitPv);
      expect(exitHeavy.length).toBeGreaterThan(0);
    });

    test('the same day repeats; over two weeks some rows miss a field (null, not 0)', async () => {
      expect(await datacube('getweanalysisappidvisitpage', DAY, DAY)).toEqual(await datacube('getweanalysisappidvisitpage', DAY, DAY));
      const rows: VisitPageItem[] = [];
      for (const d of dates('20170306', '20170319')) rows.push(...(await client.getVisitPages(d)).list);
      const withGap = rows.filter((p) => [p.pageStaytimePv, p.pageShareUv, p.entrypagePv, p.exitpagePv].includes(null));
      expect(withGap.length).toBeGreaterThan(0);
      expect(withGap.length).toBeLessThan(rows.length / 5);
    });
  });

  describe('user portrait', () => {
    test('1, 7 and 30 days: more people over longer spans, fewer new than active, every dimension filled', async () => {
      const spans: UserPortraitResult[] = [];
      for (const n of [1, 7, 30]) spans.push(await client.getUserPortrait('20170312', n));
      expect(spans.map((r) => r.refDate)).toEqual(['20170312-20170312', '20170306-20170312', '20170211-20170312']);
      const [d1, d7, d30] = spans.map((r) => total(r.visitUv));
      expect(d30).toBeGreaterThan(d7);
      expect(d7).toBeGreaterThan(d1);
      const weekly = (await client.getWeeklyVisitTrend({ beginDate: '20170306', endDate: '20170312' })).list[0];
      expect(d7).toBe(weekly.visitUv); // the same deduplicated visitors as the visit trend
      for (const r of spans) {
        expect(total(r.visitUvNew)).toBeLessThan(total(r.visitUv));
        for (const g of [r.visitUv, r.visitUvNew]) {
          expect(sum(g.platforms)).toBe(total(g));
          expect(sum(g.ages)).toBe(total(g));
          expect(sum(g.province)).toBeLessThan(total(g));
          expect(sum(g.city)).toBeLessThan(sum(g.province));
          expect(g.province.length).toBeGreaterThanOrEqual(12);
          expect(g.city.length).toBeGreaterThanOrEqual(15);
          expect(g.devices.length).toBeGreaterThanOrEqual(10);
        }
      }
    });

    test("WeChat's Chinese names and ids; devices without id", async () => {
      const r = await client.getUserPortrait('20170312', 7);
      const g = r.visitUv;
      expect(new Set(g.genders.map((e) => `${e.id} ${e.name}`))).toEqual(new Set(['0 未知', '1 男', '2 女']));
      expect(new Set(g.platforms.map((e) => `${e.id} ${e.name}`))).toEqual(new Set(['1 iPhone', '2 Android', '3 其他']));
      expect(new Set(g.ages.map((e) => `${e.id} ${e.name}`))).toEqual(
        new Set(['1 17岁以下', '2 18-24岁', '3 25-29岁', '4 30-39岁', '5 40-49岁', '6 50岁以上']),
      );
      expect(g.province).toContainEqual(expect.objectContaining({ id: 31, name: '广东省' }));
      expect(g.city).toContainEqual(expect.objectContaining({ id: 3102, name: '广州' }));
      expect(g.province.map((e) => e.name)).toEqual(expect.arrayContaining(['北京市', '上海市', '浙江省', '江苏省']));
      expect(g.devices.every((e) => e.id === null)).toBe(true);
      expect(g.devices.map((e) => e.name)).toEqual(expect.arrayContaining(['苹果 iPhone 13', '华为 Mate 40', 'OPPO R9']));
      const answer = await datacube('getweanalysisappiduserportrait', '20170306', '20170312');
      expect(answer).toEqual(await datacube('getweanalysisappiduserportrait', '20170306', '20170312'));
      expect(parseUserPortrait(answer)).toEqual(r);
    });

    test('only spans of 1, 7 or 30 days ending at most yesterday: else 61501', async () => {
      const name = 'getweanalysisappiduserportrait';
      expect(await datacube(name, '20170308', '20170312')).toMatchObject({ errcode: 61501 }); // 5 days
      expect(await datacube(name, '20170313', '20170312')).toMatchObject({ errcode: 61501 });
      expect(await datacube(name, '20170320', '20170320')).toMatchObject({ errcode: 61501 }); // today
      expect(await datacube(name, '20170314', '20170320')).toMatchObject({ errcode: 61501 });
      expect(await datacube(name, '20170319', '20170319')).toHaveProperty('ref_date', '20170319-20170319');
      expect(await datacube(name, '20170218', '20170319')).toHaveProperty('ref_date', '20170218-20170319');
    });
  });

  describe('performance', () => {
    test('launch: the total first, then its stages; one point per day at most, in order, plausible milliseconds', async () => {
      const r = await client.getPerformance(PERF_MODULES.launch, '20170220', '20170312');
      expect(r.tables.map((t) => [t.id, t.zh])).toEqual([
        ['launch_total', '启动总耗时'],
        ['download', '代码包下载耗时'],
        ['first_render', '首次渲染耗时'],
      ]);
      const span = dates('20170220', '20170312');
      for (const t of r.tables) {
        expect(t.points.length).toBeGreaterThan(15);
        expect(t.points.length).toBeLessThanOrEqual(span.length);
        expect(t.points.map((p) => p.date)).toEqual(span.filter((d) => t.points.some((p) => p.date === d)));
        expect(t.points.every((p) => p.value !== null && p.value > 100 && p.value < 5000)).toBe(true);
      }
      const [total, download, render] = r.tables.map((t) => t.points);
      total.forEach((p, i) => {
        expect(p.value).toBeGreaterThan((download[i].value ?? 0) + (render[i].value ?? 0));
      });
    });

    test('page switch, memory and memory anomalies; values sent as strings; a day missing now and then', async () => {
      expect((await client.getPerformance(PERF_MODULES.pageSwitch, '20170301', '20170312')).tables.map((t) => [t.id, t.zh])).toEqual([
        ['costtime', '耗时'],
      ]);
      const memory = await client.getPerformance(PERF_MODULES.memory, '20170301', '20170312');
      expect(memory.tables.map((t) => [t.id, t.zh])).toEqual([
        ['memory', '内存均值'],
        ['memorydiff', '内存增长均值'],
      ]);
      expect(memory.tables[0].points.every((p) => p.value !== null && p.value > 100 && p.value < 600)).toBe(true);
      const anomalies = await client.getPerformance(PERF_MODULES.memoryAnomaly, '20170301', '20170312');
      expect(anomalies.tables.map((t) => [t.id, t.zh])).toEqual([['memory_anomaly', '内存异常次数']]);
      expect(anomalies.tables[0].points.every((p) => Number.isInteger(p.value))).toBe(true);

      const answer = await perf('10022', '20170301', '20170312'); // module as a string, like the docs' example
      expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok', data: { body: { count: 2 } } });
      const fields = (answer as { data: { body: { tables: { lines: { fields: { refdate: string; value: unknown }[] }[] }[] } } }).data.body
        .tables[0].lines[0].fields;
      expect(fields.every((f) => typeof f.value === 'string' && /^\d{8}$/.test(f.refdate))).toBe(true);
      expect(parsePerformance(answer)).toEqual(memory);
      expect(await perf(10022, '20170301', '20170312')).toEqual(answer);

      let missing = 0;
      for (const m of Object.values(PERF_MODULES)) {
        const r = parsePerformance(await perf(m, '20170218', '20170319'));
        missing += 30 - r.tables[0].points.length;
      }
      expect(missing).toBeGreaterThan(0);
      expect(missing).toBeLessThan(4 * 30 * 0.2);
    });

    test("WeChat's rules: at most 30 days, ending at most yesterday, a known module; tokens checked", async () => {
      expect(await perf(10017, '20170218', '20170319')).toMatchObject({ errcode: 0 }); // 30 days
      expect(await perf(10017, '20170217', '20170319')).toMatchObject({ errcode: 61501, errmsg: expect.stringContaining('30') }); // 31
      expect(await perf(10017, '20170319', '20170320')).toMatchObject({ errcode: 61501 }); // today
      expect(await perf(10017, '20170312', '20170311')).toMatchObject({ errcode: 61501 });
      expect(await perf(99999, '20170301', '20170312')).toEqual({ errcode: 47001, errmsg: 'data format error' });
      expect(await raw('wxa/business/performance/boot', { module: 10017 })).toMatchObject({ errcode: 47001 });
      const bare = await axios.post(`${sim.url}/wxa/business/performance/boot`, { module: 10017 });
      expect(bare.data).toMatchObject({ errcode: 41001 });
      const stale = await axios.post(`${sim.url}/wxa/business/performance/boot`, { module: 10017 }, { params: { access_token: 'nope' } });
      expect(stale.data).toMatchObject({ errcode: 40001 });
    });

    test('counted and faulted like a datacube call', async () => {
      const before = { all: sim.stats.datacubeRequests, path: sim.stats.byPath['/wxa/business/performance/boot'] ?? 0 };
      sim.inject('datacube', { type: 'errcode', errcode: -1, errmsg: 'system error' });
      expect(await perf(10021, '20170301', '20170312')).toEqual({ errcode: -1, errmsg: 'system error' });
      expect(await perf(10021, '20170301', '20170312')).toMatchObject({ errcode: 0 });
      expect(sim.stats.datacubeRequests).toBe(before.all + 2);
      expect(sim.stats.byPath['/wxa/business/performance/boot']).toBe(before.path + 2);
    });
  });

  test('days before 2017-01-01 answer empty, like the other endpoints', async () => {
    expect(await client.getVisitDistribution('20161231')).toEqual({
      refDate: '20161231',
      sourceSessions: [],
      sourceVisitors: [],
      stayTime: [],
      depth: [],
    });
    expect(await client.getVisitPages('20161231')).toEqual({ refDate: '20161231', list: [] });
    const portrait = await client.getUserPortrait('20161231', 7);
    expect(total(portrait.visitUv) + total(portrait.visitUvNew)).toBe(0);
    expect(await client.getPerformance(PERF_MODULES.launch, '20161202', '20161231')).toEqual({ tables: [] });
    // A span over the first day only has the days from then on.
    const straddle = await client.getPerformance(PERF_MODULES.memory, '20161225', '20170107');
    expect(straddle.tables[0].points.every((p) => p.date >= '20170101')).toBe(true);
  });

  test('days a client must not ask for answer 61501 from the simulator too', async () => {
    expect(await datacube('getweanalysisappidvisitdistribution', '20170320', '20170320')).toMatchObject({ errcode: 61501 });
    expect(await datacube('getweanalysisappidvisitdistribution', '20170312', '20170313')).toMatchObject({ errcode: 61501 });
    expect(await datacube('getweanalysisappidvisitpage', '20170320', '20170320')).toMatchObject({ errcode: 61501 });
    expect(await datacube('getweanalysisappidvisitpage', '20170313', '20170319')).toMatchObject({ errcode: 61501 });
    expect(parseVisitPage(await datacube('getweanalysisappidvisitpage', '20170319', '20170319')).list.length).toBeGreaterThan(0);
  });
});

/** A portrait group's people: every person has a gender bucket (未知 included). */
function total(g: PortraitGroup): number {
  return sum(g.genders);
}
