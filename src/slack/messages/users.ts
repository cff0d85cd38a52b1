import { isoDate } from '../../calendar/labels';
import { reportTitle, type Portrait, type PortraitDimension, type PortraitSlice, type UsersReport } from '../../reports/model';
import { portraitNameEn } from '../../wechat/labels';
import { count, percent, shortPercent } from '../format';
import { clip, plainText } from '../text';
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

/** Names from WeChat are cut to this many characters in tables. */
const NAME_WIDTH = 24;
const TOP = 5;

const DIMENSIONS: { key: PortraitDimension; title: string; plural: string; top?: number; translate?: boolean }[] = [
  { key: 'genders', title: 'Gender', plural: 'genders', translate: true },
  { key: 'platforms', title: 'Platform', plural: 'platforms', translate: true },
  { key: 'ages', title: 'Age', plural: 'age bands', translate: true },
  { key: 'provinces', title: `Top ${TOP} provinces`, plural: 'provinces', top: TOP },
  { key: 'cities', title: `Top ${TOP} cities`, plural: 'cities', top: TOP },
  { key: 'devices', title: `Top ${TOP} devices`, plural: 'devices', top: TOP },
];

/** A slice's name for a table cell: genders and ages in English, the rest as WeChat sent them (cleaned; the table escapes). */
function sliceName(s: PortraitSlice, translate: boolean): string {
  const name = plainText(translate ? portraitNameEn(s.name) : s.name).trim();
  return clip(name, NAME_WIDTH) || '(no name)';
}

function dimensionBlocks(p: Portrait, d: (typeof DIMENSIONS)[number]): KnownBlock[] {
  const slices = p[d.key];
  const caption = `*${d.title}*`;
  if (slices.length === 0) return [section(`${caption}: WeChat sent no figures.`)];
  const shown = slices.slice(0, d.top ?? slices.length);
  const rows = [['', 'Users', 'Share']];
  for (const s of shown) rows.push([sliceName(s, d.translate ?? false), count(s.value), shortPercent(s.share)]);
  const rest = p.counts[d.key] - shown.length;
  return tableSections(caption, rows, ['l', 'r', 'r'], rest > 0 ? `+${rest} more ${d.plural}` : '');
}

/** New users as a share of active users, when both are known. */
function newShare(r: UsersReport): string {
  const { total: active } = r.activeUsers;
  const { total: fresh } = r.newUsers;
  return active && fresh !== null ? ` (${percent(fresh / active)} of active)` : '';
}

function spanWords(r: UsersReport): string {
  return r.span === 1 ? `on ${isoDate(r.period.end)}` : `over the ${r.span} days ${isoDate(r.begin)} – ${isoDate(r.period.end)}`;
}

/** /wxa users: who the active users are, with the new users' total. */
export function usersMessage(r: UsersReport, o: RenderOptions): RenderedMessage {
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  blocks.push(fields([`*Active users*\n${count(r.activeUsers.total)}`, `*New users*\n${count(r.newUsers.total)}${newShare(r)}`]));
  if (!r.empty) {
    blocks.push(section(`*Who the active users are*, ${spanWords(r)} — share of active users`));
    for (const d of DIMENSIONS) blocks.push(...dimensionBlocks(r.activeUsers, d));
  }
  const notes = [...otherNotes(r), 'Names of provinces, cities and devices are shown as WeChat sends them.'];
  notes.push('Chart: gender, platform, age and top provinces of the active users, posted below.');
  const fallback = [
    fallbackLead(r, title),
    `${count(r.activeUsers.total)} active users, ${count(r.newUsers.total)} new.`,
    r.empty ? 'WeChat returned no data for these days.' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return finish(blocks, footer(notes, o), fallback);
}
