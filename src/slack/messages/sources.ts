import { formatRange, isoDate, weekdayName } from '../../calendar/labels';
import { reportTitle, type Bucket, type SourceRow, type SourcesReport } from '../../reports/model';
import { depthLabel, sourceLabel, stayTimeLabel, type Label } from '../../wechat/labels';
import { count, delta, percent, shortPercent, signedCount } from '../format';
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

/** Sources listed by name; the rest are summed in one line. */
export const TOP_SOURCES = 10;

/** "Search ▲ 35.0% (+1,200)"; a source with none the week before is "new". */
export function moverText(row: SourceRow): string {
  const { value, previous, change } = row.sessions;
  const diff = value === null || previous === null ? null : value - previous;
  const how = change === null ? (previous === 0 ? 'new' : 'n/a') : delta(change);
  return `${sourceLabel(row.key).en} ${how} (${signedCount(diff)})`;
}

/** The compared day as people say it: "Monday 2017-02-27". */
function comparedDay(r: SourcesReport): string {
  return `${weekdayName(r.comparedWith.begin)} ${formatRange(r.comparedWith)}`;
}

/** The change, or "new" for a source with no sessions a week earlier (as the movers line says). */
function changeCell(s: SourceRow): string {
  return s.sessions.previous === 0 && (s.sessions.value ?? 0) > 0 ? 'new' : delta(s.sessions.change);
}

function sourcesTable(r: SourcesReport): KnownBlock[] {
  const top = r.sources.slice(0, TOP_SOURCES);
  const rest = r.sources.slice(TOP_SOURCES);
  const rows = [['Source', 'Sessions', 'Share', `vs ${isoDate(r.comparedWith.begin).slice(5)}`]];
  for (const s of top) rows.push([sourceLabel(s.key).en, count(s.sessions.value), shortPercent(s.share), changeCell(s)]);
  const caption = `*Top sources* — sessions, share of the day's sessions, and change against ${comparedDay(r)} (same weekday a week earlier)`;
  return tableSections(caption, rows, ['l', 'r', 'r', 'r'], rest.length ? moreSources(r, rest) : '');
}

/** "+48 more sources (3.1% of sessions)": the tail is summed, never dropped silently. */
function moreSources(r: SourcesReport, rest: SourceRow[]): string {
  const sessions = rest.reduce((a, s) => a + (s.sessions.value ?? 0), 0);
  const share = r.totalSessions ? sessions / r.totalSessions : null;
  return `+${rest.length} more source${rest.length === 1 ? '' : 's'} (${percent(share)} of sessions)`;
}

function moversLine(r: SourcesReport): string | undefined {
  if (r.movers.length === 0) return undefined;
  return `*Biggest movers* against ${comparedDay(r)}: ${r.movers.map(moverText).join(' · ')}`;
}

function bucketTable(caption: string, buckets: Bucket[], label: (key: number) => Label): KnownBlock[] {
  if (buckets.length === 0) return [section(`${caption}\nWeChat sent no figures.`)];
  const rows = [['', 'Visits', 'Share']];
  for (const b of buckets) rows.push([label(b.key).en, count(b.value), shortPercent(b.share)]);
  return tableSections(caption, rows, ['l', 'r', 'r']);
}

/** /wxa sources: where the day's visits came from. */
export function sourcesMessage(r: SourcesReport, o: RenderOptions): RenderedMessage {
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  if (r.sources.length > 0) {
    blocks.push(fields([`*Sessions*\n${count(r.totalSessions)}`, `*Sources*\n${count(r.sources.length)}`]));
    blocks.push(...sourcesTable(r));
    const movers = moversLine(r);
    if (movers) blocks.push(section(movers));
  } else if (!r.empty) {
    blocks.push(section('WeChat sent no sessions by source for this day.'));
  }
  if (r.stayTime.length > 0 || r.depth.length > 0) {
    blocks.push(...bucketTable('*Time spent per visit*', r.stayTime, stayTimeLabel));
    blocks.push(...bucketTable('*Pages per visit*', r.depth, depthLabel));
  }
  const notes = [...otherNotes(r), `Chart: sessions by source on ${formatRange(r.period)}, posted below.`];
  return finish(blocks, footer(notes, o), fallback(r, title));
}

function fallback(r: SourcesReport, title: string): string {
  const top = r.sources[0];
  return [
    fallbackLead(r, title),
    r.sources.length ? `${count(r.totalSessions)} sessions from ${r.sources.length} sources;` : '',
    top ? `top: ${sourceLabel(top.key).en} (${percent(top.share)}).` : '',
    r.empty ? 'WeChat returned no data for this day.' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
