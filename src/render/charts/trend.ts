import type { ChartConfiguration } from 'chart.js';
import type { DigestReport, TrendPoint, TrendReport } from '../../reports/model';
import { baseOptions, COLORS, subtitle } from './style';
import { wordsFor } from './words';

const X_AXIS = { monthly: 'chart.axis.month', weekly: 'chart.axis.weekStarting', daily: 'chart.axis.day' } as const;

/** Nothing to draw when no point has any of the plotted figures. */
export function trendIsEmpty(trend: TrendPoint[]): boolean {
  return trend.every((t) => t.visitUv === null && t.visitUvNew === null && t.sessionCnt === null);
}

function series(label: string, data: (number | null)[], color: string, axis: 'y' | 'y1', dash: number[] = []) {
  return {
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderDash: dash,
    yAxisID: axis,
    tension: 0.3,
    cubicInterpolationMode: 'monotone' as const,
    pointRadius: 4,
    borderWidth: 3,
    spanGaps: false, // a missing figure stays a gap, never a zero
  };
}

/** The visit trend (visitors and new visitors, sessions on the right axis): /retain, /visits and the digest. */
export function trendConfig(r: TrendReport | DigestReport, headline?: string): ChartConfiguration<'line'> {
  const g = r.period.granularity;
  const w = wordsFor(r);
  const { t } = w;
  const what = t('chart.trend.subtitle', { n: r.trend.length, units: t(`chart.units.${g}`), date: w.date(r.period.end) });
  const options = baseOptions<'line'>(r, subtitle(r, what, headline));
  return {
    type: 'line',
    data: {
      labels: r.trend.map((t) => t.label),
      datasets: [
        series(
          t('chart.visitors'),
          r.trend.map((t) => t.visitUv),
          COLORS.blue,
          'y',
        ),
        series(
          t('chart.trend.newVisitors'),
          r.trend.map((t) => t.visitUvNew),
          COLORS.green,
          'y',
        ),
        series(
          t('chart.trend.sessionsRight'),
          r.trend.map((t) => t.sessionCnt),
          COLORS.amber,
          'y1',
          [8, 5],
        ),
      ],
    },
    options: {
      ...options,
      scales: {
        x: { title: { display: true, text: t(X_AXIS[g]) } },
        y: {
          beginAtZero: true,
          title: { display: true, text: t('chart.visitors') },
          ticks: { callback: (v) => w.tick(Number(v)) },
        },
        y1: {
          beginAtZero: true,
          position: 'right',
          grid: { drawOnChartArea: false },
          title: { display: true, text: t('chart.sessions') },
          ticks: { callback: (v) => w.compact(Number(v)) },
        },
      },
    },
  };
}
