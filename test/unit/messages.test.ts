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
  UsersReport,
} from '../../src/reports/model';
import { REPORT_KINDS } from '../../src/reports/model';
import { parseReportText, type RequestProblem } from '../../src/reports/request';
import { chartAltText, chartTitle, renderMessage, type RenderedMessage } from '../../src/slack/blocks';
import { MAX_BLOCKS, MAX_FIELD_TEXT, MAX_FIELDS, MAX_HEADER_TEXT, MAX_SECTION_TEXT, truncate } from '../../src/slack/limits';
import { noteText, requestProblem, usage } from '../../src/slack/text';

const day = (d: string): Period => periodContaining('daily', d);
const week = (d: string): Period => periodContaining('weekly', d);
const base = { appName: 'Demo <!here> & co', sandbox: false, empty: false, notes: [] as ReportNote[] };
const HOSTILE = `<!channel> *bold* \`code\` & /pages/${'a'.repeat(3000)}`;

type AnyBlock = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text: string }[] };

/** Every piece of text a reader sees, one per line. */
function texts(m: RenderedMessage): string[] {
  return (m.blocks as AnyBlock[]).flatMap((b) => [
    ...(b.text ? [b.text.text] : []),
    ...(b.fields ?? []).map((f) => f.text),
    ...(b.elements ?? []).map((e) => e.text),
  ]);
}
const all = (m: RenderedMessage) => texts(m).join('\n');

/** Slack's limits, for any message. */
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
  // Code blocks are never cut open by a truncation.
  for (const t of texts(m)) expect((t.match(/```/g) ?? []).length % 2).toBe(0);
}

/** Nothing from WeChat pings, links or formats. */
function expectEscaped(m: RenderedMessage): void {
  const s = all(m) + m.text;
  expect(s).not.toMatch(/<!channel>|<!here>|<@U/);
  expect(s).not.toMatch(/&(?!amp;|lt;|gt;)/);
}

// ---- sources ----

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

describe('sources message', () => {
  test('top sources with sessions, share and change against the same weekday a week earlier', () => {
    const m = renderMessage(sourcesReport());
    const s = all(m);
    expect(s).toContain('Daily visit sources · 2017-03-06');
    expect(s).toContain('Monday 2017-02-27');
    expect(s).toMatch(/Search +4,000 +50% +▲ 33\.3%/);
    expect(s).toMatch(/Chat +2,500 +31% +▼ 16\.7%/);
    expect(s).toMatch(/Source 63 +1,000 +13% +new/);
    expect(s).toContain('vs 02-27');
    expect(s).toContain('*Sessions*\n8,000');
    expectWithinLimits(m);
    expectEscaped(m);
  });

  test('movers are called out with arrows, the change and the difference', () => {
    const s = all(renderMessage(sourcesReport()));
    expect(s).toContain('Search ▲ 33.3% (+1,000) · Source 63 new (+1,000) · Chat ▼ 16.7% (-500)');
  });

  test('stay time and depth as tables with their labels and shares', () => {
    const s = all(renderMessage(sourcesReport()));
    expect(s).toMatch(/0–2 s +100 +25%/);
    expect(s).toMatch(/over 100 s +300 +75%/);
    expect(s).toMatch(/1 page +150 +38%/);
    expect(s).toMatch(/over 10 pages +250 +63%/);
  });

  test('60 sources: the top 10 shown, the rest summed, within limits', () => {
    const rows: [number, number, number | null][] = Array.from({ length: 60 }, (_, i) => [i + 1, 6000 - i * 100, 5000]);
    const r = sourcesReport(rows);
    const m = renderMessage(r);
    const rest = rows.slice(10).reduce((a, [, v]) => a + v, 0) / (r.totalSessions ?? 1);
    expect(all(m)).toContain(`+50 more sources (${(rest * 100).toFixed(1)}% of sessions)`);
    expect(all(m)).not.toContain('Shared from an app'); // key 14, 14th by sessions
    expectWithinLimits(m);
  });

  test('fallback is a one-line summary', () => {
    expect(renderMessage(sourcesReport()).text).toBe(
      'Daily visit sources · 2017-03-06 (Demo &lt;!here&gt; &amp; co): 8,000 sessions from 4 sources; top: Search (50.0%).',
    );
  });
});

// ---- pages ----

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

describe('pages message', () => {
  const normal = [page('pages/index/index', 10000, 0.3), page('pages/pay/done', 5000, 0.72, true), page('pages/cart/cart', 1000, 0.2)];

  test('page views, visitors, stay, entry and exit shares and the total', () => {
    const m = renderMessage(pagesReport(normal));
    const s = all(m);
    expect(s).toContain('*Page views*\n16,000');
    expect(s).toMatch(/pages\/index\/index +10,000 +4,000 +12\.5 s +60% +30% +120/);
    expect(s).toContain('Showing 3 of 3 pages: 100.0% of page views.');
    expectWithinLimits(m);
  });

  test('exit-heavy pages are flagged, with a footnote', () => {
    const s = all(renderMessage(pagesReport(normal)));
    expect(s).toMatch(/pages\/pay\/done +5,000 .* 72% +120 +⚠/);
    expect(s).not.toMatch(/pages\/index\/index .*⚠/);
    expect(s).toContain('exits ≥ 50% of its views');
    expect(s).toContain('`pages/pay/done` (72.0%)');
    expect(all(renderMessage(pagesReport([normal[0]])))).not.toContain('⚠');
  });

  test('a hostile path is escaped, stripped of backticks and shortened', () => {
    const m = renderMessage(pagesReport([page(HOSTILE, 9000, 0.9, true), ...normal]));
    const s = all(m);
    expect(s).toContain('&lt;!channel&gt; *bold* code &amp; /pages/aaaa');
    expect(s).not.toContain('a'.repeat(60));
    const table = texts(m).find((t) => t.includes('Top 4 pages')) ?? '';
    expect(table.replace(/```/g, '')).not.toContain('`');
    const row = table.split('\n').find((l) => l.includes('channel')) ?? '';
    expect(row).toMatch(/aaa… +9,000/);
    expectEscaped(m);
    expectWithinLimits(m);
  });

  test('200 hostile pages stay within Slack limits and show the top 10', () => {
    const pages = Array.from({ length: 200 }, (_, i) => page(`${HOSTILE}${i}`.replace('/pages/', `/p${i}/`), 20000 - i, 0.6, true));
    const m = renderMessage(pagesReport(pages));
    expectWithinLimits(m);
    expectEscaped(m);
    expect(all(m)).toContain('Showing 10 of 200 pages');
    expect(all(m)).toContain('/p9/');
    expect(all(m)).not.toContain('/p10/');
  });
});

