import { translator } from '../i18n';
import { reportTitle, type Report } from '../reports/model';
import { cohortsMessage } from './messages/cohorts';
import { digestMessage } from './messages/digest';
import type { RenderedMessage, RenderOptions } from './messages/kit';
import { pagesMessage } from './messages/pages';
import { perfMessage } from './messages/perf';
import { sourcesMessage } from './messages/sources';
import { trendMessage } from './messages/trend';
import { usersMessage } from './messages/users';

export type { RenderedMessage, RenderOptions, SlackBlock } from './messages/kit';

/** The channel message for a report: Block Kit plus a plain-text fallback for notifications. */
export function renderMessage(r: Report, o: RenderOptions = {}): RenderedMessage {
  switch (r.kind) {
    case 'retain':
    case 'visits':
      return trendMessage(r, o);
    case 'sources':
      return sourcesMessage(r, o);
    case 'pages':
      return pagesMessage(r, o);
    case 'users':
      return usersMessage(r, o);
    case 'perf':
      return perfMessage(r, o);
    case 'cohorts':
      return cohortsMessage(r, o);
    case 'digest':
      return digestMessage(r, o);
  }
}

/** Which chart words each kind uses: retain, visits and digest all draw the visit trend. */
const CHART: Record<Report['kind'], 'trend' | 'sources' | 'pages' | 'users' | 'perf' | 'cohorts'> = {
  retain: 'trend',
  visits: 'trend',
  sources: 'sources',
  pages: 'pages',
  users: 'users',
  perf: 'perf',
  cohorts: 'cohorts',
  digest: 'trend',
};

/** The uploaded chart's title: "Daily visit sources · 2017-03-06 — sessions by source". */
export function chartTitle(r: Report): string {
  return translator(r.language ?? 'en')(`msg.chartTitle.${CHART[r.kind]}`, { title: reportTitle(r) });
}

/** The chart's alt text, for screen readers: what kind of chart, of what, for which report. */
export function chartAltText(r: Report): string {
  return translator(r.language ?? 'en')(`msg.chartAlt.${CHART[r.kind]}`, { title: reportTitle(r) });
}
