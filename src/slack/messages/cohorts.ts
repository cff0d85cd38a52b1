import { type Language, translator, type Translate } from '../../i18n';
import { formatDate } from '../../i18n/dates';
import { reportTitle, type CohortsReport } from '../../reports/model';
import { count, percent, shortPercent } from '../format';
import {
  context,
  fallbackLead,
  fallbackLine,
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
  type Align,
  type KnownBlock,
  type RenderedMessage,
  type RenderOptions,
} from './kit';

/** Shown where WeChat has no figure or the period is not over. */
export const NO_SHARE = '–';

function cohortsTable(r: CohortsReport, t: Translate, lang: Language): KnownBlock[] {
  const g = r.period.granularity;
  const rows = [[t(`msg.cohorts.head.${g}`), t('msg.label.users'), '+0', ...r.offsets.map((n) => `+${n}`)]];
  for (const c of r.cohorts) {
    const shares = c.shares.map((s) => (s === null ? NO_SHARE : shortPercent(s, lang)));
    rows.push([formatDate(c.period.begin, lang), count(c.size, lang), c.size ? '100%' : NO_SHARE, ...shares]);
  }
  const align: Align[] = rows[0].map((_, i) => (i === 0 ? 'l' : 'r'));
  const w = periodWords(lang, g);
  return tableSections(lang, t('msg.cohorts.caption', { noun: w.noun, plural: w.plural }), rows, align);
}

function howToRead(r: CohortsReport, t: Translate, lang: Language): string {
  return t('msg.cohorts.howTo', { noun: periodWords(lang, r.period.granularity).noun, none: NO_SHARE });
}

/** The newest cohort's size and the first return of the one before it, for the fallback line. */
function newestReturn(r: CohortsReport, t: Translate, lang: Language): string {
  const newest = r.cohorts.find((c) => c.period.begin === r.period.begin) ?? r.cohorts[r.cohorts.length - 1];
  if (!newest) return '';
  const back = r.cohorts.length > 1 ? r.cohorts[r.cohorts.length - 2] : undefined;
  const size = newest.size === null ? undefined : { date: formatDate(newest.period.begin, lang), size: count(newest.size, lang) };
  const returned = back && {
    share: percent(back.shares[0] ?? null, lang),
    backDate: formatDate(back.period.begin, lang),
    noun: periodWords(lang, r.period.granularity).noun,
  };
  if (size && returned) return t('msg.cohorts.fallback.both', { ...size, ...returned });
  if (size) return t('msg.cohorts.fallback.size', size);
  if (returned) return t('msg.cohorts.fallback.back', returned);
  return t('msg.cohorts.fallback.nothing');
}

/** /retain cohorts: a retention table of several cohorts. */
export function cohortsMessage(r: CohortsReport, o: RenderOptions): RenderedMessage {
  const lang = languageOf(r);
  const t = translator(lang);
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  if (r.cohorts.length > 0) {
    blocks.push(...cohortsTable(r, t, lang));
    blocks.push(context([howToRead(r, t, lang)]));
  } else {
    blocks.push(section(t('msg.cohorts.none')));
  }
  const notes = [...otherNotes(r), t('msg.chartNote.cohorts')];
  const fallback = fallbackLine(
    [
      fallbackLead(r, title),
      t('msg.cohorts.fallback.count', { n: r.cohorts.length }),
      newestReturn(r, t, lang),
      r.empty && t('msg.noData.any'),
    ],
    lang,
  );
  return finish(blocks, footer(notes, o, lang), fallback, lang);
}
