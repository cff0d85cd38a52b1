import type { ChartDataset } from 'chart.js';
import { addDays, periodContaining } from '../../src/calendar/period';
import type { Language } from '../../src/i18n';
import { ALERT_METRICS, type AlertMetric, type AlertReport, type MetricPoint } from '../../src/reports/alert';
import { emptySubtitle, isEmpty, renderChart } from '../../src/render/chart';
import { alertConfig, alertSubtitle } from '../../src/render/charts/alert';
import { COLORS } from '../../src/render/charts/style';
import { wordsFor } from '../../src/render/charts/words';
import { chartKey, createChartRenderer } from '../../src/render/pool';
import { chartTexts } from '../../src/render/texts';
import { PNG_SIGNATURE, pngSize } from '../helpers/harness';

// The alert's chart: the metric over the periods compared, the period evaluated marked, and what it
// was judged against (expected range and median, threshold, the period compared with).

const DAY = '20170313'; // a Monday
const WEEK = periodContaining('weekly', DAY);

const daily = (d: string, value: number | null): MetricPoint => ({ period: periodContaining('daily', d), value });
const weekly = (d: string, value: number | null): MetricPoint => ({ period: periodContaining('weekly', d), value });
/** The same weekday on each of the `values.length` weeks before DAY, oldest first. */
const sameWeekdays = (values: (number | null)[]) => values.map((v, i) => daily(addDays(DAY, -7 * (values.length - i)), v));
const weeksBefore = (values: (number | null)[]) => values.map((v, i) => weekly(addDays(WEEK.begin, -7 * (values.length - i)), v));

const base = { appName: '示例小程序', sandbox: true, empty: false, alertId: 'al_1' } as const;

function anomaly(language: Language, state: 'firing' | 'ok' = 'firing'): AlertReport {
  const value = state === 'firing' ? 13_000 : 25_700;
  return {
    ...base,
    kind: 'alert',
    period: periodContaining('daily', DAY),
    language,
    metric: 'visitors',
    granularity: 'daily',
    condition: { kind: 'anomaly' },
    series: { current: daily(DAY, value), history: sameWeekdays([25_100, 24_800, null, 26_000, 25_500, 25_900, 26_200, 25_800]) },
    verdict: { state, value, previous: 25_800, change: value / 25_800 - 1, expected: { low: 24_300, high: 27_100, median: 25_800 } },
  };
}

function below(language: Language): AlertReport {
  return {
    ...base,
    kind: 'alert',
    period: periodContaining('daily', DAY),
    language,
    metric: 'sessions',
    granularity: 'daily',
    condition: { kind: 'below', value: 50_000 },
    series: { current: daily(DAY, 40_000), history: sameWeekdays([61_000, 60_000, 62_000]) },
    verdict: { state: 'firing', value: 40_000, previous: 62_000, change: 40_000 / 62_000 - 1, threshold: 50_000 },
  };
}

function weeklyRatio(language: Language): AlertReport {
  return {
    ...base,
    kind: 'alert',
    period: WEEK,
    language,
    metric: 'week1_retention',
    granularity: 'weekly',
    condition: { kind: 'drops', percent: 20 },
    series: { current: weekly(WEEK.begin, 0.29), history: weeksBefore([0.41, 0.4, 0.42, 0.39, 0.41, 0.4, 0.42, 0.41]) },
    verdict: { state: 'firing', value: 0.29, previous: 0.41, change: 0.29 / 0.41 - 1 },
  };
}

const CASES: [string, (l: Language) => AlertReport][] = [
  ['a firing anomaly', (l) => anomaly(l)],
  ['a value below the threshold', below],
  ['a weekly ratio that dropped', weeklyRatio],
];

type Line = ChartDataset<'line', (number | null)[]>;
const datasets = (r: AlertReport) => alertConfig(r).data.datasets as Line[];
const byLabel = (r: AlertReport, label: string) => datasets(r).find((d) => d.label === label);

