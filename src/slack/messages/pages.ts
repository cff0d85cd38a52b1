import { type Language, translator, type Translate } from '../../i18n';
import { formatPeriod } from '../../i18n/dates';
import { reportTitle, type PageRow, type PagesReport } from '../../reports/model';
import { EXIT_HEAVY_MIN_VIEWS_SHARE, EXIT_HEAVY_SHARE } from '../../reports/pages';
import { count, duration, percent, shortPercent } from '../format';
import { clip, inlineCode, plainText } from '../text';
import {
  context,
  fallbackLead,
  fallbackLine,
  fields,
  finish,
  footer,
  header,
  languageOf,
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
export function exitFootnote(lang: Language = 'en'): string {
  const exit = Math.round(EXIT_HEAVY_SHARE * 100);
  const min = Math.round(EXIT_HEAVY_MIN_VIEWS_SHARE * 100);
  return translator(lang)('msg.pages.footnote', { mark: EXIT_MARK, exit, min });
}
export const EXIT_FOOTNOTE = exitFootnote('en');

/** A page path from WeChat for a table cell: cleaned and shortened (the table escapes it). */
export function pathCell(path: string, lang: Language = 'en'): string {
  return clip(plainText(path), PATH_WIDTH) || translator(lang)('msg.fmt.empty');
}

/** A page path inline in a sentence: inside a code span, so `*bold*` stays literal. */
export function pathInline(path: string, lang: Language = 'en'): string {
  return inlineCode(path, PATH_WIDTH, lang);
}

function pagesTable(r: PagesReport, t: Translate, lang: Language): KnownBlock[] {
  const top = r.pages.slice(0, TOP_PAGES);
  const head = [
    'msg.label.page',
    'msg.label.views',
    'msg.label.visitors',
    'msg.pages.avgStay',
    'msg.pages.entry',
    'msg.pages.exit',
    'msg.label.shares',
  ] as const;
  const rows = [[...head.map((k) => t(k)), '']];
  for (const p of top) {
    rows.push([
      pathCell(p.path, lang),
      count(p.pageViews, lang),
      count(p.visitors, lang),
      duration(p.stayTime, lang),
      shortPercent(p.entryShare, lang),
      shortPercent(p.exitShare, lang),
      count(p.shares, lang),
      p.exitHeavy ? EXIT_MARK : '',
    ]);
  }
  const caption = t('msg.pages.caption', { n: top.length });
  return tableSections(lang, caption, rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], topShare(r, top, t, lang));
}

/** "Showing 10 of 143 pages: 81.2% of page views." */
function topShare(r: PagesReport, top: PageRow[], t: Translate, lang: Language): string {
  const views = top.reduce((a, p) => a + (p.pageViews ?? 0), 0);
  const share = r.totalPageViews ? views / r.totalPageViews : null;
  return t('msg.pages.topShare', { shown: top.length, total: count(r.pageCount, lang), share: percent(share, lang) });
}

/** /wxa pages: the day's top pages. */
export function pagesMessage(r: PagesReport, o: RenderOptions): RenderedMessage {
  const lang = languageOf(r);
  const t = translator(lang);
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  const exitHeavy = r.pages.slice(0, TOP_PAGES).filter((p) => p.exitHeavy);
  if (r.pages.length > 0) {
    const totals = [
      `*${t('msg.label.pageViews')}*\n${count(r.totalPageViews, lang)}`,
      `*${t('msg.label.pagesViewed')}*\n${count(r.pageCount, lang)}`,
    ];
    blocks.push(fields(totals));
    blocks.push(...pagesTable(r, t, lang));
    if (exitHeavy.length > 0) blocks.push(section(exitLine(exitHeavy, t, lang)));
  } else if (!r.empty) {
    blocks.push(section(t('msg.pages.none')));
  }
  const notes = otherNotes(r);
  if (exitHeavy.length > 0) notes.push(exitFootnote(lang));
  notes.push(t('msg.chartNote.pages', { date: formatPeriod(r.period, lang) }));
  return finish(blocks, footer(notes, o, lang), fallback(r, title, exitHeavy.length, t, lang), lang);
}

function exitLine(pages: PageRow[], t: Translate, lang: Language): string {
  const items = pages.map((p) => t('msg.pages.exitItem', { path: pathInline(p.path, lang), share: percent(p.exitShare, lang) }));
  return t('msg.pages.exitLine', { mark: EXIT_MARK, list: items.join(t('msg.list.sep')) });
}

function fallback(r: PagesReport, title: string, exitHeavy: number, t: Translate, lang: Language): string {
  const top = r.pages[0];
  return fallbackLine(
    [
      fallbackLead(r, title),
      t('msg.pages.fallback.total', { views: count(r.totalPageViews, lang), pages: count(r.pageCount, lang) }),
      top && t('msg.pages.fallback.top', { path: pathInline(top.path, lang), views: count(top.pageViews, lang) }),
      exitHeavy > 0 && t('msg.pages.fallback.exitHeavy', { n: exitHeavy }),
      r.empty && t('msg.noData.day'),
    ],
    lang,
  );
}
