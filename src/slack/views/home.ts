// The App Home tab and the "Post a report" modal it opens: plain Block Kit from plain data.
import { formatRange } from '../../calendar/labels';
import type { Period } from '../../calendar/period';
import { formatInZone } from '../../calendar/time-zone';
import type { Figure } from '../../reports/model';
import { describeWhen } from '../../schedule/spec';
import type { RunRecord, Schedule } from '../../store/types';
import { figureLine } from '../format';
import { MAX_HEADER_TEXT, truncate } from '../limits';
import { escapeMrkdwn } from '../text';
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

export interface HomeModel {
  programs: ProgramCard[];
  /** The schedules of the user's channels; null when they could not be read (Slack or the store did not answer). */
  schedules: HomeSchedule[] | null;
}

// The words people read, in small functions so they can move to a catalogue.
const words = {
  title: () => 'WeChat Mini Program analytics',
  intro: () => 'Last week’s figures for the mini programs you can see, and the schedules of your channels. Dates in China time.',
  programs: () => 'Mini programs',
  noPrograms: () => 'No mini program is available to you here.',
  week: (p: Period) => `last week, ${formatRange(p)}`,
  sandbox: () => ' · :test_tube: sandbox data',
  wechatDown: () => ':warning: WeChat did not answer; figures will show when it does.',
  figure: (key: string) => ({ visitUv: 'Visitors', visitUvNew: 'New users', sessionCnt: 'Sessions' })[key] ?? key,
  schedules: () => 'Schedules in your channels',
  noSchedules: () => 'No schedules in your channels yet.',
  schedulesUnknown: () => 'Your channels or their schedules could not be read just now; they will show next time.',
  more: (n: number, what: string) => `…and ${n} more ${what}.`,
  schedule: (s: HomeSchedule) => {
    const which = s.appName ? ` for ${escapeMrkdwn(s.appName)}` : '';
    return `\`${escapeMrkdwn(s.schedule.id)}\` ${s.schedule.granularity} ${s.schedule.report}${which}, ${escapeMrkdwn(describeWhen(s.schedule))}, in ${channelRef(s.schedule.channel)}`;
  },
  next: (s: HomeSchedule) =>
    `next: ${formatInZone(s.next, s.schedule.timezone)} · last: ${s.last ? lastRunWords(s.last, s.schedule.timezone) : 'not run yet'}`,
  postReport: () => 'Post a report',
  createSchedule: () => 'Create a schedule',
  denied: () => ":no_entry: You don't have access to this bot. Ask its admin to add your Slack user id to SLACK_ALLOWED_USERS.",
  postTitle: () => 'Post a report',
  postSubmit: () => 'Post',
  postIntro: () => 'Posts last week’s report in the channel, as the command would.',
  postChannel: () => 'Channel',
  postKind: () => 'Report',
  postApp: () => 'Mini program',
  kindName: (k: PostableKind) => ({ digest: 'Digest', retain: 'Retention', visits: 'Visits' })[k],
};

const RUN_WORDS: Record<RunRecord['state'], string> = {
  running: 'running',
  waiting_data: 'waiting for WeChat data',
  retrying: 'summary posted, chart to be retried',
  posted: 'posted',
  not_ready_notice: 'data not ready, notice posted',
  failed: 'failed',
};

function lastRunWords(r: RunRecord, tz: string): string {
  return `${RUN_WORDS[r.state]} ${formatInZone(new Date(r.updatedAt), tz)}`;
}

/** A channel id from the store becomes a mention; anything else is shown as escaped text. */
function channelRef(id: string): string {
  return /^[CG][A-Z0-9]+$/.test(id) ? `<#${id}>` : escapeMrkdwn(id);
}

const header = (text: string): KnownBlock => ({ type: 'header', text: plain(truncate(text, MAX_HEADER_TEXT)) });
const contextLine = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

function programBlock(p: ProgramCard): KnownBlock {
  const title = `*${escapeMrkdwn(p.displayName)}* · ${words.week(p.period)}${p.sandbox ? words.sandbox() : ''}`;
  if (!p.figures) return mrkdwnSection(`${title}\n${words.wechatDown()}`);
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: title },
    fields: p.figures.map((f) => ({ type: 'mrkdwn', text: `*${words.figure(f.key)}*\n${figureLine(f)}` })),
  };
}

/** Up to `room` blocks of `items`; when they do not all fit, the last one says how many were left out. */
function within<T>(items: T[], room: number, block: (t: T) => KnownBlock, what: string): KnownBlock[] {
  if (items.length <= room) return items.map(block);
  const shown = Math.max(0, room - 1);
  return [...items.slice(0, shown).map(block), contextLine(words.more(items.length - shown, what))];
}

/** Slack shows at most this many mini programs' cards; the schedules get the rest of the 100 blocks. */
const MAX_PROGRAM_BLOCKS = 30;

export function homeView(m: HomeModel): HomeView {
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
    m.programs.length === 0 ? [mrkdwnSection(words.noPrograms())] : within(m.programs, MAX_PROGRAM_BLOCKS, programBlock, 'mini programs');
  const middle: KnownBlock[] = [{ type: 'divider' }, header(words.schedules())];
  const used = top.length + programs.length + middle.length;
  let schedules: KnownBlock[];
  if (m.schedules === null) schedules = [mrkdwnSection(words.schedulesUnknown())];
  else if (m.schedules.length === 0) schedules = [mrkdwnSection(words.noSchedules())];
  else schedules = within(m.schedules, MAX_VIEW_BLOCKS - used, (s) => mrkdwnSection(`${words.schedule(s)}\n${words.next(s)}`), 'schedules');
  return { type: 'home', blocks: [...top, ...programs, ...middle, ...schedules] };
}

/** The Home tab of someone SLACK_ALLOWED_USERS leaves out. */
export function deniedHomeView(): HomeView {
  return { type: 'home', blocks: [header(words.title()), mrkdwnSection(words.denied())] };
}

/** The "Post a report" modal: a channel (preselected if known), a kind, and the mini program when there are several. */
export function postReportView(o: { channel?: string; programs: { name: string; displayName: string }[] }): ModalView {
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
    close: plain('Cancel'),
    blocks,
  };
}

export type PostRead = { ok: true; channel: string; kind: PostableKind; app?: string } | { ok: false; errors: Record<string, string> };

export function readPostReport(values: ViewValues): PostRead {
  const channel = inputValue(values, POST_FIELD.channel);
  if (!channel) return { ok: false, errors: { [POST_FIELD.channel]: 'Pick the channel to post in.' } };
  const kind = inputValue(values, POST_FIELD.kind);
  if (!POSTABLE_KINDS.includes(kind as PostableKind)) return { ok: false, errors: { [POST_FIELD.kind]: 'Pick a report.' } };
  return { ok: true, channel, kind: kind as PostableKind, app: inputValue(values, POST_FIELD.app) };
}
