import { periodContaining } from '../../src/calendar/period';
import { buildCohorts, type CohortsData } from '../../src/reports/cohorts';
import { buildDigest, type DigestData } from '../../src/reports/digest';
import { awaitsData, type ReportRequest } from '../../src/reports/model';
import { buildPages, pageRows } from '../../src/reports/pages';
import { Parts } from '../../src/reports/parts';
import { buildPerf, perfSeries, pickTable } from '../../src/reports/perf';
import { buildSources, movers, sourceRows } from '../../src/reports/sources';
import { buildUsers } from '../../src/reports/users';
import { WeChatError } from '../../src/wechat/errors';
import type { PortraitGroup, VisitDistributionResult, VisitPageItem } from '../../src/wechat/types';

const META = { appName: 'Demo', sandbox: false };
const day = (d: string): ReportRequest => ({ kind: 'sources', period: periodContaining('daily', d), notes: [] });

function dist(sessions: [number, number][], o: Partial<VisitDistributionResult> = {}): VisitDistributionResult {
  return {
    refDate: '',
    sourceSessions: sessions.map(([key, value]) => ({ key, value })),
    sourceVisitors: [],
    stayTime: [],
    depth: [],
    ...o,
  };
}

function page(path: string, pv: number, exit: number, stay = 10, more: Partial<VisitPageItem> = {}): VisitPageItem {
  return {
    pagePath: path,
    pageVisitPv: pv,
    pageVisitUv: Math.round(pv / 2),
    pageStaytimePv: stay,
    entrypagePv: Math.round(pv / 4),
    exitpagePv: exit,
    pageSharePv: 3,
    pageShareUv: 2,
    ...more,
  };
}

describe('sources', () => {
  test('ranked by sessions with share of the day and change against the same weekday a week earlier', () => {
    const rows = sourceRows(
      [
        { key: 2, value: 300 },
        { key: 1, value: 600 },
        { key: 63, value: 100 },
      ],
      [{ key: 1, value: 250 }],
      [
        { key: 1, value: 500 },
        { key: 2, value: 400 },
        { key: 7, value: 50 },
      ],
    );
    expect(rows.map((r) => r.key)).toEqual([1, 2, 63, 7]);
    expect(rows[0]).toEqual({ key: 1, sessions: { value: 600, previous: 500, change: 0.2 }, visitors: 250, share: 0.6 });
    // An undocumented key is kept; a source gone since last week shows with 0 now.
    expect(rows[2]).toMatchObject({ key: 63, sessions: { value: 100, previous: 0, change: null }, share: 0.1 });
    expect(rows[3]).toMatchObject({ key: 7, sessions: { value: 0, previous: 50, change: -1 } });
    // Movers by absolute change: +100 (1), +100 (63), -100 (2), -50 (7).
    expect(movers(rows).map((r) => r.key)).toEqual([1, 63, 2, 7]);
  });

  test('without a comparison (its call failed) there is no change and no movers, and a note says what is missing', async () => {
    const parts = new Parts();
    await parts.get('comparison', Promise.reject(new WeChatError('quota_daily', 'daily quota')));
    const r = buildSources(day('20170313'), { day: dist([[1, 10]], { stayTime: [{ key: 1, value: 3 }] }), weekBefore: null }, META, parts);
    expect(r.sources[0].sessions).toEqual({ value: 10, previous: null, change: null });
    expect(r.movers).toEqual([]);
    expect(r.notes).toEqual([{ kind: 'part_missing', part: 'comparison', error: 'quota_daily' }]);
    expect(r.stayTime).toEqual([{ key: 1, value: 3, share: 1 }]);
    expect(r.comparedWith.begin).toBe('20170306');
  });

  test('an empty day is empty, with a no-data note', () => {
    const r = buildSources(day('20170313'), { day: dist([]), weekBefore: null }, META, new Parts());
    expect(r.empty).toBe(true);
    expect(r.totalSessions).toBeNull();
    expect(r.notes.map((n) => n.kind)).toEqual(['no_data']);
  });
});

