import type { ChartConfiguration } from 'chart.js';
import { isoDate, UNITS } from '../../calendar/labels';
import type { DigestReport, TrendPoint, TrendReport } from '../../reports/model';
import { baseOptions, COLORS, COMPACT, NUMBER, subtitle } from './style';

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
  const g = UNITS[r.period.granularity].noun;
  const options = baseOptions<'line'>(
    r,
    subtitle(r, `Visit trend over the ${r.trend.length} ${g}s up to ${isoDate(r.period.end)}`, headline),
  );
  return {
    type: 'line',
    data: {
      labels: r.trend.map((t) => t.label),
      datasets: [
        series(
          'Visitors',
          r.trend.map((t) => t.visitUv),
          COLORS.blue,
          'y',
        ),
        series(
          'New visitors',
          r.trend.map((t) => t.visitUvNew),
          COLORS.green,
          'y',
        ),
        series(
          'Sessions (right axis)',
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
        x: { title: { display: true, text: g === 'month' ? 'Month' : g === 'week' ? 'Week starting (MM-DD)' : 'Day (MM-DD)' } },
        y: {
          beginAtZero: true,
          title: { display: true, text: 'Visitors' },
          ticks: { callback: (v) => NUMBER.format(Number(v)) },
        },
        y1: {
          beginAtZero: true,
          position: 'right',
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'Sessions' },
          ticks: { callback: (v) => COMPACT.format(Number(v)) },
        },
      },
    },
  };
}
