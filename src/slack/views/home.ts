// The App Home tab and the "Post a report" modal it opens: plain Block Kit from plain data.
import { formatRange } from '../../calendar/labels';
import type { Period } from '../../calendar/period';
import type { Figure } from '../../reports/model';
import type { RunRecord, Schedule } from '../../store/types';
import { figureLine } from '../format';
import { MAX_HEADER_TEXT, truncate } from '../limits';
import { escapeMrkdwn } from '../text';
import { type Language, translator } from '../../i18n';
import { momentIn, runStateWords, scheduleWhat, scheduleWhen } from '../schedule-words';
import { alertWhat, lastWords } from '../alert-words';
import type { Alert } from '../../alerts/types';
import {
  type HomeView,
  type KnownBlock,
  MAX_VIEW_BLOCKS,
  type ModalView,
  mrkdwnSection,
  option,
  plain,
  inputValue,
  type ViewValues,
} from './kit';

export const HOME_ACTION = { postReport: 'wxa_home_post_report', createSchedule: 'wxa_home_create_schedule' } as const;
export const POST_REPORT_ID = 'wxa_post_report';
export const POST_FIELD = { channel: 'post_channel', kind: 'post_kind', app: 'post_app' } as const;

/** The kinds "Post a report" offers: last week's, like the schedules post. */
export const POSTABLE_KINDS = ['digest', 'retain', 'visits'] as const;
export type PostableKind = (typeof POSTABLE_KINDS)[number];

/** The three headline figures of a week (TrendReport.visits keys). */
export const HEADLINE_KEYS = ['visitUv', 'visitUvNew', 'sessionCnt'] as const;

export interface ProgramCard {
  name: string;
  displayName: string;
  sandbox: boolean;
  /** The week the figures are for. */
  period: Period;
  /** Visitors, new visitors, sessions; null when WeChat did not answer. */
  figures: Figure[] | null;
}

export interface HomeSchedule {
  schedule: Schedule;
  next: Date;
  last?: RunRecord;
  /** The mini program's display name, when the bot serves more than one. */
  appName?: string;
}

export interface HomeAlert {
  alert: Alert;
  last?: RunRecord;
}

export interface HomeModel {
  programs: ProgramCard[];
  /** The schedules of the user's channels; null when they could not be read (Slack or the store did not answer). */
  schedules: HomeSchedule[] | null;
  /** The alerts of the user's channels, like `schedules`; absent when the bot has no alerts service. */
  alerts?: HomeAlert[] | null;
}

// The words people read, from the catalogue (src/i18n/catalog/replies.ts), in one language.
function wordsIn(lang: Language) {
  const t = translator(lang);
  return {
    title: () => t('home.title'),
    intro: () => t('home.intro'),
    programs: () => t('home.programs'),
    noPrograms: () => t('home.noPrograms'),
    week: (p: Period) => t('home.week', { range: formatRange(p) }),
    sandbox: () => t('home.sandbox'),
    wechatDown: () => t('home.wechatDown'),
    figure: (key: string) =>
      (HEADLINE_KEYS as readonly string[]).includes(key) ? t(`home.figure.${key as (typeof HEADLINE_KEYS)[number]}`) : key,
    schedules: () => t('home.schedules'),
    noSchedules: () => t('home.noSchedules'),
    schedulesUnknown: () => t('home.schedulesUnknown'),
    more: (n: number, what: 'programs' | 'schedules' | 'alerts') => t(`home.more.${what}`, { n }),
    alerts: () => t('home.alerts'),
    noAlerts: () => t('home.noAlerts'),
    alertsUnknown: () => t('home.alertsUnknown'),
    alert: (a: HomeAlert) =>
      t('home.alert', { id: a.alert.id, what: alertWhat(a.alert, lang), channel: a.alert.channel, last: lastWords(a.alert, a.last, lang) }),
    schedule: (s: HomeSchedule) =>
      t('home.schedule', {
        id: escapeMrkdwn(s.schedule.id),
        what: scheduleWhat(s.schedule, lang),
        which: s.appName ? t('home.schedule.for', { app: escapeMrkdwn(s.appName) }) : '',
        when: escapeMrkdwn(scheduleWhen(s.schedule, lang)),
        channel: channelRef(s.schedule.channel),
      }),
    next: (s: HomeSchedule) =>
      t('home.next', {
        next: momentIn(s.next, s.schedule.timezone, lang),
        last: s.last ? lastRunWords(s.last, s.schedule.timezone, lang) : t('schedule.last.never'),
      }),
    postReport: () => t('home.postReport'),
    createSchedule: () => t('home.createSchedule'),
    denied: () => t('reply.access.user'),
    postTitle: () => t('home.postTitle'),
    postSubmit: () => t('home.postSubmit'),
    postIntro: () => t('home.postIntro'),
    postChannel: () => t('home.postChannel'),
    postKind: () => t('home.postKind'),
    postApp: () => t('home.postApp'),
    kindName: (k: PostableKind) => t(`home.kind.${k}`),
    cancel: () => t('form.cancel'),
  };
}

