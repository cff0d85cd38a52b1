import { isoDate } from '../../calendar/labels';
import { reportTitle, type PerfReport, type PerfSeries } from '../../reports/model';
import { delta, measure } from '../format';
import { inlineCode, METRIC_NAMES } from '../text';
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
  type KnownBlock,
  type RenderedMessage,
  type RenderOptions,
} from './kit';

const hasData = (s: PerfSeries) => s.points.some((p) => p.value !== null);

/** The day of the latest figure: "03-12". */
function latestDay(s: PerfSeries): string {
  const last = [...s.points].reverse().find((p) => p.value !== null);
  return last ? isoDate(last.date).slice(5) : '';
}

/** WeChat's own Chinese name for the table drawn (untrusted: in a code span). */
function wechatName(s: PerfSeries): string | undefined {
  return s.name.trim() === '' ? undefined : inlineCode(s.name, 30);
}

function perfTable(r: PerfReport): KnownBlock[] {
  const rows = [['Metric', 'Latest', 'On', `${r.span}-day avg`, 'Change']];
  for (const s of r.series) {
    rows.push(
      hasData(s)
        ? [METRIC_NAMES[s.metric], measure(s.latest, s.unit), latestDay(s), measure(s.average, s.unit), delta(s.change)]
        : [METRIC_NAMES[s.metric], 'no data', '', '', ''],
    );
  }
  const caption = `*Performance*, ${isoDate(r.begin)} – ${isoDate(r.period.end)} — change is the second half of the days against the first`;
  return tableSections(caption, rows, ['l', 'r', 'r', 'r', 'r'], 'For times and memory, lower is better.');
}

function namesLine(r: PerfReport): string | undefined {
  const named = r.series.map((s) => ({ s, name: wechatName(s) })).filter((x) => x.name !== undefined);
  if (named.length === 0) return undefined;
  return `WeChat's names: ${named.map(({ s, name }) => `${METRIC_NAMES[s.metric]} ${name}`).join(' · ')}`;
}

/** /wxa perf: launch, page switch and memory over the span. */
export function perfMessage(r: PerfReport, o: RenderOptions): RenderedMessage {
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  if (r.series.length > 0) blocks.push(...perfTable(r));
  const missing = r.series.filter((s) => !hasData(s)).map((s) => METRIC_NAMES[s.metric].toLowerCase());
  if (missing.length > 0) blocks.push(section(`WeChat sent no figures for ${missing.join(', ')} over these days.`));
  const names = namesLine(r);
  if (names) blocks.push(context([names]));
  const notes = [...otherNotes(r), 'Chart: each metric per day, posted below.'];
  return finish(blocks, footer(notes, o), fallback(r, title));
}

function fallback(r: PerfReport, title: string): string {
  const launch = r.series.find((s) => s.metric === 'launch');
  const what = launch && hasData(launch) ? `launch time ${measure(launch.average, launch.unit)} on average (${delta(launch.change)}).` : '';
  return [fallbackLead(r, title), what, r.empty ? 'WeChat returned no data for these days.' : ''].filter(Boolean).join(' ');
}