describe('pages', () => {
  test('sorted by page views; exit-heavy needs half the views to exit and 1% of all views', () => {
    const list = [
      page('a', 100, 10),
      page('b', 1000, 600),
      page('tiny', 5, 5),
      ...Array.from({ length: 10 }, (_, i) => page(`p${i}`, 80, 0)),
    ];
    const r = buildPages({ ...day('20170313'), kind: 'pages' }, list, META);
    expect(r.pages[0]).toMatchObject({ path: 'b', pageViews: 1000, exitShare: 0.6, exitHeavy: true, entryShare: 0.25, change: null });
    expect(r.pages.find((p) => p.path === 'tiny')?.exitHeavy).toBe(false);
    expect(r.pages.find((p) => p.path === 'a')?.exitHeavy).toBe(false);
    expect(r.totalPageViews).toBe(1905);
  });

  test('summed over days: stay time weighted by views, change against the previous days', () => {
    const rows = pageRows([[page('x', 100, 0, 10)], [page('x', 300, 0, 30)]], [[page('x', 200, 0)]]);
    expect(rows[0]).toMatchObject({ pageViews: 400, stayTime: 25, change: 1 });
  });

  test('WeChat lists up to 200 pages: the model keeps the top 50 and says how many there were', () => {
    const list = Array.from({ length: 200 }, (_, i) => page(`p${i}`, 1000 - i, 0));
    const r = buildPages({ ...day('20170313'), kind: 'pages' }, list, META);
    expect(r.pages).toHaveLength(50);
    expect(r.pageCount).toBe(200);
  });

  test('a day without a stay time does not count as 0 s in a multi-day average', () => {
    const rows = pageRows([[page('x', 100, 0, 10)], [page('x', 100, 0, 10, { pageStaytimePv: null })]], null);
    expect(rows[0]).toMatchObject({ pageViews: 200, stayTime: 10 });
  });

  test('a field WeChat left out stays null', () => {
    const rows = pageRows([[page('x', 100, 0, 10, { exitpagePv: null, pageVisitUv: null })]], null);
    expect(rows[0]).toMatchObject({ exits: null, exitShare: null, visitors: null, exitHeavy: false });
  });
});

describe('users', () => {
  const group = (scale: number): PortraitGroup => ({
    province: [
      { id: 11, name: '北京市', value: 30 * scale },
      { id: 31, name: '广东省', value: 70 * scale },
    ],
    city: [],
    genders: [
      { id: 2, name: '女', value: 55 * scale },
      { id: 1, name: '男', value: 45 * scale },
    ],
    platforms: [{ id: 1, name: 'iPhone', value: 100 * scale }],
    devices: [{ id: null, name: 'OPPO R9', value: 7 * scale }],
    ages: [
      { id: 3, name: '25-29岁', value: 60 * scale },
      { id: 1, name: '17岁以下', value: 40 * scale },
    ],
  });

  test('largest first with shares; ages in band order; total from genders or platforms', () => {
    const r = buildUsers(
      { kind: 'users', period: periodContaining('daily', '20170312'), span: 7, notes: [] },
      { refDate: '', visitUvNew: group(1), visitUv: group(10) },
      META,
    );
    expect(r.begin).toBe('20170306');
    expect(r.activeUsers.total).toBe(1000);
    expect(r.activeUsers.provinces.map((s) => [s.name, s.share])).toEqual([
      ['广东省', 0.7],
      ['北京市', 0.3],
    ]);
    expect(r.activeUsers.ages.map((s) => s.id)).toEqual([1, 3]);
    expect(r.newUsers.genders[0]).toEqual({ id: 2, name: '女', value: 55, share: 0.55 });
    expect(r.empty).toBe(false);
  });

  test('provinces are shares of all users (WeChat lists only the top ones), and the count says how many it listed', () => {
    const g = group(1);
    g.province = Array.from({ length: 30 }, (_, i) => ({ id: i, name: `省${i}`, value: 2 }));
    const r = buildUsers(
      { kind: 'users', period: periodContaining('daily', '20170312'), span: 1, notes: [] },
      { refDate: '', visitUvNew: g, visitUv: g },
      META,
    );
    expect(r.activeUsers.provinces).toHaveLength(20);
    expect(r.activeUsers.counts.provinces).toBe(30);
    expect(r.activeUsers.provinces[0].share).toBe(0.02); // 2 of 100 users, not 2 of the 60 listed
  });
});

