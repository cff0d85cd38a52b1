import { mkdirSync, writeFileSync } from 'node:fs';
import { loadImage, createCanvas } from 'canvas';
import { addDays, periodContaining, periodsEnding, type Period } from '../../src/calendar/period';
import type {
  CohortsReport,
  DigestReport,
  PagesReport,
  PageRow,
  PerfReport,
  PerfSeries,
  Portrait,
  PortraitSlice,
  Report,
  SourceRow,
  SourcesReport,
  TrendPoint,
  TrendReport,
  UsersReport,
} from '../../src/reports/model';
import { PIXEL_RATIO, renderChart } from '../../src/render/chart';
import { cellRect, heatmapLayout } from '../../src/render/charts/cohorts';
import { chartKey, createChartRenderer } from '../../src/render/pool';
import { chartTexts } from '../../src/render/texts';
import { PNG_SIGNATURE, pngSize } from '../helpers/harness';

const OUT = '/tmp/charts';
const day = periodContaining('daily', '20170306');
const week = periodContaining('weekly', '20170306');
const base = { appName: '示例小程序', sandbox: false, empty: false, notes: [] };

function trendPoints(p: Period, n: number, scale = 1): TrendPoint[] {
  return periodsEnding(p, n).map((q, i) => ({
    period: q,
    label: `${q.begin.slice(4, 6)}-${q.begin.slice(6, 8)}`,
    visitUv: Math.round((180000 + i * 2100 - (i % 3) * 4000) * scale),
    visitUvNew: Math.round((42000 + i * 900) * scale),
    sessionCnt: Math.round((910000 + i * 12000) * scale),
    visitPv: 3_000_000 + i,
  }));
}

function visits(): TrendReport {
  return {
    ...base,
    kind: 'visits',
    period: week,
    previous: periodsEnding(week, 2)[0],
    retention: null,
    visits: [],
    trend: trendPoints(week, 8),
    summary: null,
  };
}

function sourceRow(key: number, value: number | null, previous: number | null): SourceRow {
  return {
    key,
    sessions: { value, previous, change: value !== null && previous ? (value - previous) / previous : null },
    visitors: value === null ? null : Math.round(value * 0.7),
    share: null,
  };
}

function sources(scale = 1): SourcesReport {
  const rows = [
    [1001, 9000, 9800],
    [3, 41234, 38000],
    [2, 28876, 30120],
    [1, 21000, 19500],
    [4, 15432, 12001],
    [18, 9800, 11200],
    [7, 6400, 6100],
    [46, 5100, 2400],
    [34, 3100, 3300],
    [35, 2200, null],
    [56, 1800, 1700],
    [8, 900, 1000],
  ].map(([k, v, p]) => sourceRow(k as number, Math.round((v as number) * scale), p));
  rows.sort((a, b) => (b.sessions.value ?? 0) - (a.sessions.value ?? 0));
  return {
    ...base,
    kind: 'sources',
    period: day,
    comparedWith: periodContaining('daily', addDays(day.begin, -7)),
    sources: rows,
    totalSessions: rows.reduce((t, r) => t + (r.sessions.value ?? 0), 0),
    movers: rows.slice(0, 3),
    stayTime: [],
    depth: [],
  };
}

function page(path: string, views: number, exitShare: number, exitHeavy = false): PageRow {
  return {
    path,
    pageViews: views,
    visitors: Math.round(views * 0.6),
    stayTime: 12.5,
    entries: Math.round(views * 0.3),
    exits: Math.round(views * exitShare),
    entryShare: 0.3,
    exitShare,
    shares: 10,
    shareUsers: 8,
    change: null,
    exitHeavy,
  };
}

function pages(paths?: string[]): PagesReport {
  const names = paths ?? [
    'pages/index/index',
    'pages/goods/detail',
    'pages/cart/cart',
    'pages/order/confirm',
    'pages/user/center',
    'pages/search/result',
    'packageA/pages/activity/spring-festival-2017/landing',
    'pages/coupon/list',
    'pages/order/pay-result',
    'pages/about/about',
    'pages/help/faq',
  ];
  return {
    ...base,
    kind: 'pages',
    period: day,
    pages: names.map((p, i) => page(p, Math.round(52000 / (i + 1)), 0.15 + (i % 4) * 0.12, i === 3 || i === 8)),
    pageCount: names.length,
    totalPageViews: 180000,
  };
}

const slice = (name: string, value: number, share: number | null = null, id: number | null = null): PortraitSlice => ({
  id,
  name,
  value,
  share,
});

