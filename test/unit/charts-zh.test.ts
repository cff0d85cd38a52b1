import { mkdirSync, writeFileSync } from 'node:fs';
import { CanvasRenderingContext2D, createCanvas } from 'canvas';
import { periodContaining, periodsEnding } from '../../src/calendar/period';
import type { Report, TrendReport } from '../../src/reports/model';
import { CHART_WIDTH, cjkFontFamily, renderChart } from '../../src/render/chart';
import { SUBTITLE_SIZE, TITLE_SIZE, truncateColumns } from '../../src/render/charts/style';
import { chartTexts } from '../../src/render/texts';
import { PNG_SIGNATURE, pngSize } from '../helpers/harness';

// Every chart kind in Simplified Chinese: the same reports as charts.test.ts (fixtures copied from
// there), drawn with language 'zh'. The PNGs go to /tmp/charts-zh for a person to look at.

const OUT = '/tmp/charts-zh';
import {
  cohorts,
  day,
  digest,
  emptyPortrait,
  pages,
  perf,
  portrait,
  sourceRow,
  sources,
  trendPoints,
  users,
  visits,
  week,
} from '../helpers/chart-reports';
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