describe('perf', () => {
  test('one point per day, gaps stay null; average, latest and the change of the second half against the first', () => {
    const s = perfSeries(
      'memory',
      {
        id: 'memory',
        zh: '内存均值',
        points: [
          { date: '20170301', value: 100 },
          { date: '20170302', value: 100 },
          { date: '20170304', value: 150 },
        ],
      },
      '20170301',
      '20170304',
    );
    expect(s.points.map((p) => p.value)).toEqual([100, 100, null, 150]);
    expect(s).toMatchObject({ unit: 'MB', name: '内存均值', average: 350 / 3, latest: 150, change: 0.5 });
  });

  test('the documented table where there is one, else the first', () => {
    const t = (id: string, zh = '') => ({ id, zh, points: [] });
    expect(pickTable('memory', [t('memorydiff'), t('memory')])?.id).toBe('memory');
    expect(pickTable('launch', [t('download', '下载耗时'), t('x', '启动总耗时')])?.id).toBe('x');
    expect(pickTable('memoryAnomaly', [t('a'), t('b')])?.id).toBe('a');
    expect(pickTable('pageSwitch', [])).toBeUndefined();
  });

  test('a module that failed is a missing part; no figures at all is empty', async () => {
    const parts = new Parts();
    await parts.get('memoryAnomaly', Promise.reject(new WeChatError('unauthorized', 'no permission')));
    const r = buildPerf(
      { kind: 'perf', period: periodContaining('daily', '20170307'), span: 7, notes: [] },
      { begin: '20170301', tables: {} },
      META,
      parts,
    );
    expect(r.series.map((s) => s.metric)).toEqual(['launch', 'pageSwitch', 'memory', 'memoryAnomaly']);
    expect(r.empty).toBe(true);
    expect(r.notes.map((n) => n.kind)).toEqual(['part_missing', 'no_data']);
  });
});

describe('cohorts', () => {
  const req: ReportRequest = { kind: 'cohorts', period: periodContaining('weekly', '20170306'), notes: [] };
  const retain = (size: number, back: number[]) => ({
    refDate: '',
    visitUv: new Map<number, number>(),
    visitUvNew: new Map([[0, size], ...back.map((v, i): [number, number] => [i + 1, v])]),
  });

  test('shares per offset; a cell whose week has not ended is blank whatever WeChat sent', () => {
    const periods = [periodContaining('weekly', '20170227'), req.period];
    const data: CohortsData = { periods, retain: [retain(100, [40, 30, 20, 10]), retain(200, [0, 0, 0, 0])] };
    const now = new Date('2017-03-20T04:00:00Z'); // Monday 2017-03-20: weeks to 03-19 are over
    const r = buildCohorts(req, data, { ...META, now }, new Parts());
    expect(r.offsets).toEqual([1, 2, 3, 4]);
    expect(r.cohorts[0].shares).toEqual([0.4, 0.3, null, null]);
    expect(r.cohorts[1]).toMatchObject({ size: 200, shares: [0, null, null, null] });
  });

  test('a cohort whose call failed is a row with no figures, and one note', async () => {
    const parts = new Parts();
    await parts.get('cohorts', Promise.reject(new WeChatError('busy', 'busy')));
    await parts.get('cohorts', Promise.reject(new WeChatError('busy', 'busy')));
    const r = buildCohorts(req, { periods: [req.period], retain: [null] }, { ...META, now: new Date('2018-01-01') }, parts);
    expect(r.cohorts[0]).toMatchObject({ size: null, shares: [null, null, null, null] });
    expect(r.notes.filter((n) => n.kind === 'part_missing')).toHaveLength(1);
  });
});