function portrait(scale: number): Portrait {
  const s = (n: number) => Math.round(n * scale);
  return {
    total: s(120000),
    genders: [slice('男', s(64000), 0.533, 1), slice('女', s(52000), 0.433, 2), slice('未知', s(4000), 0.033, 0)],
    platforms: [slice('iPhone', s(70000)), slice('Android', s(49000)), slice('其他', s(1000))],
    ages: [
      slice('17岁以下', s(5000)),
      slice('18-24岁', s(30000)),
      slice('25-29岁', s(36000)),
      slice('30-39岁', s(31000)),
      slice('40-49岁', s(12000)),
      slice('50岁以上', s(6000)),
    ],
    provinces: [
      '广东省',
      '浙江省',
      '江苏省',
      '北京市',
      '上海市',
      '四川省',
      '山东省',
      '湖北省',
      '河南省',
      '福建省',
      '湖南省',
      '新疆维吾尔自治区',
    ].map((n, i) => slice(n, s(26000 - i * 2000))),
    cities: [slice('深圳', s(9000))],
    devices: [slice('iPhone 7', s(9000))],
    counts: { genders: 3, platforms: 3, ages: 6, provinces: 12, cities: 1, devices: 1 },
  };
}

const emptyPortrait = (): Portrait => ({
  total: null,
  genders: [],
  platforms: [],
  ages: [],
  provinces: [],
  cities: [],
  devices: [],
  counts: { genders: 0, platforms: 0, ages: 0, provinces: 0, cities: 0, devices: 0 },
});

function users(scale = 1): UsersReport {
  return {
    ...base,
    kind: 'users',
    period: day,
    span: 7,
    begin: addDays(day.begin, -6),
    newUsers: portrait(scale / 10),
    activeUsers: portrait(scale),
  };
}

function perfSeries(metric: PerfSeries['metric'], unit: PerfSeries['unit'], days: string[], f: (i: number) => number | null): PerfSeries {
  return { metric, unit, name: '', points: days.map((date, i) => ({ date, value: f(i) })), average: null, latest: null, change: null };
}

function perf(gap = true): PerfReport {
  const days = Array.from({ length: 30 }, (_, i) => addDays(day.begin, i - 29));
  return {
    ...base,
    kind: 'perf',
    period: day,
    span: 30,
    begin: days[0],
    series: [
      perfSeries('launch', 'ms', days, (i) => (gap && (i === 12 || i === 13) ? null : 1400 + ((i * 37) % 300))),
      perfSeries('pageSwitch', 'ms', days, (i) => 380 + ((i * 53) % 120)),
      perfSeries('memory', 'MB', days, (i) => (gap && i === 20 ? null : 210 + ((i * 7) % 40))),
      perfSeries('memoryAnomaly', 'count', days, (i) => (i % 9 === 0 ? 2 : 0)),
    ],
  };
}

function cohorts(n = 8): CohortsReport {
  const periods = periodsEnding(week, n);
  const offsets = [1, 2, 3, 4, 5, 6, 7, 8];
  return {
    ...base,
    kind: 'cohorts',
    period: week,
    offsets,
    cohorts: periods.map((p, i) => ({
      period: p,
      size: 40000 + i * 1500,
      // Newer cohorts have fewer offsets that have ended.
      shares: offsets.map((o) => (o >= n - i ? null : Math.max(0.02, 0.42 / o ** 0.6 - i * 0.005))),
    })),
  };
}

function digest(): DigestReport {
  const unit = 'count' as const;
  return {
    ...base,
    kind: 'digest',
    period: week,
    previous: periodsEnding(week, 2)[0],
    kpis: [
      { key: 'visitUv', label: 'Visitors', unit, value: 187000, previous: 181000, change: 0.0331 },
      { key: 'visitUvNew', label: 'New users', unit, value: 48300, previous: 49000, change: -0.0143 },
    ],
    retention: null,
    sources: [],
    movers: [],
    pages: [],
    trend: trendPoints(week, 8),
  };
}

const KINDS: [string, () => Report][] = [
  ['visits', visits],
  ['sources', () => sources()],
  ['pages', () => pages()],
  ['users', () => users()],
  ['perf', () => perf()],
  ['cohorts', () => cohorts()],
  ['digest', digest],
];

function expectPng(png: Buffer, width = 1600, height = 800): void {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(pngSize(png)).toEqual({ width, height });
}

beforeAll(() => mkdirSync(OUT, { recursive: true }));