// ---- users ----

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
    newUsers: portrait(1200),
    activeUsers: portrait(10000),
  };
}

describe('users message', () => {
  test('new and active totals, splits with shares, genders and ages in English', () => {
    const m = renderMessage(usersReport());
    const s = all(m);
    expect(s).toContain('User portrait · 7 days to 2017-03-12');
    expect(s).toContain('*Active users*\n10,000');
    expect(s).toContain('*New users*\n1,200 (12.0% of active)');
    expect(s).toMatch(/Male +6,000 +60%/);
    expect(s).toMatch(/Unknown +500 +5\.0%/);
    expect(s).toMatch(/iPhone +5,500 +55%/);
    expect(s).toMatch(/18–24 +3,000 +30%/);
    expect(s).toMatch(/50 and over +2,000 +20%/);
    expect(s).toMatch(/广东 +3,000 +30%/);
    expect(s).toContain('深圳');
    expectWithinLimits(m);
  });

  test('top 5 provinces only; names from WeChat escaped', () => {
    const m = renderMessage(usersReport());
    const s = all(m);
    expect(s).toContain('北京');
    expect(s).not.toContain('上海');
    expect(s).toContain('+2 more provinces');
    expect(s).toContain('&lt;@U123&gt; *x*');
    expect(s).toContain('HUAWEI P10');
    expectEscaped(m);
  });
});

// ---- perf ----

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

describe('perf message', () => {
  test('latest, average and change per metric with units; no data said', () => {
    const m = renderMessage(perfReport());
    const s = all(m);
    expect(s).toContain('Performance · 7 days to 2017-03-12');
    // launch: latest 1,200 on 03-11 (the 12th has none), mean 1,250, halves 1,300 -> 1,200
    expect(s).toMatch(/Launch time +1,200 ms +03-11 +1,250 ms +▼ 7\.7%/);
    expect(s).toMatch(/Page-switch time +260 ms +03-12 +230 ms +▲ 16\.7%/);
    expect(s).toMatch(/Memory use +125\.4 MB +03-12 +122\.3 MB/);
    expect(s).toMatch(/Memory anomalies +no data/);
    expect(s).toContain('WeChat sent no figures for memory anomalies');
    expect(s).toContain('`启动总耗时 &lt;b&gt;`');
    expectWithinLimits(m);
    expectEscaped(m);
  });
});

