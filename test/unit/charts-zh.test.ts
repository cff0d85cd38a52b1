import { mkdirSync, writeFileSync } from 'node:fs';
import { CanvasRenderingContext2D, createCanvas } from 'canvas';
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
import { CHART_WIDTH, cjkFontFamily, renderChart } from '../../src/render/chart';
import { SUBTITLE_SIZE, TITLE_SIZE, truncateColumns } from '../../src/render/charts/style';
import { chartTexts } from '../../src/render/texts';
import { PNG_SIGNATURE, pngSize } from '../helpers/harness';

// Every chart kind in Simplified Chinese: the same reports as charts.test.ts (fixtures copied from
// there), drawn with language 'zh'. The PNGs go to /tmp/charts-zh for a person to look at.

const OUT = '/tmp/charts-zh';
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

function retain(): TrendReport {
  const cohort = { size: 45592, points: [{ offset: 1, count: 12000, share: 12000 / 45592 }] };
  return { ...visits(), kind: 'retain', retention: { newUsers: cohort, activeUsers: cohort } };
}

const zh = <T extends Report>(r: T): T => ({ ...r, language: 'zh' });

const KINDS: [string, () => Report][] = [
  ['retain', retain],
  ['visits', visits],
  ['sources', () => sources()],
  ['pages', () => pages()],
  ['users', () => users()],
  ['perf', () => perf()],
  ['cohorts', () => cohorts()],
  ['digest', digest],
];

const EMPTIES: [string, () => Report][] = [
  ['sources', () => ({ ...sources(), sources: [], movers: [], totalSessions: null })],
  ['pages', () => ({ ...pages(), pages: [], totalPageViews: null })],
  ['users', () => ({ ...users(), newUsers: emptyPortrait(), activeUsers: emptyPortrait() })],
  ['perf', () => ({ ...perf(), series: perf().series.map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, value: null })) })) })],
  ['cohorts', () => ({ ...cohorts(), cohorts: [] })],
  [
    'digest',
    () => ({
      ...digest(),
      kpis: [],
      trend: trendPoints(week, 8).map((t) => ({ ...t, visitUv: null, visitUvNew: null, sessionCnt: null })),
    }),
  ],
  ['visits', () => ({ ...visits(), trend: [], empty: true })],
];

/** Other variants worth a look: sandbox, one day, daily and monthly granularity, partly empty panels, many cohorts. */
const VARIANTS: [string, () => Report][] = [
  ['sandbox-digest', () => ({ ...digest(), sandbox: true })],
  ['sandbox-sources', () => ({ ...sources(), sandbox: true })],
  ['users-one-day', () => ({ ...users(), span: 1, activeUsers: { ...portrait(1), genders: [], ages: [] } })],
  [
    'cohorts-daily',
    () => ({ ...cohorts(5), period: day, cohorts: cohorts(5).cohorts.map((c, i) => ({ ...c, period: periodsEnding(day, 5)[i] })) }),
  ],
  [
    'cohorts-monthly',
    () => {
      const month = periodContaining('monthly', '20170301');
      return { ...cohorts(5), period: month, cohorts: cohorts(5).cohorts.map((c, i) => ({ ...c, period: periodsEnding(month, 5)[i] })) };
    },
  ],
  ['cohorts-20', () => cohorts(20)],
  [
    'visits-monthly',
    () => {
      const month = periodContaining('monthly', '20170301');
      return { ...visits(), period: month, trend: trendPoints(month, 8) };
    },
  ],
  [
    'perf-one-anomaly',
    () => ({
      ...perf(),
      series: perf().series.map((s) =>
        s.metric === 'memoryAnomaly' ? { ...s, points: s.points.map((p, i) => ({ ...p, value: i === 3 ? 1 : 0 })) } : s,
      ),
    }),
  ],
  ['sources-unknown-key', () => ({ ...sources(), sources: [sourceRow(1001, 120, null), sourceRow(3, 12, 10)] })],
];

/**
 * Latin words a Chinese chart may still show: units, and data as WeChat or the app sent it (page
 * paths, platform names).
 */
const ALLOWED = /\b(ms|MB)\b|iPhone|Android|[\w.-]*\/[\w/.-]*/g;
const englishIn = (texts: string[]) => texts.flatMap((t) => t.replace(ALLOWED, '').match(/[A-Za-z]{2,}/g) ?? []);

function expectPng(png: Buffer, width = 1600, height = 800): void {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(pngSize(png)).toEqual({ width, height });
}

/** Every string drawn with fillText while `f` runs (titles, legends, ticks, annotations, captions). */
function drawnTexts(f: () => void): string[] {
  const spy = jest.spyOn(CanvasRenderingContext2D.prototype, 'fillText');
  try {
    f();
    return spy.mock.calls.map((c) => String(c[0]));
  } finally {
    spy.mockRestore();
  }
}

