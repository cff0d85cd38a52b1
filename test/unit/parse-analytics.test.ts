import { parsePerformance, parseUserPortrait, parseVisitDistribution, parseVisitPage } from '../../src/wechat/parse';

// The docs' example answers, verbatim (docs/research/wechat-analytics.md), then the odd answers
// live WeChat gives: sparse, unordered, strings for numbers, fields named as in older docs.

const DOC_DISTRIBUTION = {
  ref_date: '20170313',
  list: [
    {
      index: 'access_source_session_cnt',
      item_list: [
        { key: 10, value: 5 },
        { key: 8, value: 687 },
        { key: 7, value: 10740 },
        { key: 6, value: 1961 },
        { key: 5, value: 677 },
        { key: 4, value: 653 },
        { key: 3, value: 1120 },
        { key: 2, value: 10243 },
        { key: 1, value: 116578 },
      ],
    },
    {
      index: 'access_staytime_info',
      item_list: [
        { key: 8, value: 16329 },
        { key: 7, value: 19322 },
        { key: 6, value: 21832 },
        { key: 5, value: 19539 },
        { key: 4, value: 29670 },
        { key: 3, value: 19667 },
        { key: 2, value: 11794 },
        { key: 1, value: 4511 },
      ],
    },
    {
      index: 'access_depth_info',
      item_list: [
        { key: 5, value: 217 },
        { key: 4, value: 3259 },
        { key: 3, value: 32445 },
        { key: 2, value: 63542 },
        { key: 1, value: 43201 },
      ],
    },
  ],
};

/** Community thread oCJUsw3SXCk7Ypct6UC2F2ZmQMhU, 20210224: four indexes, sparse keys. */
const LIVE_DISTRIBUTION = {
  ref_date: '20210224',
  list: [
    {
      index: 'access_source_session_cnt',
      item_list: [
        { key: 4, value: 1 },
        { key: 1, value: 1 },
      ],
    },
    {
      index: 'access_source_visit_uv',
      item_list: [
        { key: 4, value: 1 },
        { key: 1, value: 1 },
      ],
    },
    {
      index: 'access_staytime_info',
      item_list: [
        { key: 7, value: 1 },
        { key: 6, value: 1 },
      ],
    },
    {
      index: 'access_depth_info',
      item_list: [
        { key: 5, value: 1 },
        { key: 2, value: 1 },
      ],
    },
  ],
};

const DOC_PAGES = {
  ref_date: '20170313',
  list: [
    {
      page_path: 'pages/main/main.html',
      page_visit_pv: 213429,
      page_visit_uv: 55423,
      page_staytime_pv: 8.139198,
      entrypage_pv: 117922,
      exitpage_pv: 61304,
      page_share_pv: 180,
      page_share_uv: 166,
    },
    {
      page_path: 'pages/linedetail/linedetail.html',
      page_visit_pv: 155030,
      page_visit_uv: 42195,
      page_staytime_pv: 35.462395,
      entrypage_pv: 21101,
      exitpage_pv: 47051,
      page_share_pv: 47,
      page_share_uv: 42,
    },
    {
      page_path: 'pages/search/search.html',
      page_visit_pv: 65011,
      page_visit_uv: 24716,
      page_staytime_pv: 6.889634,
      entrypage_pv: 1811,
      exitpage_pv: 3198,
      page_share_pv: 0,
      page_share_uv: 0,
    },
    {
      page_path: 'pages/stationdetail/stationdetail.html',
      page_visit_pv: 29953,
      page_visit_uv: 9695,
      page_staytime_pv: 7.558508,
      entrypage_pv: 1386,
      exitpage_pv: 2285,
      page_share_pv: 0,
      page_share_uv: 0,
    },
    {
      page_path: 'pages/switch-city/switch-city.html',
      page_visit_pv: 8928,
      page_visit_uv: 4017,
      page_staytime_pv: 9.22659,
      entrypage_pv: 748,
      exitpage_pv: 1613,
      page_share_pv: 0,
      page_share_uv: 0,
    },
  ],
};