// ---- cohorts ----

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

describe('cohorts message', () => {
  test('a compact table: start, size, 100% at +0, – where missing, and how to read it', () => {
    const m = renderMessage(cohortsReport());
    const s = all(m);
    expect(s).toContain('Weekly retention cohorts · 2017-03-06 – 2017-03-12');
    expect(s).toMatch(/Week of +Users +\+0 +\+1 +\+2 +\+3/);
    expect(s).toMatch(/2017-02-20 +1,000 +100% +40% +30% +5\.0%/);
    expect(s).toMatch(/2017-02-27 +1,200 +100% +35% +– +–/);
    expect(s).toMatch(/2017-03-06 +n\/a +– +– +– +–/);
    expect(s).toContain('How to read it');
    expect(m.text).toContain('35.0% of the 2017-02-27 cohort came back the next week');
    expectWithinLimits(m);
  });
});

// ---- digest ----

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
      figure('visitUvNew', 'New users', 'count', 1234, 1300),
      figure('stayTimeSession', 'Stay time per session', 'seconds', 54.53, 50),
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

describe('digest message', () => {
  test('KPIs with change, the retention line, top sources and pages with change, movers', () => {
    const m = renderMessage(digestReport());
    const s = all(m);
    expect(s).toContain('Weekly digest · 2017-03-06 – 2017-03-12');
    expect(s).toContain('*Visitors*\n5,000  (▲ 25.0%)');
    expect(s).toContain('*Stay time per session*\n54.5 s  (▲ 9.1%)');
    expect(s).toContain(
      '41.2% of the 1,234 new users of 2017-02-27 – 2017-03-05 came back in 2017-03-06 – 2017-03-12 (38.0% the week before).',
    );
    expect(s).toMatch(/Search +8,000 +▲ 14\.3%/);
    expect(s).toMatch(/Source 63 +2,000 +▲ 33\.3%/);
    expect(s).not.toMatch(/Moments +500/); // a mover, not in the top 5
    expect(s).toMatch(/pages\/goods\/detail +12,000 +▼ 30\.0%/);
    expect(s).toContain('*What moved:* Moments ▼ 83.3% (-2,500) · Search ▲ 14.3% (+1,000) · Chat ▼ 16.7% (-1,000)');
    expect(s).toContain('`pages/cart/cart` ▲ 50.0%');
    expect(m.text).toContain('5,000 visitors (▲ 25.0% vs previous week)');
    expectWithinLimits(m);
    expectEscaped(m);
  });

  test('a context line for every missing part', () => {
    const notes: ReportNote[] = [
      { kind: 'part_missing', part: 'pages', error: 'rate_limited' },
      { kind: 'part_missing', part: 'retention', error: 'timeout' },
    ];
    const m = renderMessage({ ...digestReport(notes), pages: [], retention: null });
    const contexts = (m.blocks as AnyBlock[])
      .filter((b) => b.type === 'context')
      .map((b) => (b.elements ?? []).map((e) => e.text).join(' '));
    expect(contexts).toContain(':warning: The top pages could not be fetched from WeChat (rate_limited); the rest is shown.');
    expect(contexts).toContain(':warning: The retention figures could not be fetched from WeChat (timeout); the rest is shown.');
    expect(all(m)).not.toContain('Top 5 pages');
  });
});

// ---- every kind ----

describe('every kind', () => {
  const reports: Report[] = [
    sourcesReport(),
    pagesReport([page('a', 1, 0.1)]),
    usersReport(),
    perfReport(),
    cohortsReport('daily'),
    digestReport(),
  ];

  test.each(reports.map((r) => [r.kind, r] as const))('%s: generated line, limits, escaped app name', (_kind, r) => {
    const m = renderMessage(r, { generatedAt: new Date('2017-03-13T02:00:00Z'), timezone: 'Asia/Shanghai' });
    expect(all(m)).toContain('Generated 2017-03-13 10:00 (Asia/Shanghai)');
    expect(all(m)).toContain('Demo &lt;!here&gt; &amp; co');
    expectWithinLimits(m);
    expectEscaped(m);
  });

  test('the sandbox is said', () => {
    expect(all(renderMessage({ ...perfReport(), sandbox: true }))).toContain('sandbox data');
  });

  test('chart title and alt text per kind', () => {
    expect(chartTitle(sourcesReport())).toBe('Daily visit sources · 2017-03-06 — sessions by source');
    expect(chartAltText(sourcesReport())).toBe('Horizontal bar chart of sessions by access source for Daily visit sources · 2017-03-06');
    expect(chartAltText(perfReport())).toMatch(/^Line chart of launch time.*Performance · 7 days to 2017-03-12$/);
    expect(chartAltText(cohortsReport())).toMatch(/^Heatmap/);
  });
});

