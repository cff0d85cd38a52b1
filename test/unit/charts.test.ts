import { mkdirSync, writeFileSync } from 'node:fs';
import { loadImage, createCanvas } from 'canvas';
import type { Report } from '../../src/reports/model';
import { PIXEL_RATIO, renderChart } from '../../src/render/chart';
import { cellRect, heatmapLayout } from '../../src/render/charts/cohorts';
import { chartKey, createChartRenderer } from '../../src/render/pool';
import { chartTexts } from '../../src/render/texts';
import { PNG_SIGNATURE, pngSize } from '../helpers/harness';

const OUT = '/tmp/charts';
import {
  cohorts,
  digest,
  emptyPortrait,
  page,
  pages,
  perf,
  slice,
  sourceRow,
  sources,
  trendPoints,
  users,
  visits,
  week,
} from '../helpers/chart-reports';
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