function lastRunWords(r: RunRecord, tz: string, lang: Language): string {
  return `${runStateWords(r.state, lang)} ${momentIn(new Date(r.updatedAt), tz, lang)}`;
}

/** A channel id from the store becomes a mention; anything else is shown as escaped text. */
function channelRef(id: string): string {
  return /^[CG][A-Z0-9]+$/.test(id) ? `<#${id}>` : escapeMrkdwn(id);
}

const header = (text: string): KnownBlock => ({ type: 'header', text: plain(truncate(text, MAX_HEADER_TEXT)) });
const contextLine = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

function programBlock(p: ProgramCard, words: ReturnType<typeof wordsIn>): KnownBlock {
  const title = `*${escapeMrkdwn(p.displayName)}* · ${words.week(p.period)}${p.sandbox ? words.sandbox() : ''}`;
  if (!p.figures) return mrkdwnSection(`${title}\n${words.wechatDown()}`);
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: title },
    fields: p.figures.map((f) => ({ type: 'mrkdwn', text: `*${words.figure(f.key)}*\n${figureLine(f)}` })),
  };
}

/** Up to `room` blocks of `items`; when they do not all fit, the last one says how many were left out. */
function within<T>(
  items: T[],
  room: number,
  block: (t: T) => KnownBlock,
  what: 'programs' | 'schedules' | 'alerts',
  words: ReturnType<typeof wordsIn>,
): KnownBlock[] {
  if (items.length <= room) return items.map(block);
  const shown = Math.max(0, room - 1);
  return [...items.slice(0, shown).map(block), contextLine(words.more(items.length - shown, what))];
}

/** Slack shows at most this many mini programs' cards; the schedules get the rest of the 100 blocks. */
const MAX_PROGRAM_BLOCKS = 30;

