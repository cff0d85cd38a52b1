import { periodContaining, type Granularity, type Period } from '../../src/calendar/period';
import type {
  CohortsReport,
  DigestReport,
  Figure,
  PageRow,
  PagesReport,
  PerfReport,
  PerfSeries,
  Portrait,
  PortraitSlice,
  Report,
  ReportNote,
  SourceRow,
  SourcesReport,
  TrendReport,
  UsersReport,
} from '../../src/reports/model';
import { REPORT_KINDS } from '../../src/reports/model';
import { parseReportText, type RequestProblem } from '../../src/reports/request';
import { chartAltText, chartTitle, renderMessage, type RenderedMessage } from '../../src/slack/blocks';
import { helpText } from '../../src/slack/interpret';
import { MAX_BLOCKS, MAX_FIELD_TEXT, MAX_FIELDS, MAX_HEADER_TEXT, MAX_SECTION_TEXT } from '../../src/slack/limits';
import { context, displayWidth, finish, section, tableSections } from '../../src/slack/messages/kit';
import { noteText, requestProblem, usage } from '../../src/slack/text';

// Every report kind rendered in Chinese: the words come from the catalogue, dates and counts are
// written the Chinese way, and no English is left over. Fixtures follow test/unit/messages.test.ts.

const day = (d: string): Period => periodContaining('daily', d);
const week = (d: string): Period => periodContaining('weekly', d);
const base = { appName: 'Demo <!here> & co', sandbox: false, empty: false, notes: [] as ReportNote[], language: 'zh' as const };
const HOSTILE = `<!channel> *bold* \`code\` & /pages/${'a'.repeat(3000)}`;

type AnyBlock = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text: string }[] };

function texts(m: RenderedMessage): string[] {
  return (m.blocks as AnyBlock[]).flatMap((b) => [
    ...(b.text ? [b.text.text] : []),
    ...(b.fields ?? []).map((f) => f.text),
    ...(b.elements ?? []).map((e) => e.text),
  ]);
}
const all = (m: RenderedMessage) => texts(m).join('\n');

