import type { ChartConfiguration } from 'chart.js';
import { formatRange } from '../../calendar/labels';
import type { PagesReport } from '../../reports/model';
import { barValues } from './bar-values';
import { baseOptions, COLORS, count, NUMBER, percentWhole, subtitle, truncate } from './style';

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
  const annotate = (i: number) => {
    const p = top[i];
    if (p.pageViews === null) return null;
    return p.exitHeavy && p.exitShare !== null
      ? `${NUMBER.format(p.pageViews)} · ${percentWhole(p.exitShare)} exit`
      : NUMBER.format(p.pageViews);
  };
  const sub = subtitle(
    r,
    `Top ${top.length} pages by page views, ${formatRange(r.period)}`,
    r.totalPageViews !== null && `${count(r.totalPageViews)} page views in all`,
    anyExitHeavy && 'red: many visits end on the page (exit-heavy)',
  );
  return {
    type: 'bar',
    data: {
      labels: top.map((p) => truncate(p.path, PAGE_LABEL_CHARS) || '(no path)'),
      datasets: [
        { label: 'Page views', data: views(false), backgroundColor: COLORS.blue, stack: 'views' },
        { label: 'Page views (exit-heavy)', data: views(true), backgroundColor: COLORS.red, stack: 'views' },
        { label: 'Visitors', data: top.map((p) => p.visitors), backgroundColor: COLORS.lightGrey, stack: 'visitors' },
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
          title: { display: true, text: 'Page views / visitors' },
          ticks: { callback: (v) => NUMBER.format(Number(v)) },
        },
        y: { stacked: true, ticks: { autoSkip: false } },
      },
    },
  };
}
