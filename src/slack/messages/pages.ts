import { formatRange } from '../../calendar/labels';
import { reportTitle, type PageRow, type PagesReport } from '../../reports/model';
import { EXIT_HEAVY_MIN_VIEWS_SHARE, EXIT_HEAVY_SHARE } from '../../reports/pages';
import { count, duration, percent, shortPercent } from '../format';
import { clip, inlineCode, plainText } from '../text';
import {
  context,
  fallbackLead,
  fields,
  finish,
  footer,
  header,
  missingParts,
  otherNotes,
  section,
  sourceLine,
  tableSections,
  type KnownBlock,
  type RenderedMessage,
  type RenderOptions,
} from './kit';

export const TOP_PAGES = 10;
/** Paths are cut to this many characters so the table stays readable on a laptop. */
export const PATH_WIDTH = 45;
export const EXIT_MARK = '⚠';
/** Worded from the rule in reports/pages, so the footnote cannot drift from what is flagged. */
export const EXIT_FOOTNOTE = `${EXIT_MARK} exit-heavy: exits ≥ ${Math.round(EXIT_HEAVY_SHARE * 100)}% of its views (pages with at least ${Math.round(EXIT_HEAVY_MIN_VIEWS_SHARE * 100)}% of all page views).`;

/** A page path from WeChat for a table cell: cleaned and shortened (the table escapes it). */
export function pathCell(path: string): string {
  return clip(plainText(path), PATH_WIDTH) || '(empty)';
}

/** A page path inline in a sentence: inside a code span, so `*bold*` stays literal. */
export function pathInline(path: string): string {
  return inlineCode(path, PATH_WIDTH);
}

function pagesTable(r: PagesReport): KnownBlock[] {
  const top = r.pages.slice(0, TOP_PAGES);
  const rows = [['Page', 'Views', 'Visitors', 'Avg stay', 'Entry', 'Exit', 'Shares', '']];
  for (const p of top) {
    rows.push([
      pathCell(p.path),
      count(p.pageViews),
      count(p.visitors),
      duration(p.stayTime),
      shortPercent(p.entryShare),
      shortPercent(p.exitShare),
      count(p.shares),
      p.exitHeavy ? EXIT_MARK : '',
    ]);
  }
  const caption = `*Top ${top.length} pages by page views* — entry and exit as a share of the page's views`;
  return tableSections(caption, rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], topShare(r, top));
}

/** "Showing 10 of 143 pages: 81.2% of page views." */
function topShare(r: PagesReport, top: PageRow[]): string {
  const views = top.reduce((a, p) => a + (p.pageViews ?? 0), 0);
  const share = r.totalPageViews ? views / r.totalPageViews : null;
  return `Showing ${top.length} of ${count(r.pageCount)} pages: ${percent(share)} of page views.`;
}

/** /wxa pages: the day's top pages. */
export function pagesMessage(r: PagesReport, o: RenderOptions): RenderedMessage {
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  const exitHeavy = r.pages.slice(0, TOP_PAGES).filter((p) => p.exitHeavy);
  if (r.pages.length > 0) {
    blocks.push(fields([`*Page views*\n${count(r.totalPageViews)}`, `*Pages viewed*\n${count(r.pageCount)}`]));
    blocks.push(...pagesTable(r));
    if (exitHeavy.length > 0) blocks.push(section(exitLine(exitHeavy)));
  } else if (!r.empty) {
    blocks.push(section('WeChat sent no page figures for this day.'));
  }
  const notes = otherNotes(r);
  if (exitHeavy.length > 0) notes.push(EXIT_FOOTNOTE);
  notes.push(`Chart: page views of the top pages on ${formatRange(r.period)}, posted below.`);
  return finish(blocks, footer(notes, o), fallback(r, title, exitHeavy.length));
}

function exitLine(pages: PageRow[]): string {
  const list = pages.map((p) => `${pathInline(p.path)} (${percent(p.exitShare)})`).join(', ');
  return `${EXIT_MARK} *Where visits end:* ${list}`;
}

function fallback(r: PagesReport, title: string, exitHeavy: number): string {
  const top = r.pages[0];
  return [
    fallbackLead(r, title),
    `${count(r.totalPageViews)} page views over ${count(r.pageCount)} pages;`,
    top ? `top: ${pathInline(top.path)} (${count(top.pageViews)}).` : '',
    exitHeavy ? `${exitHeavy} exit-heavy.` : '',
    r.empty ? 'WeChat returned no data for this day.' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
