import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { type AlertReport, METRIC_UNITS, type MetricPoint, type MetricUnit, subjectLabel } from '../../reports/alert';
import { baseOptions, COLORS, subtitle } from './style';
import { type ChartWords, wordsFor } from './words';

// An alert's picture: the watched metric over the periods it was compared with (daily: the same
// weekday on each of the last weeks; weekly: the weeks before), the period evaluated marked red
// when the alert fires, and what it was judged against: the expected range and median (anomaly),
// the threshold (below/above), or the period compared with (drops/rises).

type LineDataset = ChartDataset<'line', (number | null)[]>;

const DECIMAL_1 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const DECIMAL_2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** The expected range's shading. */
const BAND = 'rgba(37, 99, 235, 0.13)';

/** Nothing to draw: WeChat had no value for the period evaluated. */
export function alertIsEmpty(r: AlertReport): boolean {
  return r.empty || r.verdict.state === 'no_value';
}

/** A value as text (subtitle, legend): "12,345" / "1.2万", "183.4 s", "41.2%", "3.25". */
export function alertValue(w: ChartWords, value: number, unit: MetricUnit): string {
  switch (unit) {
    case 'count':
      return w.count(value);
    case 'seconds':
      return w.figure(value, 'seconds');
    case 'ratio':
      return w.percent(value);
    case 'pages':
      return DECIMAL_2.format(value);
  }
}

function tick(w: ChartWords, value: number, unit: MetricUnit): string {
  switch (unit) {
    case 'count':
      return w.tick(value);
    case 'seconds':
      return DECIMAL_1.format(value);
    case 'ratio':
      return w.percent(value);
    case 'pages':
      return DECIMAL_2.format(value);
  }
}

/** History, oldest first, then the period evaluated. */
function points(r: AlertReport): MetricPoint[] {
  return [...r.series.history, r.series.current];
}

/** The value evaluated: the current point's, or the verdict's should the point lack it. */
function currentValue(r: AlertReport): number | null {
  if (r.series.current.value !== null) return r.series.current.value;
  return 'value' in r.verdict ? r.verdict.value : null;
}

function stateColor(r: AlertReport): string {
  switch (r.verdict.state) {
    case 'firing':
      return COLORS.red;
    case 'ok':
      return COLORS.green;
    default:
      return COLORS.grey;
  }
}

/** "9 Mondays · fires below 20,000 · firing: 12,345", "近9周 · 下降20%及以上时触发 · 已触发：1.2万 · 较1.9万-35%" */
export function alertSubtitle(r: AlertReport): string {
  const w = wordsFor(r);
  const { t } = w;
  const unit = METRIC_UNITS[r.metric];
  const count = points(r).length;
  const drawn =
    r.granularity === 'daily'
      ? t('chart.alert.series.daily', { count, weekday: w.weekday(r.period.begin) })
      : t('chart.alert.series.weekly', { count });
  const c = r.condition;
  const when =
    c.kind === 'below' || c.kind === 'above'
      ? t(`chart.alert.when.${c.kind}`, { value: alertValue(w, c.value, unit) })
      : c.kind === 'drops' || c.kind === 'rises'
        ? t(`chart.alert.when.${c.kind}`, { percent: c.percent })
        : t('chart.alert.when.anomaly');
  const v = r.verdict;
  if (v.state === 'no_value') return subtitle(r, drawn, when, t('chart.alert.state.no_value'));
  const state = t('chart.alert.state', { state: t(`chart.alert.state.${v.state}`), value: alertValue(w, v.value, unit) });
  const change =
    v.state !== 'not_enough_history' && (c.kind === 'drops' || c.kind === 'rises') && v.change !== null && v.previous !== null
      ? t('chart.alert.change', { change: w.change(v.change), previous: alertValue(w, v.previous, unit) })
      : undefined;
  return subtitle(r, drawn, when, state, change);
}

/** A horizontal line across the chart at `value`. */
function level(label: string, value: number, n: number, color: string, dash: number[], order: number): LineDataset {
  return {
    label,
    data: Array.from({ length: n }, () => value),
    borderColor: color,
    backgroundColor: color,
    borderDash: dash,
    borderWidth: 2,
    pointRadius: 0,
    pointHoverRadius: 0,
    fill: false,
    order,
  };
}