// ---- words ----

describe('notes, request problems and usage', () => {
  const NOW = new Date('2018-03-20T04:00:00Z');
  const problem = (kind: Report['kind'], text: string): string => {
    const r = parseReportText(kind, text, NOW);
    if (r.ok) throw new Error(`expected a problem for ${kind} "${text}"`);
    return requestProblem(r.problem);
  };

  test('part_missing', () => {
    expect(noteText({ kind: 'part_missing', part: 'sources', error: 'system' })).toBe(
      'The visit sources could not be fetched from WeChat (system); the rest is shown.',
    );
    expect(noteText({ kind: 'part_missing', part: 'memory', error: 'quota' })).toMatch(/^The memory use could not/);
  });

  test('granularity_not_offered', () => {
    expect(problem('sources', 'weekly')).toMatch(/^`\/wxa sources` is daily only/);
    expect(problem('pages', 'monthly 2017-02')).toMatch(/^`\/wxa pages` is daily only/);
    expect(problem('digest', 'monthly')).toBe('`/wxa digest` is not offered monthly. Choose `weekly` or `daily`.');
  });

  test('bad_span names the spans offered', () => {
    expect(problem('users', '14d')).toBe('`14d` is not a span `/wxa users` offers. Choose `1d`, `7d` or `30d`.');
    expect(problem('perf', '1d')).toContain('Choose `7d` or `30d`');
  });

  test('too_old says how far back the bot asks (its own limit, not a WeChat fact) and the oldest day', () => {
    expect(problem('perf', '7d 2017-06-01')).toContain(
      'this bot asks WeChat for performance data at most 180 days back (WeChat does not say how long it keeps it); the oldest day you can ask for is 2017-09-21',
    );
  });

  test('not_a_period in the words of the kind', () => {
    expect(problem('retain', 'hourly')).toBe('`hourly` is not a period. Choose daily, weekly or monthly.');
    expect(problem('users', 'hourly')).toContain('`1d`, `7d` or `30d`');
    expect(problem('cohorts', 'hourly')).toContain('Choose weekly or daily');
    expect(problem('sources', 'hourly')).toContain('daily only');
    const hostile: RequestProblem = { reason: 'not_a_period', token: '<!channel>', kind: 'perf' };
    expect(requestProblem(hostile)).not.toContain('<!channel>');
  });

  test('usage for every kind: its command and one example', () => {
    const commands: Record<Report['kind'], string> = {
      retain: '`/retain daily|weekly|monthly [date]`',
      visits: '`/visits daily|weekly|monthly [date]`',
      sources: '`/wxa sources [date]`',
      pages: '`/wxa pages [date]`',
      users: '`/wxa users [1d|7d|30d] [date]`',
      perf: '`/wxa perf [7d|30d] [date]`',
      cohorts: '`/retain cohorts [weekly|daily] [date]` (also `/wxa cohorts`)',
      digest: '`/wxa digest [weekly|daily] [date]`',
    };
    for (const kind of REPORT_KINDS) {
      expect(usage(kind)).toContain(`*Usage:* ${commands[kind]}`);
      expect(usage(kind)).toMatch(/Examples?: `\//);
    }
    expect(usage('perf')).toContain('180 days');
  });
});

describe('truncate', () => {
  test('never cuts an escaped entity or a surrogate pair in half', () => {
    expect(truncate(`${'a'.repeat(10)}&amp;bbb`, 13)).toBe(`${'a'.repeat(10)}…`);
    expect(truncate(`${'a'.repeat(5)}😀bbb`, 7)).toBe(`${'a'.repeat(5)}…`);
    expect(truncate('short', 10)).toBe('short');
  });
});
