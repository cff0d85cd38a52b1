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

/** What each kind's chart shows: [title suffix, alt text before "for <title>"]. */
const CHARTS: Record<Report['kind'], [string, string]> = {
  retain: ['visit trend', 'Line chart of visitors, new visitors and sessions'],
  visits: ['visit trend', 'Line chart of visitors, new visitors and sessions'],
  sources: ['sessions by source', 'Horizontal bar chart of sessions by access source'],
  pages: ['top pages', 'Horizontal bar chart of page views and visitors of the top pages, exit-heavy pages in red,'],
  users: ['who the users are', 'Four charts of the active users: gender and platform as doughnuts, age bands and top provinces as bars,'],
  perf: ['performance per day', 'Line chart of launch time, page-switch time and memory use per day'],
  cohorts: ['retention heatmap', 'Heatmap of the share of each cohort of new users back in each later period'],
  digest: ['visit trend', 'Line chart of visitors, new visitors and sessions'],
};

/** The uploaded chart's title: "Daily visit sources · 2017-03-06 — sessions by source". */
export function chartTitle(r: Report): string {
  return `${reportTitle(r)} — ${CHARTS[r.kind][0]}`;
}

/** The chart's alt text, for screen readers: what kind of chart, of what, for which report. */
export function chartAltText(r: Report): string {
  return `${CHARTS[r.kind][1]} for ${reportTitle(r)}`;
}
