import { type Language, translator, type Translate } from '../../i18n';
import { formatDate, formatPeriod } from '../../i18n/dates';
import { reportTitle, type Bucket, type SourceRow, type SourcesReport } from '../../reports/model';
import { depthLabel, sourceLabel, stayTimeLabel, type Label } from '../../wechat/labels';
import { count, delta, na, percent, shortPercent, signedCount } from '../format';
import { weekday } from '../text';
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

/** Sources listed by name; the rest are summed in one line. */
export const TOP_SOURCES = 10;

/** A WeChat label (source, stay-time or depth bucket) in the message's language. */
export const labelIn = (l: Label, lang: Language): string => (lang === 'zh' ? l.zh : l.en);

/** "Search ▲ 35.0% (+1,200)"; a source with none the week before is "new". */
export function moverText(row: SourceRow, lang: Language = 'en'): string {
  const t = translator(lang);
  const { value, previous, change } = row.sessions;
  const diff = value === null || previous === null ? null : value - previous;
  const how = change === null ? (previous === 0 ? t('msg.fmt.new') : na(lang)) : delta(change, lang);
  return t('msg.sources.mover', { source: labelIn(sourceLabel(row.key), lang), change: how, diff: signedCount(diff, lang) });
}

/** A day without its year, for narrow places: "02-27" / "2月27日". */
export function monthDay(yyyymmdd: string, lang: Language): string {
  return lang === 'en' ? formatDate(yyyymmdd, lang).slice(5) : formatDate(yyyymmdd, lang).replace(/^\d+年/, '');
}

/** The compared day as people say it: "Monday 2017-02-27" / "2017年2月27日（周一）". */
function comparedDay(r: SourcesReport, t: Translate, lang: Language): string {
  return t('msg.sources.day', { weekday: weekday(r.comparedWith.begin, lang), date: formatPeriod(r.comparedWith, lang) });
}

/** The change, or "new" for a source with no sessions a week earlier (as the movers line says). */
function changeCell(s: SourceRow, t: Translate, lang: Language): string {
  return s.sessions.previous === 0 && (s.sessions.value ?? 0) > 0 ? t('msg.fmt.new') : delta(s.sessions.change, lang);
}

function sourcesTable(r: SourcesReport, t: Translate, lang: Language): KnownBlock[] {
  const top = r.sources.slice(0, TOP_SOURCES);
  const rest = r.sources.slice(TOP_SOURCES);
  const vs = t('msg.sources.vs', { date: monthDay(r.comparedWith.begin, lang) });
  const rows = [[t('msg.label.source'), t('msg.label.sessions'), t('msg.label.share'), vs]];
  for (const s of top) {
    rows.push([labelIn(sourceLabel(s.key), lang), count(s.sessions.value, lang), shortPercent(s.share, lang), changeCell(s, t, lang)]);
  }
  const caption = t('msg.sources.caption', { day: comparedDay(r, t, lang) });
  return tableSections(lang, caption, rows, ['l', 'r', 'r', 'r'], rest.length ? moreSources(r, rest, t, lang) : '');
}

/** "+48 more sources (3.1% of sessions)": the tail is summed, never dropped silently. */
function moreSources(r: SourcesReport, rest: SourceRow[], t: Translate, lang: Language): string {
  const sessions = rest.reduce((a, s) => a + (s.sessions.value ?? 0), 0);
  const share = r.totalSessions ? sessions / r.totalSessions : null;
  return t('msg.sources.more', { count: rest.length, share: percent(share, lang) });
}

function moversLine(r: SourcesReport, t: Translate, lang: Language): string | undefined {
  if (r.movers.length === 0) return undefined;
  return t('msg.sources.movers', { day: comparedDay(r, t, lang), list: r.movers.map((m) => moverText(m, lang)).join(' · ') });
}

function bucketTable(caption: string, buckets: Bucket[], label: (key: number) => Label, lang: Language): KnownBlock[] {
  const t = translator(lang);
  if (buckets.length === 0) return [section(`${caption}\n${t('msg.noFigures')}`)];
  const rows = [['', t('msg.label.visits'), t('msg.label.share')]];
  for (const b of buckets) rows.push([labelIn(label(b.key), lang), count(b.value, lang), shortPercent(b.share, lang)]);
  return tableSections(lang, caption, rows, ['l', 'r', 'r']);
}

/** /wxa sources: where the day's visits came from. */
export function sourcesMessage(r: SourcesReport, o: RenderOptions): RenderedMessage {
  const lang = languageOf(r);
  const t = translator(lang);
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  if (r.sources.length > 0) {
    const totals = [
      `*${t('msg.label.sessions')}*\n${count(r.totalSessions, lang)}`,
      `*${t('msg.label.sources')}*\n${count(r.sources.length, lang)}`,
    ];
    blocks.push(fields(totals));
    blocks.push(...sourcesTable(r, t, lang));
    const movers = moversLine(r, t, lang);
    if (movers) blocks.push(section(movers));
  } else if (!r.empty) {
    blocks.push(section(t('msg.sources.none')));
  }
  if (r.stayTime.length > 0 || r.depth.length > 0) {
    blocks.push(...bucketTable(t('msg.sources.stayTime'), r.stayTime, stayTimeLabel, lang));
    blocks.push(...bucketTable(t('msg.sources.depth'), r.depth, depthLabel, lang));
  }
  const notes = [...otherNotes(r), t('msg.chartNote.sources', { date: formatPeriod(r.period, lang) })];
  return finish(blocks, footer(notes, o, lang), fallback(r, title, t, lang), lang);
}

function fallback(r: SourcesReport, title: string, t: Translate, lang: Language): string {
  const top = r.sources[0];
  return fallbackLine(
    [
      fallbackLead(r, title),
      r.sources.length > 0 && t('msg.sources.fallback.total', { sessions: count(r.totalSessions, lang), sources: r.sources.length }),
      top && t('msg.sources.fallback.top', { source: labelIn(sourceLabel(top.key), lang), share: percent(top.share, lang) }),
      r.empty && t('msg.noData.day'),
    ],
    lang,
  );
}
