import { isoDate, UNITS } from '../../calendar/labels';
import { reportTitle, type CohortsReport } from '../../reports/model';
import { count, percent, shortPercent } from '../format';
import {
  context,
  fallbackLead,
  finish,
  footer,
  header,
  missingParts,
  otherNotes,
  section,
  sourceLine,
  tableSections,
  type Align,
  type KnownBlock,
  type RenderedMessage,
  type RenderOptions,
} from './kit';

/** Shown where WeChat has no figure or the period is not over. */
export const NO_SHARE = '–';

function cohortsTable(r: CohortsReport): KnownBlock[] {
  const u = UNITS[r.period.granularity];
  const rows = [[`${u.prefix} of`, 'Users', '+0', ...r.offsets.map((n) => `+${n}`)]];
  for (const c of r.cohorts) {
    const shares = c.shares.map((s) => (s === null ? NO_SHARE : shortPercent(s)));
    rows.push([isoDate(c.period.begin), count(c.size), c.size ? '100%' : NO_SHARE, ...shares]);
  }
  const align: Align[] = rows[0].map((_, i) => (i === 0 ? 'l' : 'r'));
  return tableSections(`*Retention by cohort* — share of each ${u.noun}'s new users back after +N ${u.noun}s`, rows, align);
}

function howToRead(r: CohortsReport): string {
  const u = UNITS[r.period.granularity];
  return `How to read it: each row is the users who first came in the ${u.noun} starting that day; +1 is the share of them back the next ${u.noun}, +2 the ${u.noun} after, and so on. ${NO_SHARE} means the ${u.noun} is not over yet or WeChat has no figure.`;
}

/** The newest cohort's first return, for the fallback line. */
function newestReturn(r: CohortsReport): string {
  const newest = r.cohorts.find((c) => c.period.begin === r.period.begin) ?? r.cohorts[r.cohorts.length - 1];
  if (!newest) return '';
  const u = UNITS[r.period.granularity];
  const back = r.cohorts.length > 1 ? r.cohorts[r.cohorts.length - 2] : undefined;
  const returned = back
    ? `; ${percent(back.shares[0] ?? null)} of the ${isoDate(back.period.begin)} cohort came back the next ${u.noun}`
    : '';
  const size = newest.size === null ? '' : `the newest cohort, ${isoDate(newest.period.begin)}, has ${count(newest.size)} users`;
  return `${size}${size ? returned : returned.slice(2)}.`;
}

/** /retain cohorts: a retention table of several cohorts. */
export function cohortsMessage(r: CohortsReport, o: RenderOptions): RenderedMessage {
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  if (r.cohorts.length > 0) {
    blocks.push(...cohortsTable(r));
    blocks.push(context([howToRead(r)]));
  } else {
    blocks.push(section('WeChat sent no cohort figures for these periods.'));
  }
  const notes = [...otherNotes(r), 'Chart: the same table as a heatmap, posted below.'];
  const fallback = [fallbackLead(r, title), `${r.cohorts.length} cohorts;`, newestReturn(r), r.empty ? 'WeChat returned no data.' : '']
    .filter(Boolean)
    .join(' ');
  return finish(blocks, footer(notes, o), fallback);
}