beforeAll(() => mkdirSync(OUT, { recursive: true }));

describe('every chart kind in Chinese', () => {
  test.each(KINDS)('%s: a 2x PNG, another picture than the English one', (kind, make) => {
    const png = renderChart(zh(make()));
    writeFileSync(`${OUT}/${kind}.png`, png);
    if (kind === 'users') expectPng(png, 1600, 1280);
    else expectPng(png);
    expect(png.equals(renderChart(make()))).toBe(false);
  });

  test.each(EMPTIES)('%s with no data: a Chinese PNG saying so', (kind, make) => {
    const png = renderChart(zh(make()));
    writeFileSync(`${OUT}/empty-${kind}.png`, png);
    expectPng(png);
    expect(png.equals(renderChart(make()))).toBe(false);
  });

  test.each(VARIANTS)('%s: draws', (kind, make) => {
    const png = renderChart(zh(make()));
    writeFileSync(`${OUT}/${kind}.png`, png);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });
});

describe('the words of a Chinese chart', () => {
  const all = [...KINDS, ...EMPTIES.map(([k, f]): [string, () => Report] => [`empty-${k}`, f]), ...VARIANTS];

  test.each(all)('%s: no English in its title, subtitle, legend, labels and axis titles', (_kind, make) => {
    const texts = chartTexts(zh(make()));
    expect(texts.length).toBeGreaterThan(2);
    expect(englishIn(texts)).toEqual([]);
    expect(texts.some((t) => /\p{Script=Han}/u.test(t))).toBe(true);
  });

  test.each(all)('%s: no English in anything drawn (ticks and bar figures too)', (_kind, make) => {
    const r = zh(make());
    const drawn = drawnTexts(() => renderChart(r));
    expect(drawn).toContain(chartTexts(r)[0]); // the spy sees what is drawn
    expect(englishIn(drawn)).toEqual([]);
  });

  test("title and subtitle fit the picture's width in the CJK font, not squeezed", () => {
    const ctx = createCanvas(10, 10).getContext('2d');
    const width = (text: string, size: number, bold = false) => {
      ctx.font = `${bold ? 'bold ' : ''}${size}px ${cjkFontFamily()}`;
      return ctx.measureText(text).width;
    };
    for (const [, make] of all) {
      for (const r of [zh(make()), zh({ ...make(), sandbox: true })]) {
        const [title, sub] = chartTexts(r);
        expect(width(title, TITLE_SIZE, true)).toBeLessThanOrEqual(CHART_WIDTH - 24);
        expect(width(sub, SUBTITLE_SIZE)).toBeLessThanOrEqual(CHART_WIDTH - 24);
      }
    }
  });

  test('a long Chinese app name is cut by width, so the title still fits', () => {
    const r = zh({ ...sources(), appName: '超长名字'.repeat(40) });
    const [title] = chartTexts(r);
    expect(title.startsWith('超长名字')).toBe(true);
    expect(title).toContain('…');
    expect(truncateColumns('超长名字'.repeat(40), 60)).toHaveLength(30);
  });

  test('sources by their Chinese names; Chinese dates and weekday', () => {
    const texts = chartTexts(zh(sources()));
    expect(texts).toEqual(expect.arrayContaining(['会话', '搜索', '小程序历史列表', '来源 1001', '会话数']));
    expect(texts[1]).toContain('2017年3月6日（周一）对比2017年2月27日');
  });

  test('portrait names as WeChat sends them in Chinese, and in English only in an English chart', () => {
    const zhTexts = chartTexts(zh(users()));
    expect(zhTexts.some((t) => t.startsWith('男 '))).toBe(true);
    expect(zhTexts).toEqual(expect.arrayContaining(['18-24岁', '广东省', '性别', '平台', '年龄', '前10个省份']));
    const enTexts = chartTexts(users());
    expect(enTexts.some((t) => t.startsWith('Male '))).toBe(true);
    expect(enTexts).toContain('18–24');
  });

  test('counts in 万 in a Chinese subtitle', () => {
    expect(chartTexts(zh(users()))[1]).toBe('活跃用户画像：近7天活跃用户12万，新用户12,000');
    expect(chartTexts(zh(digest()))[1]).toBe('截至2017年3月12日的8周访问趋势 · 访问人数 18.7万 (+3.3%) · 新访问用户 48,300 (-1.4%)');
  });

  test("the cohort heatmap's captions", () => {
    expect(chartTexts(zh(cohorts())).slice(2)).toEqual([
      '新用户数',
      '+1',
      '+2',
      '+3',
      '+4',
      '+5',
      '+6',
      '+7',
      '+8',
      '首次访问后第N周',
      '首次访问所在周',
    ]);
  });
});
