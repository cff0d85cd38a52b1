import type { ChartConfiguration } from 'chart.js';
import type { Chartable } from '../reports/service';
import { emptySubtitle, isEmpty } from './chart';
import { alertConfig } from './charts/alert';
import { cohortsCaptions, cohortsSubtitle } from './charts/cohorts';
import { digestConfig } from './charts/digest';
import { pagesConfig } from './charts/pages';
import { perfConfig } from './charts/perf';
import { sourcesConfig } from './charts/sources';
import { chartTitle } from './charts/style';
import { trendConfig } from './charts/trend';
import { panelNoData, usersPanels, usersSubtitle } from './charts/users';
import { wordsFor } from './charts/words';

// The words a chart is drawn with, without drawing it: lets a test check a language's charts say
// nothing in another. Figures written on the bars and axis ticks are not here (they are numbers).

type Text = string | (string | undefined)[] | undefined;
interface Titled {
  title?: { text?: Text };
}

const flat = (...texts: Text[]): string[] =>
  texts.flatMap((t) => (t === undefined ? [] : typeof t === 'string' ? [t] : t.filter((x): x is string => x !== undefined)));

/** Title, subtitle, panel title, legend (dataset labels), category labels and axis titles of one Chart.js chart. */
export function configTexts(config: ChartConfiguration): string[] {
  const plugins = config.options?.plugins;
  const scales = Object.values(config.options?.scales ?? {}) as Titled[];
  return flat(
    plugins?.title?.text,
    plugins?.subtitle?.text,
    ...config.data.datasets.map((d) => d.label),
    ...(config.data.labels ?? []).map(String),
    ...scales.map((s) => s.title?.text),
  );
}

const asAny = (c: ChartConfiguration<'line'> | ChartConfiguration<'bar'>) => c as unknown as ChartConfiguration;

/** Every word of the report's chart, as `renderChart` would draw it. */
export function chartTexts(r: Chartable): string[] {
  if (isEmpty(r)) return [chartTitle(r), emptySubtitle(r), wordsFor(r).t('chart.noData')];
  switch (r.kind) {
    case 'alert':
      return configTexts(asAny(alertConfig(r)));
    case 'retain':
    case 'visits':
      return configTexts(asAny(trendConfig(r)));
    case 'digest':
      return configTexts(asAny(digestConfig(r)));
    case 'sources':
      return configTexts(asAny(sourcesConfig(r)));
    case 'pages':
      return configTexts(asAny(pagesConfig(r)));
    case 'perf':
      return configTexts(asAny(perfConfig(r)));
    case 'users':
      return [
        chartTitle(r),
        usersSubtitle(r),
        ...usersPanels(r).flatMap((p) => (p.slices.length ? configTexts(p.config()) : [panelNoData(r, p.title)])),
      ];
    case 'cohorts': {
      const c = cohortsCaptions(r);
      return [chartTitle(r), cohortsSubtitle(r), ...c.headers, c.x, c.y];
    }
  }
}