export function homeView(m: HomeModel, lang: Language = 'en'): HomeView {
  const words = wordsIn(lang);
  const top: KnownBlock[] = [
    header(words.title()),
    contextLine(words.intro()),
    {
      type: 'actions',
      block_id: 'home_actions',
      elements: [
        { type: 'button', action_id: HOME_ACTION.postReport, text: plain(words.postReport()), style: 'primary' },
        { type: 'button', action_id: HOME_ACTION.createSchedule, text: plain(words.createSchedule()) },
      ],
    },
    { type: 'divider' },
    header(words.programs()),
  ];
  const programs =
    m.programs.length === 0
      ? [mrkdwnSection(words.noPrograms())]
      : within(m.programs, MAX_PROGRAM_BLOCKS, (p) => programBlock(p, words), 'programs', words);
  const middle: KnownBlock[] = [{ type: 'divider' }, header(words.schedules())];
  const alertsHead: KnownBlock[] = m.alerts === undefined ? [] : [{ type: 'divider' }, header(words.alerts())];
  // What is left of the 100 blocks, shared by the schedules and the alerts (at least one block each).
  const room = MAX_VIEW_BLOCKS - top.length - programs.length - middle.length - alertsHead.length;
  // The schedules get at least half, more when there are few alerts; the alerts get what the schedules leave.
  const alertsWant = Math.max(1, m.alerts?.length ?? 1);
  const scheduleRoom = m.alerts === undefined ? room : Math.max(Math.ceil(room / 2), room - alertsWant);
  let schedules: KnownBlock[];
  if (m.schedules === null) schedules = [mrkdwnSection(words.schedulesUnknown())];
  else if (m.schedules.length === 0) schedules = [mrkdwnSection(words.noSchedules())];
  else schedules = within(m.schedules, scheduleRoom, (s) => mrkdwnSection(`${words.schedule(s)}\n${words.next(s)}`), 'schedules', words);
  let alerts: KnownBlock[] = [];
  if (m.alerts === null) alerts = [mrkdwnSection(words.alertsUnknown())];
  else if (m.alerts?.length === 0) alerts = [mrkdwnSection(words.noAlerts())];
  else if (m.alerts) alerts = within(m.alerts, Math.max(1, room - schedules.length), (a) => mrkdwnSection(words.alert(a)), 'alerts', words);
  return { type: 'home', blocks: [...top, ...programs, ...middle, ...schedules, ...alertsHead, ...alerts] };
}

/** The Home tab of someone SLACK_ALLOWED_USERS leaves out. */
export function deniedHomeView(lang: Language = 'en'): HomeView {
  const words = wordsIn(lang);
  return { type: 'home', blocks: [header(words.title()), mrkdwnSection(words.denied())] };
}

/** The "Post a report" modal: a channel (preselected if known), a kind, and the mini program when there are several. */
export function postReportView(
  o: { channel?: string; programs: { name: string; displayName: string }[] },
  lang: Language = 'en',
): ModalView {
  const words = wordsIn(lang);
  const kinds = POSTABLE_KINDS.map((k) => option(words.kindName(k), k));
  const blocks: KnownBlock[] = [
    mrkdwnSection(words.postIntro()),
    {
      type: 'input',
      block_id: POST_FIELD.channel,
      label: plain(words.postChannel()),
      element: {
        type: 'conversations_select',
        action_id: 'value',
        ...(o.channel ? { initial_conversation: o.channel } : {}),
        filter: { include: ['public', 'private'], exclude_bot_users: true },
      },
    },
    {
      type: 'input',
      block_id: POST_FIELD.kind,
      label: plain(words.postKind()),
      element: { type: 'static_select', action_id: 'value', options: kinds, initial_option: kinds[0] },
    },
  ];
  if (o.programs.length > 1) {
    // Slack allows 100 options in a select.
    const apps = o.programs.slice(0, 100).map((p) => option(p.displayName, p.name));
    blocks.push({
      type: 'input',
      block_id: POST_FIELD.app,
      label: plain(words.postApp()),
      element: { type: 'static_select', action_id: 'value', options: apps, initial_option: apps[0] },
    });
  }
  return {
    type: 'modal',
    callback_id: POST_REPORT_ID,
    title: plain(words.postTitle()),
    submit: plain(words.postSubmit()),
    close: plain(words.cancel()),
    blocks,
  };
}

export type PostRead = { ok: true; channel: string; kind: PostableKind; app?: string } | { ok: false; errors: Record<string, string> };

export function readPostReport(values: ViewValues, lang: Language = 'en'): PostRead {
  const t = translator(lang);
  const channel = inputValue(values, POST_FIELD.channel);
  if (!channel) return { ok: false, errors: { [POST_FIELD.channel]: t('home.pickChannel') } };
  const kind = inputValue(values, POST_FIELD.kind);
  if (!POSTABLE_KINDS.includes(kind as PostableKind)) return { ok: false, errors: { [POST_FIELD.kind]: t('home.pickReport') } };
  return { ok: true, channel, kind: kind as PostableKind, app: inputValue(values, POST_FIELD.app) };
}