function expectPng(png: Buffer): void {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(pngSize(png)).toEqual({ width: 1600, height: 800 });
}

describe('the alert chart', () => {
  test.each(CASES)('%s: a PNG of the chart size in English and Chinese, the two different', (_name, make) => {
    const en = renderChart(make('en'));
    const zh = renderChart(make('zh'));
    expectPng(en);
    expectPng(zh);
    expect(en.equals(zh)).toBe(false);
  });

  test('firing and not firing draw different pictures', () => {
    expect(renderChart(anomaly('en', 'firing')).equals(renderChart(anomaly('en', 'ok')))).toBe(false);
  });

  test('anomaly: the expected range shaded, the median dashed, the period evaluated marked red', () => {
    const r = anomaly('en');
    const all = datasets(r);
    const band = all.find((d) => d.label === 'Expected range');
    expect(band).toBeDefined();
    expect(band?.fill).toBe('+1');
    expect(band?.data).toEqual(Array(9).fill(27_100));
    // The band's lower edge follows it, without a legend entry of its own.
    const lower = all[all.indexOf(band as Line) + 1];
    expect(lower.label).toBe('');
    expect(lower.data).toEqual(Array(9).fill(24_300));
    const median = byLabel(r, 'Median');
    expect(median?.data).toEqual(Array(9).fill(25_800));
    expect(median?.borderDash?.length).toBeGreaterThan(0);

    const current = all.find((d) => d.label === 'Evaluated (2017-03-13)');
    expect(current?.data).toEqual([...Array(8).fill(null), 13_000]);
    expect(current?.pointBackgroundColor).toBe(COLORS.red);
    expect(current?.showLine).toBe(false);
    const line = byLabel(r, 'Visitors');
    expect(Number(current?.pointRadius)).toBeGreaterThan(Number(line?.pointRadius));
    expect(byLabel(anomaly('en', 'ok'), 'Evaluated (2017-03-13)')?.pointBackgroundColor).toBe(COLORS.green);
    // The evaluated point is drawn on top of everything.
    expect(all[0]).toBe(current);
  });

  test('a missing history value is a gap, never a zero', () => {
    const line = byLabel(anomaly('en'), 'Visitors');
    expect(line?.data).toEqual([25_100, 24_800, null, 26_000, 25_500, 25_900, 26_200, 25_800, 13_000]);
    expect(line?.spanGaps).toBe(false);
  });

  test('below: the threshold as a dashed line; no band', () => {
    const r = below('en');
    const threshold = byLabel(r, 'Threshold (50,000)');
    expect(threshold?.data).toEqual(Array(4).fill(50_000));
    expect(threshold?.borderDash?.length).toBeGreaterThan(0);
    expect(byLabel(r, 'Expected range')).toBeUndefined();
    expect(alertConfig(r).data.labels).toEqual(['2017-02-20', '2017-02-27', '2017-03-06', '2017-03-13']);
    expect(alertSubtitle(r)).toBe('4 Mondays · fires below 50,000 · firing: 40,000 · sandbox data');
  });

  test('drops (weekly ratio): the week compared with highlighted, percent on the axis, week starts as labels', () => {
    const r = weeklyRatio('en');
    const previous = byLabel(r, 'The week before (2017-03-06)');
    expect(previous?.data).toEqual([...Array(7).fill(null), 0.41, null]);
    const config = alertConfig(r);
    expect(config.data.labels?.at(-1)).toBe('2017-03-13');
    expect(config.data.labels?.[0]).toBe('2017-01-16');
    const y = config.options?.scales?.y;
    const callback = y?.ticks?.callback as (v: number) => string;
    expect(callback.call(undefined, 0.41)).toBe('41%');
    expect(alertSubtitle(r)).toBe('9 weeks · fires on a drop of 20% or more · firing: 29% · -29.3% vs 41% · sandbox data');
    // A daily drop is compared with the same weekday a week earlier.
    const d: AlertReport = { ...below('en'), condition: { kind: 'drops', percent: 30 } };
    expect(byLabel(d, 'Same weekday a week earlier (2017-03-06)')?.data).toEqual([null, null, 62_000, null]);
  });

  test('Chinese: the catalogue words, Chinese dates', () => {
    const r = weeklyRatio('zh');
    const config = alertConfig(r);
    expect(config.options?.plugins?.title?.text).toBe('示例小程序 — 每周告警：次周留存率 · 2017年3月13日–19日');
    expect(config.data.labels?.at(-1)).toBe('2017年3月13日');
    expect(byLabel(r, '上一周（2017年3月6日）')).toBeDefined();
    expect(alertSubtitle(anomaly('zh'))).toBe('近9个周一 · 超出预期范围时触发 · 已触发：13,000 · 沙盒数据');
    expect(chartTexts(anomaly('zh')).join(' ')).not.toMatch(/[A-Za-z]{3,}/);
    expect(chartTexts(below('zh'))).toEqual(expect.arrayContaining(['阈值（50,000）', '打开次数', '日期']));
  });

  test('every metric has a name in both languages', () => {
    const names = (l: Language) =>
      ALERT_METRICS.map((m: AlertMetric) =>
        wordsFor({ language: l }).t(`chart.metric.${m}`, { subject: m === 'source_share' ? '搜索' : 'pages/a' }),
      );
    expect(names('zh')).toEqual([
      '访问人数',
      '新用户数',
      '打开次数',
      '访问次数',
      '人均停留时长（秒）',
      '平均访问深度',
      '分享次数',
      '次日留存率',
      '7日留存率',
      '次周留存率',
      '来自搜索的打开次数占比',
      'pages/a 的访问次数占比',
    ]);
    expect(new Set(names('en')).size).toBe(ALERT_METRICS.length);
    expect(names('en')).toContain('Day-1 retention');
  });

  test('not enough history: the point marked grey, no band', () => {
    const r: AlertReport = { ...anomaly('en'), verdict: { state: 'not_enough_history', value: 13_000, points: 2 } };
    expect(byLabel(r, 'Evaluated (2017-03-13)')?.pointBackgroundColor).toBe(COLORS.grey);
    expect(byLabel(r, 'Expected range')).toBeUndefined();
    expectPng(renderChart(r));
  });

  test('no value: the empty picture, saying what it would have shown', () => {
    const r: AlertReport = { ...below('en'), series: { ...below('en').series, current: daily(DAY, null) }, verdict: { state: 'no_value' } };
    expect(isEmpty(r)).toBe(true);
    expect(emptySubtitle(r)).toBe('4 Mondays · fires below 50,000 · no value from WeChat · sandbox data');
    const png = renderChart(r);
    expectPng(png);
    expect(png.equals(renderChart(below('en')))).toBe(false);
    expect(chartTexts(r)).toContain('No data from WeChat for this period');
  });

  test('the cache key covers all the chart draws, and nothing else', () => {
    const r = anomaly('en');
    const key = chartKey(r);
    expect(chartKey({ ...r, alertId: 'al_2' })).toBe(key);
    expect(chartKey(anomaly('zh'))).not.toBe(key);
    expect(chartKey(anomaly('en', 'ok'))).not.toBe(key);
    expect(chartKey({ ...r, condition: { kind: 'below', value: 20_000 } })).not.toBe(key);
    expect(chartKey({ ...r, series: { ...r.series, history: r.series.history.slice(1) } })).not.toBe(key);
    expect(chartKey({ ...r, metric: 'new_users' })).not.toBe(key);
  });

  test('drawn on a render worker thread (needs the build: npm test builds first), as in this thread', async () => {
    const pool = createChartRenderer(1, 0);
    try {
      expect(pool.threads).toBe(1);
      const r = anomaly('zh');
      const png = await pool.render(r);
      expectPng(png);
      expect(png.equals(renderChart(r))).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
