import { formatRange, isoDate, UNITS } from '../../calendar/labels';
import type { Granularity } from '../../calendar/period';
import { reportTitle, type Cohort, type TrendReport } from '../../reports/model';
import { count, delta, figureLine, percent } from '../format';
import { escapeMrkdwn, noteText } from '../text';
import {
  context,
  fields,
  finish,
  generatedLine,
  header,
  section,
  sourceLine,
  type KnownBlock,
  type RenderedMessage,
  type RenderOptions,
} from './kit';

/** Retention as a monospace table: offsets down, new and active users across. */
function retentionTable(g: Granularity, newUsers: Cohort, active: Cohort): string {
  const prefix = UNITS[g].prefix;
  const rows: string[][] = [[prefix, 'New users', '%', 'Active users', '%']];
  rows.push([
    `${prefix} 0`,
    count(newUsers.size),
    newUsers.size === null ? 'n/a' : '100%',
    count(active.size),
    active.size === null ? 'n/a' : '100%',
  ]);
  newUsers.points.forEach((p, i) => {
    const a = active.points[i];
    rows.push([`+${p.offset}`, count(p.count), percent(p.share), count(a.count), percent(a.share)]);
  });
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   '));
  return `\`\`\`\n${lines.join('\n')}\n\`\`\``;
}

function trendTable(r: TrendReport): string {
  const rows = [['Period', 'Visitors', 'New', 'Sessions']];
  for (const t of r.trend) rows.push([formatRange(t.period), count(t.visitUv), count(t.visitUvNew), count(t.sessionCnt)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return `\`\`\`\n${rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ')).join('\n')}\n\`\`\``;
}

/** /retain and /visits. */
export function trendMessage(r: TrendReport, o: RenderOptions): RenderedMessage {
  const u = UNITS[r.period.granularity];
  const blocks: KnownBlock[] = [header(reportTitle(r)), context([sourceLine(r)])];
  const visitors = r.visits.find((f) => f.key === 'visitUv');

  if (r.retention) {
    const { newUsers, activeUsers } = r.retention;
    blocks.push(fields([`*New users*\n${count(newUsers.size)}`, `*Active users*\n${count(activeUsers.size)}`]));
    blocks.push(
      section(
        `*Retention* (users back in the following ${u.noun}s, as counts and % of ${u.noun} 0)\n${retentionTable(r.period.granularity, newUsers, activeUsers)}`,
      ),
    );
  }
  blocks.push({ type: 'divider' });
  blocks.push(section(`*Visits* — change against the previous ${u.noun} (${formatRange(r.previous)})`));
  blocks.push(fields(r.visits.map((f) => `*${f.label}*\n${figureLine(f)}`)));
  if (r.summary) {
    blocks.push(
      fields([
        `*Total visitors to date*\n${count(r.summary.visitTotal)}`,
        `*Shares*\n${count(r.summary.sharePv)}`,
        `*Sharing users*\n${count(r.summary.shareUv)}`,
      ]),
    );
  }
  if (r.kind === 'visits') blocks.push(section(`*Trend*, ${r.trend.length} ${u.noun}s\n${trendTable(r)}`));
  const notes = r.notes.map(noteText);
  notes.push(`Chart: visit trend over the ${r.trend.length} ${u.noun}s up to ${isoDate(r.period.end)}, posted below.`);
  const generated = generatedLine(o);
  if (generated) notes.push(generated);

  const fallback = [
    `${reportTitle(r)} (${escapeMrkdwn(r.appName)}${r.sandbox ? ', sandbox data' : ''}):`,
    r.retention ? `${count(r.retention.newUsers.size)} new users, ${count(r.retention.activeUsers.size)} active users;` : '',
    `${count(visitors?.value ?? null)} visitors (${delta(visitors?.change ?? null)} vs previous ${u.noun}).`,
    r.empty ? 'WeChat returned no data for this period.' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return finish(blocks, context(notes), fallback);
}