describe('digest', () => {
  test('sources and pages summed over the week against the week before; retention of last week’s new users', () => {
    const period = periodContaining('weekly', '20170306');
    const req: ReportRequest = { kind: 'digest', period, notes: [] };
    const trendPeriods = [periodContaining('weekly', '20170227'), period];
    const visit = (uv: number) => ({
      refDate: '',
      sessionCnt: uv * 2,
      visitPv: uv * 5,
      visitUv: uv,
      visitUvNew: uv / 10,
      stayTimeUv: 100,
      stayTimeSession: 50,
      visitDepth: 2.5,
    });
    const data: DigestData = {
      trendPeriods,
      trend: [visit(1000), visit(1200)],
      retain: [
        {
          refDate: '',
          visitUv: new Map(),
          visitUvNew: new Map([
            [0, 200],
            [1, 50],
          ]),
        },
        {
          refDate: '',
          visitUv: new Map(),
          visitUvNew: new Map([
            [0, 100],
            [1, 20],
          ]),
        },
      ],
      sources: {
        now: [
          dist([
            [1, 10],
            [2, 5],
          ]),
          dist([[1, 10]]),
        ],
        before: [dist([[2, 30]])],
      },
      pages: { now: [[page('a', 10, 1)], [page('a', 20, 1), page('b', 50, 1)]], before: [[page('a', 15, 1)]] },
    };
    const r = buildDigest(req, data, META, new Parts());
    expect(r.kpis.find((f) => f.key === 'visitUv')).toMatchObject({ value: 1200, previous: 1000, change: 0.2 });
    expect(r.retention).toEqual({ cohort: trendPeriods[0], size: 200, returned: 50, share: 0.25, shareBefore: 0.2 });
    expect(r.sources.map((s) => [s.key, s.sessions.value, s.sessions.previous])).toEqual([
      [1, 20, 0],
      [2, 5, 30],
    ]);
    expect(r.movers.map((s) => s.key)).toEqual([2, 1]);
    expect(r.pages.map((p) => [p.path, p.pageViews, p.change])).toEqual([
      ['b', 50, null],
      ['a', 30, 1],
    ]);
    expect(r.trend.map((t) => t.visitUv)).toEqual([1000, 1200]);
  });

  test('a week with some days empty (not ready in disguise) leaves that part out rather than show a false drop', () => {
    const period = periodContaining('weekly', '20170306');
    const parts = new Parts();
    const r = buildDigest(
      { kind: 'digest', period, notes: [] },
      {
        trendPeriods: [period],
        trend: null,
        retain: null,
        sources: { now: [dist([[1, 10]]), dist([])], before: [dist([[1, 10]]), dist([[1, 10]])] },
        pages: { now: [[page('a', 10, 1)], [page('a', 10, 1)]], before: [[page('a', 10, 1)], []] },
      },
      META,
      parts,
    );
    expect(r.sources).toEqual([]);
    expect(r.pages).toEqual([]);
    expect(r.notes).toEqual(
      expect.arrayContaining([
        { kind: 'part_missing', part: 'sources', error: 'not_ready' },
        { kind: 'part_missing', part: 'pages', error: 'not_ready' },
      ]),
    );
    expect(awaitsData(r)).toBe(true);
  });

  test('parts that failed are left out with notes; the report still builds', () => {
    const period = periodContaining('daily', '20170313');
    const r = buildDigest(
      { kind: 'digest', period, notes: [] },
      { trendPeriods: [period], trend: null, retain: null, sources: null, pages: null },
      META,
      new Parts(),
    );
    expect(r.retention).toBeNull();
    expect(r.sources).toEqual([]);
    expect(r.kpis.every((f) => f.value === null)).toBe(true);
    expect(r.empty).toBe(true);
  });
});

describe('Parts', () => {
  test('when every part fails, the first error is thrown', async () => {
    const parts = new Parts();
    const first = new WeChatError('quota_daily', 'daily quota');
    await parts.get('kpis', Promise.reject(first));
    await parts.get('pages', Promise.reject(new Error('other')));
    expect(() => parts.assertAny()).toThrow(first);
    const ok = new Parts();
    await ok.get('kpis', Promise.reject(first));
    await ok.get('pages', Promise.resolve(1));
    expect(() => ok.assertAny()).not.toThrow();
  });
});