const DOC_PORTRAIT = {
  ref_date: '20170611',
  visit_uv_new: {
    province: [{ id: 31, name: '广东省', value: 215 }],
    city: [{ id: 3102, name: '广州', value: 78 }],
    genders: [{ id: 1, name: '男', value: 2146 }],
    platforms: [{ id: 1, name: 'iPhone', value: 27642 }],
    devices: [{ name: 'OPPO R9', value: 61 }],
    ages: [{ id: 1, name: '17岁以下', value: 151 }],
  },
  visit_uv: {
    province: [{ id: 31, name: '广东省', value: 1341 }],
    city: [{ id: 3102, name: '广州', value: 234 }],
    genders: [{ id: 1, name: '男', value: 14534 }],
    platforms: [{ id: 1, name: 'iPhone', value: 21750 }],
    devices: [{ name: 'OPPO R9', value: 617 }],
    ages: [{ id: 1, name: '17岁以下', value: 3156 }],
  },
};

const DOC_PERFORMANCE = {
  errcode: 0,
  errmsg: 'ok',
  data: {
    body: {
      tables: [
        {
          id: 'memorydiff',
          lines: [
            {
              fields: [
                { refdate: '20210103', value: '70.7778' },
                { refdate: '20210104', value: '72.0446' },
              ],
            },
          ],
          zh: '内存增长均值',
        },
        {
          id: 'memory',
          lines: [
            {
              fields: [
                { refdate: '20210103', value: '314' },
                { refdate: '20210104', value: '302.3218' },
              ],
            },
          ],
          zh: '内存均值',
        },
      ],
      count: 2,
    },
  },
};

const GARBAGE: unknown[] = [null, undefined, 42, 'nope', [], [1, 2], { list: 'x' }, { list: [null, 7, 'a'] }, { data: 5 }, true];

