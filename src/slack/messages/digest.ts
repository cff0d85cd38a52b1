import { formatRange, isoDate, UNITS } from '../../calendar/labels';
import { reportTitle, type DigestReport, type DigestRetention, type PageRow, type SourceRow } from '../../reports/model';
import { sourceLabel } from '../../wechat/labels';
import { count, delta, figureLine, percent } from '../format';
import {
  context,
  divider,
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
import { moverText } from './sources';
import { pathCell, pathInline } from './pages';

const TOP = 5;

/** "41.2% of the 1,234 new users of 2017-02-27 – 2017-03-05 came back in 2017-03-06 – 2017-03-12 (38.0% the week before)." */
export function retentionLine(r: DigestReport, t: DigestRetention): string {
  const u = UNITS[r.period.granularity];
  const before = t.shareBefore === null ? '' : ` (${percent(t.shareBefore)} the ${u.noun} before)`;
  return `*Retention:* ${percent(t.share)} of the ${count(t.size)} new users of ${formatRange(t.cohort)} came back in ${formatRange(r.period)}${before}.`;
}

function sourcesTable(top: SourceRow[]): KnownBlock[] {
  const rows = [['Source', 'Sessions', 'Change']];
  for (const s of top) rows.push([sourceLabel(s.key).en, count(s.sessions.value), delta(s.sessions.change)]);
  return tableSections(`*Top ${top.length} sources*`, rows, ['l', 'r', 'r']);
}

function pagesTable(top: PageRow[]): KnownBlock[] {
  const rows = [['Page', 'Views', 'Change']];
  for (const p of top) rows.push([pathCell(p.path), count(p.pageViews), delta(p.change)]);
  return tableSections(`*Top ${top.length} pages*`, rows, ['l', 'r', 'r']);
}

/** Pages whose views moved by at least this much are called out (smaller moves are everyday noise). */
const PAGE_MOVE = 0.2;

function moversLine(r: DigestReport): string | undefined {
  const sources = r.movers.map(moverText);
  const pages = r.pages
    .filter((p) => p.change !== null && Math.abs(p.change) >= PAGE_MOVE)
    .sort((a, b) => Math.abs(b.change ?? 0) - Math.abs(a.change ?? 0))
    .slice(0, 2)
    .map((p) => `${pathInline(p.path)} ${delta(p.change)}`);
  const all = [...sources, ...pages];
  return all.length ? `*What moved:* ${all.join(' · ')}` : undefined;
}

/** The top sources by sessions (the model sends them in that order; sorted again so the table never depends on it). */
function topSources(r: DigestReport): SourceRow[] {
  return [...r.sources].sort((a, b) => (b.sessions.value ?? 0) - (a.sessions.value ?? 0)).slice(0, TOP);
}

/** /wxa digest: the Monday message. */
export function digestMessage(r: DigestReport, o: RenderOptions): RenderedMessage {
  const u = UNITS[r.period.granularity];
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  if (r.kpis.length > 0) {
    blocks.push(section(`*Key figures* — change against the previous ${u.noun} (${formatRange(r.previous)})`));
    blocks.push(fields(r.kpis.map((f) => `*${f.label}*\n${figureLine(f)}`)));
  }
  if (r.retention) blocks.push(section(retentionLine(r, r.retention)));
  const sources = topSources(r);
  const pages = r.pages.slice(0, TOP);
  if (sources.length || pages.length) blocks.push(divider());
  if (sources.length) blocks.push(...sourcesTable(sources));
  if (pages.length) blocks.push(...pagesTable(pages));
  const moved = moversLine(r);
  if (moved) blocks.push(section(moved));
  const notes = [...otherNotes(r), `Changes are against the previous ${u.noun}.`];
  if (r.trend.length > 0)
    notes.push(`Chart: visit trend over the ${r.trend.length} ${u.noun}s up to ${isoDate(r.period.end)}, posted below.`);
  return finish(blocks, footer(notes, o), fallback(r, title));
}

function fallback(r: DigestReport, title: string): string {
  const u = UNITS[r.period.granularity];
  const visitors = r.kpis.find((f) => f.key === 'visitUv');
  return [
    fallbackLead(r, title),
    visitors ? `${count(visitors.value)} visitors (${delta(visitors.change)} vs previous ${u.noun});` : '',
    r.retention ? `${percent(r.retention.share)} of last ${u.noun}'s new users came back.` : '',
    r.empty ? 'WeChat returned no data for this period.' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
