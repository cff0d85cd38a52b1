import { type Language, translator, type Translate } from '../../i18n';
import { formatDate, formatPeriod } from '../../i18n/dates';
import { reportTitle, type DigestReport, type DigestRetention, type PageRow, type SourceRow } from '../../reports/model';
import { sourceLabel } from '../../wechat/labels';
import { count, delta, percent } from '../format';
import {
  context,
  divider,
  fallbackLead,
  fallbackLine,
  fields,
  finish,
  footer,
  header,
  languageOf,
  missingParts,
  otherNotes,
  periodWords,
  section,
  sourceLine,
  tableSections,
  type KnownBlock,
  type RenderedMessage,
  type RenderOptions,
} from './kit';
import { pathCell, pathInline } from './pages';
import { labelIn, moverText } from './sources';
import { figureFields } from './trend';

const TOP = 5;

/** "41.2% of the 1,234 new users of 2017-02-27 – 2017-03-05 came back in 2017-03-06 – 2017-03-12 (38.0% the week before)." */
export function retentionLine(r: DigestReport, ret: DigestRetention): string {
  const lang = languageOf(r);
  const t = translator(lang);
  const words = {
    share: percent(ret.share, lang),
    size: count(ret.size, lang),
    cohort: formatPeriod(ret.cohort, lang),
    period: formatPeriod(r.period, lang),
  };
  if (ret.shareBefore === null) return t('msg.digest.retention', words);
  const then = periodWords(lang, r.period.granularity).before;
  return t('msg.digest.retentionBefore', { ...words, before: percent(ret.shareBefore, lang), then });
}

function sourcesTable(top: SourceRow[], t: Translate, lang: Language): KnownBlock[] {
  const rows = [[t('msg.label.source'), t('msg.label.sessions'), t('msg.label.change')]];
  for (const s of top) rows.push([labelIn(sourceLabel(s.key), lang), count(s.sessions.value, lang), delta(s.sessions.change, lang)]);
  return tableSections(lang, t('msg.digest.sources', { n: top.length }), rows, ['l', 'r', 'r']);
}

function pagesTable(top: PageRow[], t: Translate, lang: Language): KnownBlock[] {
  const rows = [[t('msg.label.page'), t('msg.label.views'), t('msg.label.change')]];
  for (const p of top) rows.push([pathCell(p.path, lang), count(p.pageViews, lang), delta(p.change, lang)]);
  return tableSections(lang, t('msg.digest.pages', { n: top.length }), rows, ['l', 'r', 'r']);
}

/** Pages whose views moved by at least this much are called out (smaller moves are everyday noise). */
const PAGE_MOVE = 0.2;

function moversLine(r: DigestReport, t: Translate, lang: Language): string | undefined {
  const sources = r.movers.map((m) => moverText(m, lang));
  const pages = r.pages
    .filter((p) => p.change !== null && Math.abs(p.change) >= PAGE_MOVE)
    .sort((a, b) => Math.abs(b.change ?? 0) - Math.abs(a.change ?? 0))
    .slice(0, 2)
    .map((p) => t('msg.digest.pageMove', { path: pathInline(p.path, lang), change: delta(p.change, lang) }));
  const all = [...sources, ...pages];
  return all.length ? t('msg.digest.moved', { list: all.join(' · ') }) : undefined;
}

/** The top sources by sessions (the model sends them in that order; sorted again so the table never depends on it). */
function topSources(r: DigestReport): SourceRow[] {
  return [...r.sources].sort((a, b) => (b.sessions.value ?? 0) - (a.sessions.value ?? 0)).slice(0, TOP);
}

/** /wxa digest: the Monday message. */
export function digestMessage(r: DigestReport, o: RenderOptions): RenderedMessage {
  const lang = languageOf(r);
  const t = translator(lang);
  const w = periodWords(lang, r.period.granularity);
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  if (r.kpis.length > 0) {
    blocks.push(section(t('msg.digest.kpis', { previous: w.previous, range: formatPeriod(r.previous, lang) })));
    blocks.push(fields(figureFields(r.kpis, lang)));
  }
  if (r.retention) blocks.push(section(retentionLine(r, r.retention)));
  const sources = topSources(r);
  const pages = r.pages.slice(0, TOP);
  if (sources.length || pages.length) blocks.push(divider());
  if (sources.length) blocks.push(...sourcesTable(sources, t, lang));
  if (pages.length) blocks.push(...pagesTable(pages, t, lang));
  const moved = moversLine(r, t, lang);
  if (moved) blocks.push(section(moved));
  const notes = [...otherNotes(r), t('msg.digest.changes', { previous: w.previous })];
  if (r.trend.length > 0) {
    notes.push(t('msg.chartNote.trend', { periods: w.periods(r.trend.length), date: formatDate(r.period.end, lang) }));
  }
  return finish(blocks, footer(notes, o, lang), fallback(r, title, t, lang), lang);
}

function fallback(r: DigestReport, title: string, t: Translate, lang: Language): string {
  const visitors = r.kpis.find((f) => f.key === 'visitUv');
  const previous = periodWords(lang, r.period.granularity).previous;
  return fallbackLine(
    [
      fallbackLead(r, title),
      visitors &&
        t('msg.digest.fallback.visitors', { visitors: count(visitors.value, lang), change: delta(visitors.change, lang), previous }),
      r.retention !== null && t(`msg.digest.fallback.back.${r.period.granularity}`, { share: percent(r.retention.share, lang) }),
      r.empty && t('msg.noData.period'),
    ],
    lang,
  );
}
