import type { ChartConfiguration } from 'chart.js';
import type { PerfMetric, PerfReport, PerfSeries } from '../../reports/model';
import { baseOptions, COLORS, monthDay, subtitle } from './style';
import { wordsFor } from './words';

const DRAWN: PerfMetric[] = ['launch', 'pageSwitch', 'memory'];

function find(r: PerfReport, metric: PerfMetric): PerfSeries | undefined {
  return r.series.find((s) => s.metric === metric);
}

export function perfIsEmpty(r: PerfReport): boolean {
  return DRAWN.every((m) => (find(r, m)?.points ?? []).every((p) => p.value === null));
}

/** The span's days, oldest first, from whichever series has them (they should all agree). */
function days(r: PerfReport): string[] {
  const all = new Set<string>();
  for (const s of r.series) for (const p of s.points) all.add(p.date);
  return [...all].sort();
}

/** Memory anomalies are counts on a scale of their own: said in the subtitle, not drawn. */
function anomalies(r: PerfReport): string | undefined {
  const s = find(r, 'memoryAnomaly');
  const known = (s?.points ?? []).filter((p) => p.value !== null);
  if (!known.length) return undefined;
  const total = known.reduce((sum, p) => sum + (p.value ?? 0), 0);
  const w = wordsFor(r);
  return w.t('chart.perf.anomalies', { count: total, n: w.count(total) });
}

/** Launch and page-switch times (ms, left axis) and memory (MB, right axis) per day; gaps stay gaps. */
export function perfConfig(r: PerfReport): ChartConfiguration<'line'> {
  const dates = days(r);
  const values = (metric: PerfMetric) => {
    const byDate = new Map((find(r, metric)?.points ?? []).map((p) => [p.date, p.value]));
    return dates.map((d) => byDate.get(d) ?? null);
  };
  const line = (label: string, metric: PerfMetric, color: string, axis: 'y' | 'y1', dash: number[] = []) => ({
    label,
    data: values(metric),
    borderColor: color,
    backgroundColor: color,
    borderDash: dash,
    yAxisID: axis,
    tension: 0.3,
    cubicInterpolationMode: 'monotone' as const,
    pointRadius: dates.length > 20 ? 3 : 4,
    borderWidth: 3,
    spanGaps: false,
  });
  const w = wordsFor(r);
  const { t } = w;
  const sub = subtitle(r, t('chart.perf.what'), anomalies(r));
  return {
    type: 'line',
    data: {
      labels: dates.map(monthDay),
      datasets: [
        line(t('chart.perf.launch'), 'launch', COLORS.blue, 'y'),
        line(t('chart.perf.pageSwitch'), 'pageSwitch', COLORS.green, 'y'),
        line(t('chart.perf.memory'), 'memory', COLORS.purple, 'y1', [8, 5]),
      ],
    },
    options: {
      ...baseOptions<'line'>(r, sub),
      scales: {
        x: { title: { display: true, text: t('chart.axis.day') }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: {
          beginAtZero: true,
          title: { display: true, text: t('chart.perf.ms') },
          ticks: { callback: (v) => w.tick(Number(v)) },
        },
        y1: {
          beginAtZero: true,
          position: 'right',
          grid: { drawOnChartArea: false },
          title: { display: true, text: t('chart.perf.mb') },
          ticks: { callback: (v) => w.tick(Number(v)) },
        },
      },
    },
  };
}
