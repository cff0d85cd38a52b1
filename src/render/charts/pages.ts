import type { ChartConfiguration } from 'chart.js';
import { formatPeriod } from '../../i18n/dates';
import type { PagesReport } from '../../reports/model';
import { barValues } from './bar-values';
import { baseOptions, COLORS, subtitle, truncate } from './style';
import { chartLanguage, wordsFor } from './words';

export const TOP_PAGES = 10;
/** Page paths are untrusted and can be any length. */
export const PAGE_LABEL_CHARS = 40;

export function pagesIsEmpty(r: PagesReport): boolean {
  return r.pages.every((p) => p.pageViews === null);
}

/**
 * Horizontal bars of page views (exit-heavy pages in red, as their own legend entry), visitors in
 * grey beside them. The views of a page are in one of the two stacked datasets, the other is null.
 */
export function pagesConfig(r: PagesReport): ChartConfiguration<'bar'> {
  const top = r.pages.slice(0, TOP_PAGES);
  const anyExitHeavy = top.some((p) => p.exitHeavy);
  const views = (heavy: boolean) => top.map((p) => (p.exitHeavy === heavy ? p.pageViews : null));
  const w = wordsFor(r);
  const { t } = w;
  const annotate = (i: number) => {
    const p = top[i];
    if (p.pageViews === null) return null;
    return p.exitHeavy && p.exitShare !== null
      ? t('chart.pages.exit', { views: w.count(p.pageViews), share: w.percentWhole(p.exitShare) })
      : w.count(p.pageViews);
  };
  const sub = subtitle(
    r,
    t('chart.pages.subtitle', { n: top.length, range: formatPeriod(r.period, chartLanguage(r)) }),
    r.totalPageViews !== null && t('chart.pages.total', { total: w.count(r.totalPageViews) }),
    anyExitHeavy && t('chart.pages.red'),
  );
  return {
    type: 'bar',
    data: {
      labels: top.map((p) => truncate(p.path, PAGE_LABEL_CHARS) || t('chart.pages.noPath')),
      datasets: [
        { label: t('chart.pages.views'), data: views(false), backgroundColor: COLORS.blue, stack: 'views' },
        { label: t('chart.pages.viewsExitHeavy'), data: views(true), backgroundColor: COLORS.red, stack: 'views' },
        { label: t('chart.visitors'), data: top.map((p) => p.visitors), backgroundColor: COLORS.lightGrey, stack: 'visitors' },
      ],
    },
    // Views are in dataset 0 or 1: annotate both, each only where it has the page's views.
    plugins: [barValues(0, (i) => (top[i].exitHeavy ? null : annotate(i))), barValues(1, (i) => (top[i].exitHeavy ? annotate(i) : null))],
    options: {
      ...baseOptions<'bar'>(r, sub),
      indexAxis: 'y',
      datasets: { bar: { barPercentage: 0.9, categoryPercentage: 0.8, maxBarThickness: 24 } },
      plugins: {
        ...baseOptions<'bar'>(r, sub).plugins,
        // The exit-heavy entry only when a page is.
        legend: { position: 'bottom', labels: { filter: (item) => anyExitHeavy || item.datasetIndex !== 1 } },
      },
      scales: {
        x: {
          stacked: true,
          beginAtZero: true,
          grace: '25%',
          title: { display: true, text: t('chart.pages.axis') },
          ticks: { callback: (v) => w.tick(Number(v)) },
        },
        y: { stacked: true, ticks: { autoSkip: false } },
      },
    },
  };
}
