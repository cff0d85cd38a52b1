import type { ChartConfiguration } from 'chart.js';
import type { Chartable } from '../reports/service';
import { renderConfig } from './canvas';
import { alertConfig, alertIsEmpty, alertSubtitle } from './charts/alert';
import { cohortsIsEmpty, cohortsSubtitle, renderCohorts } from './charts/cohorts';
import { digestConfig } from './charts/digest';
import { renderEmpty } from './charts/frame';
import { pagesConfig, pagesIsEmpty } from './charts/pages';
import { perfConfig, perfIsEmpty } from './charts/perf';
import { sourcesConfig, sourcesIsEmpty, sourcesSubtitle } from './charts/sources';
import { subtitle } from './charts/style';
import { trendConfig, trendIsEmpty } from './charts/trend';
import { renderUsers, usersIsEmpty } from './charts/users';
import { wordsFor } from './charts/words';

export { CHART_HEIGHT, CHART_WIDTH, chartRenderer, cjkFontFamily, PIXEL_RATIO, PNG_OPTIONS } from './canvas';
/** The /retain and /visits chart's configuration (kept under its old name). */
export { trendConfig as chartConfig } from './charts/trend';

/** One Chart.js chart's configuration, typed for the renderer (which takes any chart type). */
const single = <T extends ChartConfiguration<'line'> | ChartConfiguration<'bar'>>(c: T) => renderConfig(c as unknown as ChartConfiguration);

/** What an empty picture says it would have shown. */
export function emptySubtitle(r: Chartable): string {
  const { t } = wordsFor(r);
  switch (r.kind) {
    case 'alert':
      return alertSubtitle(r);
    case 'sources':
      return sourcesSubtitle(r);
    case 'users':
      return subtitle(r, t('chart.users.what'));
    case 'cohorts':
      return cohortsSubtitle(r);
    case 'pages':
      return subtitle(r, t('chart.pages.what'));
    case 'perf':
      return subtitle(r, t('chart.perf.what'));
    default:
      return subtitle(r, t('chart.trend.what'));
  }
}

export function isEmpty(r: Chartable): boolean {
  if (r.empty) return true;
  switch (r.kind) {
    case 'alert':
      return alertIsEmpty(r);
    case 'retain':
    case 'visits':
    case 'digest':
      return trendIsEmpty(r.trend);
    case 'sources':
      return sourcesIsEmpty(r);
    case 'pages':
      return pagesIsEmpty(r);
    case 'users':
      return usersIsEmpty(r);
    case 'perf':
      return perfIsEmpty(r);
    case 'cohorts':
      return cohortsIsEmpty(r);
  }
}

/**
 * The report's chart as a PNG (1600x800, users and long cohort tables taller; an alert's too), drawn
 * and encoded synchronously on the calling thread (a render worker): canvas's async toBuffer would
 * encode on libuv's shared thread pool instead. A report without data still gets a picture that says so.
 */
export function renderChart(r: Chartable): Buffer {
  if (isEmpty(r)) return renderEmpty(r, emptySubtitle(r));
  switch (r.kind) {
    case 'alert':
      return single(alertConfig(r));
    case 'retain':
    case 'visits':
      return single(trendConfig(r));
    case 'digest':
      return single(digestConfig(r));
    case 'sources':
      return single(sourcesConfig(r));
    case 'pages':
      return single(pagesConfig(r));
    case 'perf':
      return single(perfConfig(r));
    case 'users':
      return renderUsers(r);
    case 'cohorts':
      return renderCohorts(r);
  }
}