describe('a chart for every kind', () => {
  test.each(KINDS)('%s: a 2x PNG', (kind, make) => {
    renderChart(make()); // warm: the first chart of a kind loads fonts and code
    const started = performance.now();
    const png = renderChart(make());
    const ms = performance.now() - started;
    writeFileSync(`${OUT}/${kind}.png`, png);
    writeFileSync(`${OUT}/${kind}.txt`, `${ms.toFixed(1)} ms, ${png.length} bytes\n`);
    if (kind === 'users') expectPng(png, 1600, 1280);
    else expectPng(png);
  });

  test('different data, different picture', () => {
    const pairs: [Report, Report][] = [
      [sources(), sources(1.5)],
      [pages(), pages(['pages/a', 'pages/b'])],
      [users(), users(0.5)],
      [perf(), perf(false)],
      [cohorts(), cohorts(6)],
      [digest(), { ...digest(), trend: trendPoints(week, 8, 2) }],
    ];
    for (const [a, b] of pairs) expect(renderChart(a).equals(renderChart(b))).toBe(false);
  });

  test('the sandbox says so, and is another picture', () => {
    expect(renderChart(sources()).equals(renderChart({ ...sources(), sandbox: true }))).toBe(false);
  });

  test('the cache key follows what is drawn, not the notes', () => {
    const a = sources();
    expect(chartKey(a)).toBe(chartKey({ ...a, notes: [{ kind: 'no_data', period: a.period }] }));
    expect(chartKey(a)).not.toBe(chartKey(sources(1.5)));
    expect(chartKey(cohorts())).not.toBe(chartKey(cohorts(6)));
  });
});

describe('on the worker threads', () => {
  test('every kind draws the same picture there as in this thread (needs the build)', async () => {
    const pool = createChartRenderer(2, 0);
    try {
      if (pool.threads === 0) return; // no dist/ build to load the worker from
      for (const [, make] of KINDS) expect((await pool.render(make())).equals(renderChart(make()))).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe('empty and sparse reports still draw', () => {
  const empties: [string, Report][] = [
    ['sources', { ...sources(), sources: [], movers: [], totalSessions: null }],
    ['pages', { ...pages(), pages: [], totalPageViews: null }],
    ['users', { ...users(), newUsers: emptyPortrait(), activeUsers: emptyPortrait() }],
    ['perf', { ...perf(), series: perf().series.map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, value: null })) })) }],
    ['cohorts', { ...cohorts(), cohorts: [] }],
    [
      'digest',
      { ...digest(), kpis: [], trend: trendPoints(week, 8).map((t) => ({ ...t, visitUv: null, visitUvNew: null, sessionCnt: null })) },
    ],
    ['visits', { ...visits(), trend: [], empty: true }],
  ];

  test.each(empties)('%s with no data: a PNG saying so', (kind, r) => {
    const png = renderChart(r);
    writeFileSync(`${OUT}/empty-${kind}.png`, png);
    expectPng(png);
  });

  test('sparse: one source, one page, nulls, one day of perf, a portrait with only provinces, one cohort', () => {
    const one = perf();
    const sparse: Report[] = [
      { ...sources(), sources: [sourceRow(3, 12, null)] },
      { ...pages(), pages: [{ ...page('pages/index/index', 5, 0.9, true), visitors: null }] },
      { ...users(), activeUsers: { ...emptyPortrait(), provinces: [slice('广东省', 3)] } },
      { ...one, span: 1, series: one.series.map((s) => ({ ...s, points: s.points.slice(-1) })) },
      { ...cohorts(1), offsets: [1, 2, 3], cohorts: [{ period: week, size: null, shares: [null, 0, null] }] },
      { ...cohorts(), cohorts: cohorts().cohorts.map((c) => ({ ...c, shares: c.shares.map(() => 0) })) },
    ];
    sparse.forEach((r, i) => {
      const png = renderChart(r);
      writeFileSync(`${OUT}/sparse-${i}.png`, png);
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    });
  });

  test('many cohorts make the heatmap taller, not unreadable', () => {
    const png = renderChart(cohorts(20));
    writeFileSync(`${OUT}/cohorts-20.png`, png);
    expect(pngSize(png).height).toBeGreaterThan(800);
  });
});

describe('hostile text', () => {
  test('page paths: 500 characters, mentions, emoji, RTL, control characters', () => {
    const hostile = [
      `pages/${'x'.repeat(500)}`,
      'pages/<!channel>/<@U123>&amp;',
      'pages/🎉🧧/福袋?id=1',
      'pages/\u202Eevil\u202C/مرحبا/שלום',
      'pages/line\nbreak\ttab\u0000nul',
      '',
    ];
    const png = renderChart(pages(hostile));
    writeFileSync(`${OUT}/hostile-pages.png`, png);
    expectPng(png);
    const app = renderChart({ ...sources(), appName: `${'超长名字'.repeat(40)} <!here> 🎉` });
    expectPng(app);
  });

  test('portrait names WeChat sends are drawn as given, however long', () => {
    const r = users();
    r.activeUsers.provinces = [slice('内蒙古自治区'.repeat(10), 500), slice('<!channel>', 300), slice('🎉', 1)];
    expectPng(renderChart(r), 1600, 1280);
  });
});

