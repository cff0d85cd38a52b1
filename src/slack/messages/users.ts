import { type Language, translator, type Translate } from '../../i18n';
import { formatDate, formatPeriod } from '../../i18n/dates';
import { reportTitle, type Portrait, type PortraitDimension, type PortraitSlice, type UsersReport } from '../../reports/model';
import { portraitNameEn } from '../../wechat/labels';
import { count, percent, shortPercent } from '../format';
import { clip, plainText } from '../text';
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

/** Names from WeChat are cut to this many characters in tables. */
const NAME_WIDTH = 24;
const TOP = 5;

/** Each dimension in table order; `translate`: WeChat's Chinese name has a fixed English one (genders, platforms, ages). */
const DIMENSIONS: { key: PortraitDimension; top?: number; translate?: boolean }[] = [
  { key: 'genders', translate: true },
  { key: 'platforms', translate: true },
  { key: 'ages', translate: true },
  { key: 'provinces', top: TOP },
  { key: 'cities', top: TOP },
  { key: 'devices', top: TOP },
];

/**
 * A slice's name for a table cell (cleaned; the table escapes): in English, genders and ages in
 * English and the rest as WeChat sent them; in Chinese all as WeChat sent them, which is Chinese.
 */
function sliceName(s: PortraitSlice, translate: boolean, lang: Language): string {
  const name = plainText(translate && lang === 'en' ? portraitNameEn(s.name) : s.name).trim();
  return clip(name, NAME_WIDTH) || translator(lang)('msg.fmt.noName');
}

function dimensionBlocks(p: Portrait, d: (typeof DIMENSIONS)[number], lang: Language): KnownBlock[] {
  const t = translator(lang);
  const slices = p[d.key];
  const caption = `*${t(`msg.users.dim.${d.key}`, { n: TOP })}*`;
  if (slices.length === 0) return [section(t('msg.users.noFigures', { caption }))];
  const shown = slices.slice(0, d.top ?? slices.length);
  const rows = [['', t('msg.label.users'), t('msg.label.share')]];
  for (const s of shown) rows.push([sliceName(s, d.translate ?? false, lang), count(s.value, lang), shortPercent(s.share, lang)]);
  const rest = p.counts[d.key] - shown.length;
  return tableSections(lang, caption, rows, ['l', 'r', 'r'], rest > 0 ? t(`msg.users.more.${d.key}`, { n: rest }) : '');
}

/** New users' total, with their share of active users when both are known: "1,200 (12.0% of active)". */
function newUsersText(r: UsersReport, t: Translate, lang: Language): string {
  const { total: active } = r.activeUsers;
  const { total: fresh } = r.newUsers;
  const n = count(fresh, lang);
  return active && fresh !== null ? t('msg.users.newOfActive', { n, share: percent(fresh / active, lang) }) : n;
}

/** "*Who the active users are*, over the 7 days 2017-03-06 – 2017-03-12 — share of active users" */
function whoLine(r: UsersReport, t: Translate, lang: Language): string {
  if (r.span === 1) return t('msg.users.who.day', { date: formatDate(r.period.end, lang) });
  const range = formatPeriod({ granularity: 'daily', begin: r.begin, end: r.period.end }, lang);
  return t('msg.users.who.span', { span: r.span, range });
}

/** /wxa users: who the active users are, with the new users' total. */
export function usersMessage(r: UsersReport, o: RenderOptions): RenderedMessage {
  const lang = languageOf(r);
  const t = translator(lang);
  const title = reportTitle(r);
  const blocks: KnownBlock[] = [header(title), context([sourceLine(r)]), ...missingParts(r)];
  const active = `*${t('msg.label.activeUsers')}*\n${count(r.activeUsers.total, lang)}`;
  blocks.push(fields([active, `*${t('msg.label.newUsers')}*\n${newUsersText(r, t, lang)}`]));
  if (!r.empty) {
    blocks.push(section(whoLine(r, t, lang)));
    for (const d of DIMENSIONS) blocks.push(...dimensionBlocks(r.activeUsers, d, lang));
  }
  const notes = [...otherNotes(r), t('msg.users.namesNote'), t('msg.chartNote.users')];
  const fallback = fallbackLine(
    [
      fallbackLead(r, title),
      t('msg.users.fallback', { active: count(r.activeUsers.total, lang), fresh: count(r.newUsers.total, lang) }),
      r.empty && t('msg.noData.days'),
    ],
    lang,
  );
  return finish(blocks, footer(notes, o, lang), fallback, lang);
}