/** One marked point (index `at`), no line. */
function marker(label: string, value: number, at: number, n: number, color: string, radius: number, order: number): LineDataset {
  return {
    label,
    data: Array.from({ length: n }, (_, i) => (i === at ? value : null)),
    borderColor: '#ffffff',
    backgroundColor: color,
    pointBackgroundColor: color,
    pointBorderColor: '#ffffff',
    pointBorderWidth: 2,
    pointRadius: radius,
    pointHoverRadius: radius,
    showLine: false,
    order,
  };
}

/**
 * The alert chart's Chart.js configuration. Datasets, in drawing order (the first on top): the
 * period evaluated (a large point, red when firing, green when not, grey without enough history);
 * drops/rises: the period compared with; the metric's line (missing values are gaps); below/above:
 * the threshold, dashed; anomaly: the median, dashed, and the expected range, shaded (its upper
 * edge fills down to the unlabelled lower edge that follows it).
 */
export function alertConfig(r: AlertReport): ChartConfiguration<'line'> {
  const w = wordsFor(r);
  const { t } = w;
  const unit = METRIC_UNITS[r.metric];
  const all = points(r);
  const n = all.length;
  const last = n - 1;
  const metric = t(`chart.metric.${r.metric}`, { subject: subjectLabel(r, w.lang) });
  const v = r.verdict;
  const c = r.condition;
  const datasets: LineDataset[] = [];

  const value = currentValue(r);
  if (value !== null) {
    datasets.push(marker(t('chart.alert.current', { date: w.date(r.period.begin) }), value, last, n, stateColor(r), 9, 0));
  }
  const compared = r.series.history.at(-1);
  if ((c.kind === 'drops' || c.kind === 'rises') && compared && v.state !== 'no_value') {
    const previous = 'previous' in v && v.previous !== null ? v.previous : compared.value;
    if (previous !== null) {
      const label = t(`chart.alert.previous.${r.granularity}`, { date: w.date(compared.period.begin) });
      datasets.push(marker(label, previous, last - 1, n, COLORS.amber, 7, 1));
    }
  }
  datasets.push({
    label: metric,
    data: all.map((p) => p.value),
    borderColor: COLORS.blue,
    backgroundColor: COLORS.blue,
    borderWidth: 3,
    pointRadius: 4,
    tension: 0,
    spanGaps: false, // a missing value stays a gap, never a zero
    fill: false,
    order: 2,
  });
  if (c.kind === 'below' || c.kind === 'above') {
    const threshold = 'threshold' in v && v.threshold !== undefined ? v.threshold : c.value;
    datasets.push(level(t('chart.alert.threshold', { value: alertValue(w, threshold, unit) }), threshold, n, COLORS.red, [8, 5], 3));
  }
  const expected = 'expected' in v ? v.expected : undefined;
  if (c.kind === 'anomaly' && expected) {
    datasets.push(level(t('chart.alert.median'), expected.median, n, COLORS.purple, [6, 4], 3));
    datasets.push({
      ...level(t('chart.alert.expected'), expected.high, n, BAND, [], 4),
      borderWidth: 0,
      backgroundColor: BAND,
      fill: '+1',
    });
    datasets.push({ ...level('', expected.low, n, BAND, [], 4), borderWidth: 0 });
  }

  const options = baseOptions<'line'>(r, alertSubtitle(r));
  return {
    type: 'line',
    data: { labels: all.map((p) => w.date(p.period.begin)), datasets },
    options: {
      ...options,
      plugins: {
        ...options.plugins,
        // The expected range's lower edge has no entry of its own.
        legend: { position: 'bottom', labels: { filter: (item) => item.text !== '' } },
      },
      scales: {
        // Half a column either side: the marked point at the end is not cut off.
        x: { offset: true, title: { display: true, text: t(`chart.alert.axis.${r.granularity}`) } },
        y: {
          beginAtZero: false,
          grace: '10%',
          title: { display: true, text: metric },
          ticks: { callback: (tickValue) => tick(w, Number(tickValue), unit) },
        },
      },
    },
  };
}