describe('parseVisitDistribution', () => {
  test("the docs' example: every index and item, in WeChat's order; no visitor index", () => {
    const r = parseVisitDistribution(DOC_DISTRIBUTION);
    expect(r.refDate).toBe('20170313');
    expect(r.sourceSessions).toEqual([
      { key: 10, value: 5 },
      { key: 8, value: 687 },
      { key: 7, value: 10740 },
      { key: 6, value: 1961 },
      { key: 5, value: 677 },
      { key: 4, value: 653 },
      { key: 3, value: 1120 },
      { key: 2, value: 10243 },
      { key: 1, value: 116578 },
    ]);
    expect(r.sourceVisitors).toEqual([]);
    expect(r.stayTime.map((e) => e.key)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(r.stayTime.reduce((a, e) => a + e.value, 0)).toBe(142664);
    expect(r.stayTime[4]).toEqual({ key: 4, value: 29670 });
    expect(r.depth).toEqual([
      { key: 5, value: 217 },
      { key: 4, value: 3259 },
      { key: 3, value: 32445 },
      { key: 2, value: 63542 },
      { key: 1, value: 43201 },
    ]);
  });

  test('the real-world answer with four indexes: access_source_visit_uv is read as visitors by source', () => {
    const r = parseVisitDistribution(LIVE_DISTRIBUTION);
    expect(r).toEqual({
      refDate: '20210224',
      sourceSessions: [
        { key: 4, value: 1 },
        { key: 1, value: 1 },
      ],
      sourceVisitors: [
        { key: 4, value: 1 },
        { key: 1, value: 1 },
      ],
      stayTime: [
        { key: 7, value: 1 },
        { key: 6, value: 1 },
      ],
      depth: [
        { key: 5, value: 1 },
        { key: 2, value: 1 },
      ],
    });
  });

  test('value before key, string numbers, an undocumented key kept, an unknown index ignored, bad items skipped', () => {
    const r = parseVisitDistribution({
      ref_date: '20170313',
      list: [
        { index: 'access_new_thing', item_list: [{ key: 1, value: 99 }] },
        {
          index: 'access_source_session_cnt',
          item_list: [
            { value: 12, key: 3 },
            { value: '40', key: '1' },
            { key: 63, value: 2 },
            { key: 2 },
            { key: 'x', value: 1 },
            { key: 1.5, value: 1 },
            null,
          ],
        },
        { item_list: [{ key: 1, value: 1 }] },
        'garbage',
      ],
    });
    expect(r.sourceSessions).toEqual([
      { key: 3, value: 12 },
      { key: 1, value: 40 },
      { key: 63, value: 2 },
    ]);
    expect(r.sourceVisitors).toEqual([]);
    expect(r.stayTime).toEqual([]);
    expect(r.depth).toEqual([]);
  });

  test('the cloud-call spelling (refDate, itemList) parses the same', () => {
    const r = parseVisitDistribution({ refDate: '20170313', list: [{ index: 'access_depth_info', itemList: [{ key: 2, value: 5 }] }] });
    expect(r.refDate).toBe('20170313');
    expect(r.depth).toEqual([{ key: 2, value: 5 }]);
  });

  test('garbage never throws and gives an empty result', () => {
    for (const g of GARBAGE) {
      expect(parseVisitDistribution(g)).toEqual({ refDate: '', sourceSessions: [], sourceVisitors: [], stayTime: [], depth: [] });
    }
  });
});

describe('parseVisitPage', () => {
  test("the docs' example: every page and figure, stay time as a float", () => {
    const r = parseVisitPage(DOC_PAGES);
    expect(r.refDate).toBe('20170313');
    expect(r.list).toHaveLength(5);
    expect(r.list[0]).toEqual({
      pagePath: 'pages/main/main.html',
      pageVisitPv: 213429,
      pageVisitUv: 55423,
      pageStaytimePv: 8.139198,
      entrypagePv: 117922,
      exitpagePv: 61304,
      pageSharePv: 180,
      pageShareUv: 166,
    });
    expect(r.list[1]).toEqual({
      pagePath: 'pages/linedetail/linedetail.html',
      pageVisitPv: 155030,
      pageVisitUv: 42195,
      pageStaytimePv: 35.462395,
      entrypagePv: 21101,
      exitpagePv: 47051,
      pageSharePv: 47,
      pageShareUv: 42,
    });
    expect(r.list.map((p) => p.pagePath)).toEqual([
      'pages/main/main.html',
      'pages/linedetail/linedetail.html',
      'pages/search/search.html',
      'pages/stationdetail/stationdetail.html',
      'pages/switch-city/switch-city.html',
    ]);
    expect(r.list[4]).toMatchObject({ pageVisitPv: 8928, pageStaytimePv: 9.22659, exitpagePv: 1613, pageSharePv: 0, pageShareUv: 0 });
  });

  test('missing figures are null, string figures are numbers, rows without a path are dropped, paths kept verbatim', () => {
    const odd = 'pages/promo/*bold*_<!channel>&`x`?id=1&from=<script>';
    const r = parseVisitPage({
      ref_date: '20170313',
      list: [
        { page_path: odd, page_visit_pv: '120', page_staytime_pv: '3.5', exitpage_pv: null },
        { page_visit_pv: 5 },
        { page_path: '', page_visit_pv: 5 },
        7,
      ],
    });
    expect(r.list).toEqual([
      {
        pagePath: odd,
        pageVisitPv: 120,
        pageVisitUv: null,
        pageStaytimePv: 3.5,
        entrypagePv: null,
        exitpagePv: null,
        pageSharePv: null,
        pageShareUv: null,
      },
    ]);
  });

  test('garbage never throws and gives an empty result', () => {
    for (const g of GARBAGE) expect(parseVisitPage(g)).toEqual({ refDate: '', list: [] });
  });
});

describe('parseUserPortrait', () => {
  test("the docs' example: both groups, every dimension, devices without id", () => {
    const r = parseUserPortrait(DOC_PORTRAIT);
    expect(r.refDate).toBe('20170611');
    expect(r.visitUvNew).toEqual({
      province: [{ id: 31, name: '广东省', value: 215 }],
      city: [{ id: 3102, name: '广州', value: 78 }],
      genders: [{ id: 1, name: '男', value: 2146 }],
      platforms: [{ id: 1, name: 'iPhone', value: 27642 }],
      devices: [{ id: null, name: 'OPPO R9', value: 61 }],
      ages: [{ id: 1, name: '17岁以下', value: 151 }],
    });
    expect(r.visitUv).toEqual({
      province: [{ id: 31, name: '广东省', value: 1341 }],
      city: [{ id: 3102, name: '广州', value: 234 }],
      genders: [{ id: 1, name: '男', value: 14534 }],
      platforms: [{ id: 1, name: 'iPhone', value: 21750 }],
      devices: [{ id: null, name: 'OPPO R9', value: 617 }],
      ages: [{ id: 1, name: '17岁以下', value: 3156 }],
    });
  });

  test("a range ref_date, the old docs' count name access_source_visit_uv, string numbers, entries without a count skipped", () => {
    const r = parseUserPortrait({
      ref_date: '20170306-20170312',
      visit_uv: {
        genders: [
          { id: 2, name: '女', access_source_visit_uv: 30 },
          { id: '1', name: '男', value: '25' },
          { id: 0, name: '未知' },
        ],
        devices: [{ name: '华为 Mate 40', value: 4 }],
        province: 'not a list',
      },
    });
    expect(r.refDate).toBe('20170306-20170312');
    expect(r.visitUv.genders).toEqual([
      { id: 2, name: '女', value: 30 },
      { id: 1, name: '男', value: 25 },
    ]);
    expect(r.visitUv.devices).toEqual([{ id: null, name: '华为 Mate 40', value: 4 }]);
    expect(r.visitUv.province).toEqual([]);
    expect(r.visitUvNew).toEqual({ province: [], city: [], genders: [], platforms: [], devices: [], ages: [] });
  });

  test('garbage never throws and gives an empty result', () => {
    const empty = { province: [], city: [], genders: [], platforms: [], devices: [], ages: [] };
    for (const g of GARBAGE) expect(parseUserPortrait(g)).toEqual({ refDate: '', visitUvNew: empty, visitUv: empty });
  });
});

describe('parsePerformance', () => {
  test("the docs' example: both tables, string values read as numbers, both days", () => {
    expect(parsePerformance(DOC_PERFORMANCE)).toEqual({
      tables: [
        {
          id: 'memorydiff',
          zh: '内存增长均值',
          points: [
            { date: '20210103', value: 70.7778 },
            { date: '20210104', value: 72.0446 },
          ],
        },
        {
          id: 'memory',
          zh: '内存均值',
          points: [
            { date: '20210103', value: 314 },
            { date: '20210104', value: 302.3218 },
          ],
        },
      ],
    });
  });

  test('data (or data.body) sent as a JSON string is parsed once', () => {
    const asString = { errcode: 0, data: JSON.stringify(DOC_PERFORMANCE.data) };
    expect(parsePerformance(asString)).toEqual(parsePerformance(DOC_PERFORMANCE));
    const bodyString = { data: { body: JSON.stringify(DOC_PERFORMANCE.data.body) } };
    expect(parsePerformance(bodyString)).toEqual(parsePerformance(DOC_PERFORMANCE));
    expect(parsePerformance({ data: '{not json' })).toEqual({ tables: [] });
  });

  test('a bad value is null, a bad date is skipped, several lines are joined, a table without lines has no points', () => {
    const r = parsePerformance({
      data: {
        body: {
          tables: [
            {
              id: 'costtime',
              zh: '耗时',
              lines: [
                { fields: [{ refdate: '20170301', value: 'n/a' }, { refdate: '2017-03-02', value: '1' }, { value: '2' }] },
                { fields: [{ refdate: '20170303', value: 410.5 }] },
                'junk',
              ],
            },
            { id: 'memory_anomaly', zh: '内存异常次数' },
            7,
          ],
        },
      },
    });
    expect(r.tables).toEqual([
      {
        id: 'costtime',
        zh: '耗时',
        points: [
          { date: '20170301', value: null },
          { date: '20170303', value: 410.5 },
        ],
      },
      { id: 'memory_anomaly', zh: '内存异常次数', points: [] },
    ]);
  });

  test('an error answer and garbage never throw and give no tables', () => {
    expect(parsePerformance({ errcode: 47001, errmsg: 'data format error' })).toEqual({ tables: [] });
    for (const g of GARBAGE) expect(parsePerformance(g)).toEqual({ tables: [] });
  });
});