describe('heatmap colour', () => {
  test('a high share is darker than a low one', async () => {
    const r = cohorts(4);
    r.offsets = [1, 2];
    r.cohorts = r.cohorts.map((c) => ({ ...c, shares: [0.6, 0.03] }));
    const image = await loadImage(renderChart(r));
    const canvas = createCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(image, 0, 0);
    const layout = heatmapLayout(r);
    // A point inside the cell but clear of its centred text.
    const pixel = (column: number) => {
      const cell = cellRect(layout, 0, column);
      const [red, green, blue] = ctx.getImageData(
        Math.round((cell.x + 4) * PIXEL_RATIO),
        Math.round((cell.y + 4) * PIXEL_RATIO),
        1,
        1,
      ).data;
      return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
    };
    const high = pixel(1);
    const low = pixel(2);
    expect(high).toBeLessThan(low - 100);
    expect(low).toBeLessThan(255); // coloured, not the white background
  });
});

describe('English words, exactly as before the catalogue', () => {
  // Reports without a language, and with language 'en', say the same words as ever (and draw the same picture).
  test.each(KINDS)('%s: language en is the default', (_kind, make) => {
    expect(renderChart({ ...make(), language: 'en' }).equals(renderChart(make()))).toBe(true);
  });

  test('titles, subtitles, legends and axis titles', () => {
    const texts = (r: Report) => chartTexts(r).filter((t) => !/^\d\d-\d\d$/.test(t)); // not the MM-DD ticks
    expect(texts(visits())).toEqual([
      '示例小程序 — Weekly visits · 2017-03-06 – 2017-03-12',
      'Visit trend over the 8 weeks up to 2017-03-12',
      'Visitors',
      'New visitors',
      'Sessions (right axis)',
      'Week starting (MM-DD)',
      'Visitors',
      'Sessions',
    ]);
    expect(texts(sources()).slice(0, 4)).toEqual([
      '示例小程序 — Daily visit sources · 2017-03-06',
      'Sessions by source, Monday 2017-03-06 vs 2017-02-27 · 144,842 in all · top 10 of 12',
      'Sessions 2017-03-06',
      'Same weekday a week earlier (2017-02-27)',
    ]);
    expect(texts(sources())).toEqual(expect.arrayContaining(['Chat', 'Source 1001', 'Discover: My Mini Programs', 'Sessions']));
    const p = texts(pages());
    expect(p[1]).toBe('Top 10 pages by page views, 2017-03-06 · 180,000 page views in all · red: many visits end on the page (exit-heavy)');
    expect(p).toEqual(expect.arrayContaining(['Page views', 'Page views (exit-heavy)', 'Visitors', 'Page views / visitors']));
    expect(texts(users()).slice(0, 6)).toEqual([
      '示例小程序 — User portrait · 7 days to 2017-03-06',
      'Who the active users are: 120,000 active, 12,000 new over 7 days',
      'Gender',
      'Male 53%',
      'Female 43%',
      'Unknown 3%',
    ]);
    expect(texts(users())).toEqual(expect.arrayContaining(['Platform', 'Other 1%', 'Age', 'Under 18', '50 and over', 'Top 10 provinces']));
    const oneDay = { ...users(), span: 1 as const, activeUsers: { ...emptyPortrait(), genders: [slice('男', 3)] } };
    expect(texts(oneDay)).toEqual([
      '示例小程序 — User portrait · 2017-03-06',
      'Who the active users are: n/a active, 12,000 new over the day',
      'Gender',
      'Male 100%',
      'Platform: no data',
      'Age: no data',
      'Top 0 provinces: no data',
    ]);
    expect(texts(perf())).toEqual([
      '示例小程序 — Performance · 30 days to 2017-03-06',
      'Launch and page-switch time (ms) and memory (MB) per day · 8 memory anomalies in the span',
      'Launch time (ms)',
      'Page switch time (ms)',
      'Memory (MB, right axis)',
      'Day (MM-DD)',
      'Milliseconds',
      'Megabytes',
    ]);
    expect(texts(cohorts())).toEqual([
      '示例小程序 — Weekly retention cohorts · 2017-03-06 – 2017-03-12',
      "Share of each week's new users who came back, 8 cohorts, oldest at the top",
      'Users',
      ...['+1', '+2', '+3', '+4', '+5', '+6', '+7', '+8'],
      'Weeks after first visit',
      'Week of first visit',
    ]);
    expect(texts({ ...digest(), sandbox: true })[1]).toBe(
      'Visit trend over the 8 weeks up to 2017-03-12 · Visitors 187,000 (+3.3%) · New users 48,300 (-1.4%) · sandbox data',
    );
    expect(texts({ ...users(), newUsers: emptyPortrait(), activeUsers: emptyPortrait() })).toEqual([
      '示例小程序 — User portrait · 7 days to 2017-03-06',
      'Who the active users are',
      'No data from WeChat for this period',
    ]);
  });
});
