import { type Language, translator, type Translate } from '../../i18n';
import { formatPeriod } from '../../i18n/dates';
import { reportTitle, type PerfReport, type PerfSeries } from '../../reports/model';
import { delta, measure } from '../format';
import { inlineCode, metricName, partName } from '../text';
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
  section,
  sourceLine,
  tableSections,
  type KnownBlock,
  type RenderedMessage,
  type RenderOptions,
} from './kit';
import { monthDay } from './sources';

const hasData = (s: PerfSeries) => s.points.some((p) => p.value !== null);

/** The day of the latest figure: "03-12" / "3月12日". */
function latestDay(s: PerfSeries, lang: Language): string {
  const last = [...s.points].reverse().find((p) => p.value !== null);
  return last ? monthDay(last.date, lang) : '';
}

/** WeChat's own Chinese name for the table drawn (untrusted: in a code span). */
function wechatName(s: PerfSeries, lang: Language): string | undefined {
  return s.name.trim() === '' ? undefined : inlineCode(s.name, 30, lang);
}

function perfTable(r: PerfReport, t: Translate, lang: Language): KnownBlock[] {
  const rows = [[t('msg.perf.metric'), t('msg.perf.latest'), t('msg.perf.on'), t('msg.perf.average', { n: r.span }), t('msg.perf.change')]];
  for (const s of r.series) {
    const name = metricName(s.metric, lang);
    rows.push(
      hasData(s)
        ? [name, measure(s.latest, s.unit, lang), latestDay(s, lang), measure(s.average, s.unit, lang), delta(s.change, lang)]
        : [name, t('msg.perf.noData'), '', '', ''],
    );
  }
  const range = formatPeriod({ granularity: 'daily', begin: r.begin, end: r.period.end }, lang);
  return tableSections(lang, t('msg.perf.caption', { range }), rows, ['l', 'r', 'r', 'r', 'r'], t('msg.perf.lowerBetter'));
}

function namesLine(r: PerfReport, t: Translate, lang: Language): string | undefined {
  const named = r.series.flatMap((s) => {
    const name = wechatName(s, lang);
    return name === undefined ? [] : [t('msg.perf.nameItem', { metric: metricName(s.metric, lang), name })];
  });
  return named.length === 0 ? undefined : t('msg.perf.names', { list: named.join(' · ') });
}

/** /wxa perf: launch, page switch and memory over the span. */
export function perfMessage(r: PerfReport, o: RenderOptions): RenderedMessage {
  const lang = languageOf(r);
  const t = translator(lang);
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  if (r.series.length > 0) blocks.push(...perfTable(r, t, lang));
  const missing = r.series.filter((s) => !hasData(s)).map((s) => partName(s.metric, lang));
  if (missing.length > 0) blocks.push(section(t('msg.perf.missing', { list: missing.join(t('msg.list.sep')) })));
  const names = namesLine(r, t, lang);
  if (names) blocks.push(context([names]));
  const notes = [...otherNotes(r), t('msg.chartNote.perf')];
  return finish(blocks, footer(notes, o, lang), fallback(r, title, t, lang), lang);
}

function fallback(r: PerfReport, title: string, t: Translate, lang: Language): string {
  const launch = r.series.find((s) => s.metric === 'launch');
  const what =
    launch &&
    hasData(launch) &&
    t('msg.perf.fallback', { average: measure(launch.average, launch.unit, lang), change: delta(launch.change, lang) });
  return fallbackLine([fallbackLead(r, title), what, r.empty && t('msg.noData.days')], lang);
}