function expectWithinLimits(m: RenderedMessage): void {
  expect(m.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
  for (const b of m.blocks as AnyBlock[]) {
    if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(b.type === 'header' ? MAX_HEADER_TEXT : MAX_SECTION_TEXT);
    if (b.fields) {
      expect(b.fields.length).toBeLessThanOrEqual(MAX_FIELDS);
      for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(MAX_FIELD_TEXT);
    }
    for (const e of b.elements ?? []) expect(e.text.length).toBeLessThanOrEqual(MAX_FIELD_TEXT);
  }
  expect(m.text).not.toMatch(/\n/);
  expect(m.text.length).toBeGreaterThan(20);
  for (const t of texts(m)) expect((t.match(/```/g) ?? []).length % 2).toBe(0);
}

function expectEscaped(m: RenderedMessage): void {
  const s = all(m) + m.text;
  expect(s).not.toMatch(/<!channel>|<!here>|<@U/);
  expect(s).not.toMatch(/&(?!amp;|lt;|gt;)/);
}

/** English words of the product (not of WeChat's data: paths, device names, the app's name) that must not show in Chinese. */
const ENGLISH = [
  'Visitors',
  'Sessions',
  'sessions',
  'sources',
  'Sources',
  'Source',
  'Generated',
  'Change',
  'Chart',
  'WeChat',
  'Top',
  'n/a',
  'Share',
  'new',
  'New',
  'Users',
  'users',
  'Retention',
  'Weekly',
  'Daily',
  'posted',
  'the',
  'of',
  'and',
  'vs',
  'days?',
  'weeks?',
  'sandbox',
  'Monday',
  'min',
  'ms',
  's',
  'continued',
  'Page',
  'Views',
  'Exit',
  'Entry',
  'Metric',
  'Latest',
  'Gender',
  'Male',
  'Age',
];

function expectNoEnglish(m: RenderedMessage): void {
  const s = `${all(m)}\n${m.text}`;
  for (const w of ENGLISH) expect([w, new RegExp(`(?<![A-Za-z/])${w}(?![A-Za-z])`).test(s)]).toEqual([w, false]);
}

/** The lines of the first code block that follows `caption`. */
function tableAfter(m: RenderedMessage, caption: string): string[] {
  const t = texts(m).find((x) => x.includes(caption)) ?? '';
  return (t.split('```')[1] ?? '').split('\n').filter(Boolean);
}

// ---- fixtures ----

function sourceRow(key: number, value: number, previous: number | null, total: number): SourceRow {
  const change = previous === null || previous === 0 ? null : (value - previous) / previous;
  return { key, sessions: { value, previous, change }, visitors: Math.round(value * 0.8), share: value / total };
}

function sourcesReport(rows: [number, number, number | null][] = []): SourcesReport {
  const data: [number, number, number | null][] = rows.length
    ? rows
    : [
        [2, 4000, 3000],
        [3, 2500, 3000],
        [63, 1000, 0],
        [1, 500, 500],
      ];
  const total = data.reduce((a, [, v]) => a + v, 0);
  const sources = data.map(([k, v, p]) => sourceRow(k, v, p, total));
  return {
    ...base,
    kind: 'sources',
    period: day('20170306'),
    comparedWith: day('20170227'),
    sources,
    totalSessions: total,
    movers: [sources[0], sources[2], sources[1]],
    stayTime: [
      { key: 1, value: 100, share: 0.25 },
      { key: 8, value: 300, share: 0.75 },
    ],
    depth: [
      { key: 1, value: 150, share: 0.375 },
      { key: 7, value: 250, share: 0.625 },
    ],
  };
}

function page(path: string, views: number, exitShare: number, exitHeavy = false): PageRow {
  return {
    path,
    pageViews: views,
    visitors: Math.round(views * 0.4),
    stayTime: 12.5,
    entries: Math.round(views * 0.6),
    exits: Math.round(views * exitShare),
    entryShare: 0.6,
    exitShare,
    shares: 120,
    shareUsers: 80,
    change: null,
    exitHeavy,
  };
}

function pagesReport(pages: PageRow[]): PagesReport {
  return {
    ...base,
    kind: 'pages',
    period: day('20170306'),
    pages,
    pageCount: pages.length,
    totalPageViews: pages.reduce((a, p) => a + (p.pageViews ?? 0), 0),
  };
}

const slice = (name: string, value: number, total: number, id: number | null = null): PortraitSlice => ({
  id,
  name,
  value,
  share: value / total,
});

function portrait(total: number): Portrait {
  return {
    total,
    genders: [slice('男', total * 0.6, total, 1), slice('女', total * 0.35, total, 2), slice('未知', total * 0.05, total, 0)],
    platforms: [slice('iPhone', total * 0.55, total), slice('Android', total * 0.45, total)],
    ages: [slice('18-24岁', total * 0.3, total), slice('25-29岁', total * 0.5, total), slice('50岁以上', total * 0.2, total)],
    provinces: ['广东', '<@U123> *x*', '浙江', '江苏', '北京', '上海', '四川'].map((n, i) => slice(n, total * (0.3 - i * 0.04), total)),
    cities: ['深圳', '广州', '杭州'].map((n, i) => slice(n, total * (0.2 - i * 0.05), total)),
    devices: ['iPhone 7', 'HUAWEI `P10`', 'OPPO R11'].map((n, i) => slice(n, total * (0.1 - i * 0.02), total)),
    counts: { genders: 3, platforms: 2, ages: 3, provinces: 7, cities: 3, devices: 3 },
  };
}

function usersReport(): UsersReport {
  return {
    ...base,
    kind: 'users',
    span: 7,
    period: day('20170312'),
    begin: '20170306',
    newUsers: portrait(123456),
    activeUsers: portrait(1234567),
  };
}

function series(metric: PerfSeries['metric'], unit: PerfSeries['unit'], values: (number | null)[], name = ''): PerfSeries {
  const present = values.filter((v): v is number => v !== null);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const half = Math.floor(values.length / 2);
  const first = mean(values.slice(0, half).filter((v): v is number => v !== null));
  const second = mean(values.slice(half).filter((v): v is number => v !== null));
  return {
    metric,
    unit,
    name,
    points: values.map((value, i) => ({ date: `201703${String(6 + i).padStart(2, '0')}`, value })),
    average: mean(present),
    latest: [...present].pop() ?? null,
    change: first === null || second === null ? null : (second - first) / first,
  };
}

function perfReport(): PerfReport {
  return {
    ...base,
    kind: 'perf',
    span: 7,
    period: day('20170312'),
    begin: '20170306',
    series: [
      series('launch', 'ms', [1300, 1300, 1300, 1200, 1200, 1200, null], '启动总耗时 <b>'),
      series('pageSwitch', 'ms', [200, 210, 220, 230, 240, 250, 260]),
      series('memory', 'MB', [120, 120.5, 121, 122, 123, 124, 125.4]),
      series('memoryAnomaly', 'count', [null, null, null, null, null, null, null]),
    ],
  };
}

function cohortsReport(g: Granularity = 'weekly'): CohortsReport {
  const p = g === 'weekly' ? week : day;
  return {
    ...base,
    kind: 'cohorts',
    period: p('20170306'),
    offsets: [1, 2, 3],
    cohorts: [
      { period: p('20170220'), size: 1000, shares: [0.4, 0.3, 0.05] },
      { period: p('20170227'), size: 1200, shares: [0.35, null, null] },
      { period: p('20170306'), size: null, shares: [null, null, null] },
    ],
  };
}

const figure = (key: string, label: string, unit: Figure['unit'], value: number, previous: number): Figure => ({
  key,
  label,
  unit,
  value,
  previous,
  change: (value - previous) / previous,
});

function digestReport(notes: ReportNote[] = []): DigestReport {
  const total = 20000;
  return {
    ...base,
    notes,
    kind: 'digest',
    period: week('20170306'),
    previous: week('20170227'),
    kpis: [
      figure('visitUv', 'Visitors', 'count', 5000, 4000),
      figure('visitUvNew', 'New visitors', 'count', 1234, 1300),
      figure('stayTimeSession', 'Stay time per session', 'seconds', 54.53, 50),
      figure('stayTimeUv', 'Stay time per visitor', 'seconds', 192.4, 180),
    ],
    retention: { cohort: week('20170227'), size: 1234, returned: 508, share: 508 / 1234, shareBefore: 0.38 },
    sources: [
      sourceRow(2, 8000, 7000, total),
      sourceRow(3, 5000, 6000, total),
      sourceRow(1, 3000, 3000, total),
      sourceRow(63, 2000, 1500, total),
      sourceRow(4, 1500, 1400, total),
    ],
    movers: [sourceRow(46, 500, 3000, total), sourceRow(2, 8000, 7000, total), sourceRow(3, 5000, 6000, total)],
    pages: [
      { ...page('pages/index/index', 30000, 0.3), change: 0.05 },
      { ...page('pages/goods/detail', 12000, 0.4), change: -0.3 },
      { ...page('pages/cart/cart', 5000, 0.2), change: 0.5 },
    ],
    trend: [],
  };
}

function trendReport(kind: 'retain' | 'visits'): TrendReport {
  const period = week('20170306');
  const point = (p: Period, n: number) => ({
    period: p,
    label: '',
    visitUv: n,
    visitUvNew: Math.round(n / 4),
    sessionCnt: n * 5,
    visitPv: n * 17,
  });
  return {
    ...base,
    kind,
    period,
    previous: week('20170227'),
    retention: {
      newUsers: { size: 45592, points: [{ offset: 1, count: 12000, share: 12000 / 45592 }] },
      activeUsers: { size: 1234567, points: [{ offset: 1, count: null, share: null }] },
    },
    visits: [
      figure('sessionCnt', 'Sessions', 'count', 935000, 930000),
      figure('visitUv', 'Visitors', 'count', 187000, 186000),
      figure('stayTimeUv', 'Stay time per visitor', 'seconds', 192.4, 192.4),
      figure('visitDepth', 'Visit depth', 'ratio', 3.28, 3.2),
    ],
    trend: [point(week('20170227'), 186000), point(period, 187000)],
    summary: { visitTotal: 2345678, sharePv: 12, shareUv: null },
  };
}

// ---- each kind ----

describe('Chinese messages', () => {
  test('sources: labels, the compared day, 新增 and the tail in Chinese', () => {
    const m = renderMessage(sourcesReport());
    const s = all(m);
    expect(s).toContain('每日访问来源 · 2017年3月6日');
    expect(s).toContain('较上周同日（2017年2月27日 周一）');
    expect(s).toMatch(/搜索 +4,000 +50% +▲ 33\.3%/);
    expect(s).toMatch(/会话 +2,500 +31% +▼ 16\.7%/);
    expect(s).toMatch(/来源 63 +1,000 +13% +新增/);
    expect(s).toContain('较2月27日');
    expect(s).toContain('*会话数*\n8,000');
    expect(s).toContain('搜索 ▲ 33.3%（+1,000） · 来源 63 新增（+1,000） · 会话 ▼ 16.7%（-500）');
    expect(s).toMatch(/0-2秒 +100 +25%/);
    expect(s).toMatch(/&gt;10 页 +250 +63%/);
    expect(m.text).toBe('每日访问来源 · 2017年3月6日（Demo &lt;!here&gt; &amp; co）：共8,000次会话，来自4个来源；最多：搜索（50.0%）。');
    expectNoEnglish(m);
  });

  test('sources: 60 of them, the rest summed; columns line up by the width people see', () => {
    const rows: [number, number, number | null][] = Array.from({ length: 60 }, (_, i) => [i + 1, 600000 - i * 100, 500000]);
    const m = renderMessage(sourcesReport(rows));
    expect(all(m)).toMatch(/另有50个来源（占会话数的\d+\.\d%）/);
    expect(all(m)).toMatch(/搜索 +60万 +1\.7% +▲ 20\.0%/);
    expect(all(m)).toContain('*会话数*\n3,582.3万');
    const table = tableAfter(m, '*来源排行*');
    expect(table).toHaveLength(11);
    // The last column is right-aligned, so every line ends at the same column.
    expect(new Set(table.map(displayWidth)).size).toBe(1);
    expectWithinLimits(m);
    expectNoEnglish(m);
  });

  test('pages: 万 counts, seconds, the exit-heavy footnote', () => {
    const m = renderMessage(
      pagesReport([page('pages/index/index', 1234567, 0.3), page('pages/pay/done', 50000, 0.72, true), page('', 1000, 0.2)]),
    );
    const s = all(m);
    expect(s).toContain('*访问次数*\n128.6万');
    expect(s).toMatch(/pages\/index\/index +123\.5万 +49\.4万 +12\.5秒 +60% +30% +120/);
    expect(s).toMatch(/（空） +1,000 +400/);
    expect(s).toContain('显示3个页面中的前3个，占全部访问次数的100.0%。');
    expect(s).toContain('⚠ *退出较多的页面：* `pages/pay/done`（72.0%）');
    expect(s).toContain('退出次数 ≥ 该页访问次数的50%');
    expect(m.text).toContain('3个页面共128.6万次访问；最多：`pages/index/index`（123.5万次）。1个页面退出率高。');
    const table = tableAfter(m, '*访问次数前3的页面*');
    expect(new Set(table.filter((l) => !l.endsWith('⚠')).map(displayWidth)).size).toBe(1);
    expectWithinLimits(m);
    expectNoEnglish(m);
  });

  test('pages: 200 hostile paths stay escaped and within limits', () => {
    const pages = Array.from({ length: 200 }, (_, i) => page(`${HOSTILE}${i}`.replace('/pages/', `/p${i}/`), 200000 - i, 0.6, true));
    const m = renderMessage(pagesReport(pages));
    expect(all(m)).toContain('显示200个页面中的前10个');
    expectWithinLimits(m);
    expectEscaped(m);
  });

  test('users: names as WeChat sends them, 万 totals, the span in Chinese', () => {
    const m = renderMessage(usersReport());
    const s = all(m);
    expect(s).toContain('用户画像 · 截至2017年3月12日的7天');
    expect(s).toContain('*活跃用户*\n123.5万');
    expect(s).toContain('*新用户*\n12.3万（占活跃用户的10.0%）');
    expect(s).toContain('*活跃用户画像*，2017年3月6日–12日（7天） — 占活跃用户的比例');
    expect(s).toMatch(/男 +74\.1万 +60%/);
    expect(s).toMatch(/未知 +61,728 +5\.0%/);
    expect(s).toMatch(/18-24岁 +37\.0万|18-24岁 +37万/);
    expect(s).toContain('*前5省份*');
    expect(s).toContain('另有2个省份');
    expect(s).toContain('&lt;@U123&gt; *x*');
    expect(s).not.toContain('Male');
    expect(m.text).toContain('活跃用户123.5万，新用户12.3万。');
    expectWithinLimits(m);
    expectEscaped(m);
    expectNoEnglish(m);
  });

  test('perf: metric names, 毫秒, the day without its year', () => {
    const m = renderMessage(perfReport());
    const s = all(m);
    expect(s).toContain('性能 · 截至2017年3月12日的7天');
    expect(s).toContain('*性能*，2017年3月6日–12日');
    expect(s).toMatch(/启动耗时 +1,200毫秒 +3月11日 +1,250毫秒 +▼ 7\.7%/);
    expect(s).toMatch(/内存占用 +125\.4 MB +3月12日 +122\.3 MB/);
    expect(s).toMatch(/内存异常次数 +无数据/);
    expect(s).toContain('这几天微信未返回内存异常次数的数据。');
    expect(s).toContain('微信中的指标名：启动耗时 `启动总耗时 &lt;b&gt;`');
    expect(m.text).toContain('平均启动耗时1,250毫秒（▼ 7.7%）。');
    expectWithinLimits(m);
    expectEscaped(m);
    expectNoEnglish(m);
  });

  test('cohorts: Chinese dates down the side, how to read it', () => {
    const m = renderMessage(cohortsReport());
    const s = all(m);
    expect(s).toContain('每周留存同期群 · 2017年3月6日–12日');
    expect(s).toContain('*同期群留存* — 每周新用户在 +N 周后回访的比例');
    expect(s).toMatch(/起始日 +用户数 +\+0 +\+1 +\+2 +\+3/);
    expect(s).toMatch(/2017年2月20日 +1,000 +100% +40% +30% +5\.0%/);
    expect(s).toMatch(/2017年3月6日 +-- +– +– +– +–/);
    expect(s).toContain('阅读方法：');
    expect(m.text).toContain('共3期同期群；2017年2月27日这一期有35.0%在下一周回访。');
    expect(all(renderMessage(cohortsReport('daily')))).toContain('每天新用户在 +N 天后回访');
    expectWithinLimits(m);
    expectNoEnglish(m);
  });

  test('digest: KPIs with 环比, retention, top sources and pages, what moved', () => {
    const m = renderMessage(digestReport());
    const s = all(m);
    expect(s).toContain('2017年3月6日–12日');
    expect(s).toContain('*核心指标* — 较上周（2017年2月27日–3月5日）的变化');
    expect(s).toContain('*访问人数*\n5,000（▲ 25.0%）');
    expect(s).toContain('*新用户*\n1,234（▼ 5.1%）');
    expect(s).toContain('*次均停留时长*\n54.5秒（▲ 9.1%）');
    expect(s).toContain('*人均停留时长*\n3分12秒（▲ 6.9%）');
    expect(s).toContain('*留存：* 2017年2月27日–3月5日的1,234名新用户中，有41.2%在2017年3月6日–12日回访（上周为38.0%）。');
    expect(s).toMatch(/来源 +会话数 +环比/);
    expect(s).toMatch(/搜索 +8,000 +▲ 14\.3%/);
    expect(s).toMatch(/pages\/goods\/detail +12,000 +▼ 30\.0%/);
    expect(s).toContain('*变化较大：* 朋友圈 ▼ 83.3%（-2,500） · 搜索 ▲ 14.3%（+1,000） · 会话 ▼ 16.7%（-1,000）');
    expect(s).toContain('环比均与上周相比。');
    expect(m.text).toContain('访问人数5,000（较上周▲ 25.0%）；上周的新用户中有41.2%回访。');
    expectWithinLimits(m);
    expectEscaped(m);
    expectNoEnglish(m);
  });

  test('digest: a warning line for every missing part', () => {
    const notes: ReportNote[] = [
      { kind: 'part_missing', part: 'pages', error: 'rate_limited' },
      { kind: 'part_missing', part: 'retention', error: 'timeout' },
    ];
    const m = renderMessage({ ...digestReport(notes), pages: [], retention: null });
    expect(all(m)).toContain(':warning: 未能从微信获取受访页面数据（rate_limited），其余数据照常显示。');
    expect(all(m)).toContain(':warning: 未能从微信获取留存数据（timeout），其余数据照常显示。');
    expect(all(m)).not.toContain('访问次数前');
  });

  test.each(['retain', 'visits'] as const)('%s: 万 counts, 当周, the trend table', (kind) => {
    const m = renderMessage(trendReport(kind));
    const s = all(m);
    expect(s).toContain(kind === 'retain' ? '每周留存 · 2017年3月6日–12日' : '每周访问 · 2017年3月6日–12日');
    expect(s).toContain('*活跃用户*\n123.5万');
    expect(s).toContain('*留存*（之后各周回访的用户数，及占当周用户的比例）');
    expect(s).toMatch(/当周 +45,592 +100% +123\.5万 +100%/);
    expect(s).toMatch(/\+1 +12,000 +26\.3% +-- +--/);
    expect(s).toContain('*访问* — 较上周（2017年2月27日–3月5日）的变化');
    expect(s).toContain('*会话数*\n93.5万（▲ 0.5%）');
    expect(s).toContain('*人均停留时长*\n3分12秒（= 0.0%）');
    expect(s).toContain('*平均访问深度*\n3.28（▲ 2.5%）');
    expect(s).toContain('*累计访问人数*\n234.6万');
    expect(s).toContain('图表：截至2017年3月12日的2周访问趋势，见下方。');
    if (kind === 'visits') {
      expect(s).toContain('*趋势*，2周');
      expect(s).toMatch(/2017年2月27日–3月5日 +18\.6万 +46,500 +93万/);
    }
    expect(m.text).toContain('新用户45,592，活跃用户123.5万；访问人数18.7万（较上周▲ 0.5%）。');
    expectWithinLimits(m);
    expectNoEnglish(m);
  });
});

describe('Chinese: every kind', () => {
  const reports: Report[] = [
    sourcesReport(),
    pagesReport([page('a', 1, 0.1)]),
    usersReport(),
    perfReport(),
    cohortsReport('daily'),
    digestReport(),
    trendReport('retain'),
    trendReport('visits'),
  ];

  test.each(reports.map((r) => [r.kind, r] as const))('%s: generated line, notes, sandbox, limits, no English', (_kind, r) => {
    const notes: ReportNote[] = [
      { kind: 'week_of', date: '20170308', period: week('20170306') },
      { kind: 'no_visits', period: week('20170306') },
      { kind: 'part_missing', part: 'memory', error: 'quota' },
    ];
    const m = renderMessage({ ...r, notes, sandbox: true }, { generatedAt: new Date('2017-03-13T02:00:00Z'), timezone: 'Asia/Shanghai' });
    const s = all(m);
    expect(s).toContain('生成于 2017-03-13 10:00（Asia/Shanghai）');
    expect(s).toContain('Demo &lt;!here&gt; &amp; co · :test_tube: *沙盒数据*（未配置微信 AppID） · 日期均为北京时间');
    expect(s).toContain('2017年3月8日是周三，因此按其所在的周统计：2017年3月6日–12日。');
    expect(s).toContain('未能从微信获取内存占用（quota），其余数据照常显示。');
    expect(m.text).toContain('（Demo &lt;!here&gt; &amp; co，沙盒数据）：');
    expectWithinLimits(m);
    expectEscaped(m);
    expectNoEnglish(m);
  });

  test('the English check would catch English', () => {
    expect(() => expectNoEnglish(renderMessage({ ...sourcesReport(), language: 'en' }))).toThrow();
    expect(() => expectNoEnglish(renderMessage({ ...digestReport(), language: undefined }))).toThrow();
  });

  test('empty reports say so in Chinese', () => {
    expect(renderMessage({ ...sourcesReport(), sources: [], movers: [], stayTime: [], depth: [], empty: true }).text).toContain(
      '微信未返回当日数据。',
    );
    expect(renderMessage({ ...perfReport(), series: [], empty: true }).text).toContain('微信未返回这几天的数据。');
    expect(renderMessage({ ...cohortsReport(), cohorts: [] }).blocks.length).toBeGreaterThan(2);
    expect(all(renderMessage({ ...cohortsReport(), cohorts: [] }))).toContain('微信未返回这些周期的同期群数据。');
  });

  test('chart title and alt text', () => {
    expect(chartTitle(sourcesReport())).toBe('每日访问来源 · 2017年3月6日 — 各来源会话数');
    expect(chartAltText(sourcesReport())).toBe('每日访问来源 · 2017年3月6日：各访问来源会话数横向柱状图');
    expect(chartAltText(perfReport())).toBe('性能 · 截至2017年3月12日的7天：每日启动耗时、页面切换耗时和内存占用折线图');
    expect(chartTitle(cohortsReport())).toMatch(/留存热力图$/);
    for (const r of reports) expect(`${chartTitle(r)} ${chartAltText(r)}`).not.toMatch(/[A-Za-z]{3,}/);
  });

  test('a long table goes on under （续）; an over-long message says it was shortened', () => {
    const rows = [['页面', '访问次数'], ...Array.from({ length: 300 }, (_, i) => [`pages/p${i}/index`, `${i}`])];
    const blocks = tableSections('zh', '*热门页面*', rows, ['l', 'r']);
    expect(blocks.length).toBeGreaterThan(1);
    expect(JSON.stringify(blocks[1])).toContain('*热门页面*（续）');
    const m = finish(
      Array.from({ length: 60 }, () => section('x')),
      context(['y']),
      '标题（应用）：正文。',
      'zh',
    );
    expect(m.blocks).toHaveLength(MAX_BLOCKS);
    expect(JSON.stringify(m.blocks)).toContain('内容过长，已截短以放入一条 Slack 消息。');
  });
});

describe('Chinese: notes, request problems, usage and help', () => {
  const NOW = new Date('2018-03-20T04:00:00Z');
  const problem = (kind: Report['kind'], text: string): string => {
    const r = parseReportText(kind, text, NOW);
    if (r.ok) throw new Error(`expected a problem for ${kind} "${text}"`);
    return requestProblem(r.problem, 'zh');
  };

  test('notes', () => {
    expect(noteText({ kind: 'part_missing', part: 'sources', error: 'system' }, 'zh')).toBe(
      '未能从微信获取访问来源数据（system），其余数据照常显示。',
    );
    expect(noteText({ kind: 'no_data', period: week('20170306') }, 'zh')).toBe('微信未返回2017年3月6日–12日的数据。');
    expect(noteText({ kind: 'week_of', date: '20170308', period: week('20170306') }, 'zh')).toBe(
      '2017年3月8日是周三，因此按其所在的周统计：2017年3月6日–12日。',
    );
  });

  test('request problems in Chinese, with the keywords people type kept as typed', () => {
    expect(problem('sources', 'weekly')).toBe(
      '`/wxa sources` 只有按日数据，微信没有它的按周数据。请给出日期，例如 `/wxa sources 2017-03-06`。',
    );
    expect(problem('digest', 'monthly')).toBe('`/wxa digest` 不提供按月数据。请选择 `weekly` 或 `daily`。');
    expect(problem('users', '14d')).toBe('`/wxa users` 不提供 `14d` 这一天数范围。请选择 `1d`、`7d` 或 `30d`。');
    expect(problem('retain', 'hourly')).toBe('`hourly` 不是有效的周期。请选择 daily（按日）、weekly（按周）或 monthly（按月）。');
    expect(problem('perf', '7d 2017-06-01')).toContain('本机器人最多向微信查询 180 天内的性能数据');
    expect(problem('perf', '7d 2017-06-01')).toContain('最早可查询 2017年9月21日');
    expect(problem('retain', 'daily 2018-03-20')).toBe('按北京时间，2018年3月20日 是今天或之后的日期。最近完整的一天是 2018年3月19日。');
    expect(problem('retain', 'weekly 2018-03-20')).toBe(
      '按北京时间，2018年3月19日–25日 这一周（周一至周日）尚未结束。最近完整的一周是 2018年3月12日–18日。',
    );
    expect(problem('retain', 'daily 2016-12-31')).toBe('2016年12月31日 早于微信小程序数据分析上线的日期（2017年1月1日）。');
    expect(problem('retain', 'weekly 2017-03')).toBe('`2017-03` 是月份；按周报表请给出完整日期，或使用 monthly。');
    expect(problem('retain', 'daily 2017-02-30')).toBe('`2017-02-30` 不是有效的日期。');
    const hostile: RequestProblem = { reason: 'not_a_period', token: '<!channel>', kind: 'perf' };
    expect(requestProblem(hostile, 'zh')).toContain('`&lt;!channel&gt;` 不是有效的天数范围');
  });

  test('usage for every kind: its command and an example, in Chinese', () => {
    for (const kind of REPORT_KINDS) {
      const u = usage(kind, 'zh');
      expect(u).toMatch(/^\*用法：\* `\//);
      expect(u).toMatch(/示例：`\//);
      expect(u).toContain('[日期]');
      expect(u).not.toMatch(/Usage|Example|China time|Leave it out/);
    }
    expect(usage('perf', 'zh')).toContain('最多可查询 180 天前的数据');
    expect(usage('cohorts', 'zh')).toContain('（也可用 `/wxa cohorts`）');
    expect(usage('users', 'zh')).toContain('• `1d`、`7d` 或 `30d`：截至该日期的天数；留空则为 7d。');
  });

  test('help', () => {
    const zh = helpText('zh');
    expect(zh.split('\n')).toHaveLength(helpText().split('\n').length);
    expect(zh).toMatch(/^\*微信小程序数据分析\*/);
    expect(zh).toContain('`/wxa users [1d|7d|30d] [日期]` — 用户画像');
    expect(zh).toContain('`app:&lt;名称&gt;`');
    expect(zh).not.toMatch(/\bthe\b|\bChina time\b|\bthis message\b/);
    expect(helpText()).toMatch(/^\*WeChat Mini Program analytics\*\n`\/retain daily\|weekly\|monthly \[date\]`/);
  });
});
