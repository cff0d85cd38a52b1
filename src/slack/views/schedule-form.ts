// The "Create a schedule" modal: its blocks, the words its values come to, and where each problem shows.
import { GRANULARITIES, type Granularity } from '../../calendar/period';
import type { ScheduleAnswer } from '../../schedule/service';
import { SCHEDULE_REPORTS, type ScheduleSpecProblem } from '../../schedule/spec';
import type { ScheduleReport } from '../../store/types';
import { type KnownBlock, type ModalView, noticeModal, option, packMetadata, plain, inputValue, type ViewValues } from './kit';

export const SCHEDULE_FORM_ID = 'wxa_schedule_form';

/** Block ids of the form's inputs: `response_action: 'errors'` names the bad one by these. */
export const FIELD = {
  report: 'schedule_report',
  granularity: 'schedule_granularity',
  time: 'schedule_time',
  weekday: 'schedule_weekday',
  timezone: 'schedule_timezone',
  channel: 'schedule_channel',
} as const;
export type FormField = (typeof FIELD)[keyof typeof FIELD];

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

// The words people read, in small functions so they can move to a catalogue.
const words = {
  title: () => 'New schedule',
  submit: () => 'Create',
  cancel: () => 'Cancel',
  intro: () => 'Post a report to a channel on a schedule. Dates in reports are China time; the time below is in the zone you choose.',
  report: () => 'Report',
  reportName: (r: ScheduleReport) =>
    ({
      digest: 'Digest (key figures, retention, sources, pages)',
      summary: 'Summary (users and retention)',
      retain: 'Retention',
      visits: 'Visits',
    })[r],
  granularity: () => 'How often',
  granularityName: (g: Granularity) => ({ daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly (on the 1st)' })[g],
  time: () => 'Time (HH:MM, 24-hour)',
  weekday: () => 'Weekday',
  weekdayHint: () => 'Weekly schedules only; Monday if left empty.',
  weekdayName: (d: (typeof WEEKDAYS)[number]) => `${d[0].toUpperCase()}${d.slice(1)}`,
  timezone: () => 'Time zone',
  timezoneHint: () => 'An IANA name such as Asia/Shanghai or Europe/Berlin.',
  channel: () => 'Post in',
  done: () => 'Schedule created',
  adminsOnlyTitle: () => 'Schedules',
};

export interface ScheduleFormDefaults {
  /** The channel the form was opened from: preselected, and where a report would post by default. */
  channel?: string;
  /** REPORT_TIMEZONE. */
  timezone: string;
  /** `app:<name>` given with the command, kept for the submission. */
  app?: string;
}

const select = (
  block: string,
  label: string,
  options: { text: string; value: string }[],
  initial?: string,
  optional = false,
): KnownBlock => {
  const opts = options.map((o) => option(o.text, o.value));
  const chosen = opts.find((o) => o.value === initial);
  return {
    type: 'input',
    block_id: block,
    label: plain(label),
    optional,
    element: { type: 'static_select', action_id: 'value', options: opts, ...(chosen ? { initial_option: chosen } : {}) },
  };
};

const textInput = (block: string, label: string, initial: string, hint?: string): KnownBlock => ({
  type: 'input',
  block_id: block,
  label: plain(label),
  ...(hint ? { hint: plain(hint) } : {}),
  element: { type: 'plain_text_input', action_id: 'value', initial_value: initial, max_length: 64 },
});

/** The form, prefilled with the defaults of `/wxa schedule add`: the weekly digest, Mondays at 10:00, here. */
export function scheduleFormView(d: ScheduleFormDefaults): ModalView {
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: words.intro() } },
    select(
      FIELD.report,
      words.report(),
      SCHEDULE_REPORTS.map((r) => ({ text: words.reportName(r), value: r })),
      'digest',
    ),
    select(
      FIELD.granularity,
      words.granularity(),
      GRANULARITIES.map((g) => ({ text: words.granularityName(g), value: g })),
      'weekly',
    ),
    textInput(FIELD.time, words.time(), '10:00'),
    {
      ...(select(
        FIELD.weekday,
        words.weekday(),
        WEEKDAYS.map((w, i) => ({ text: words.weekdayName(w), value: String(i + 1) })),
        undefined,
        true,
      ) as Extract<KnownBlock, { type: 'input' }>),
      hint: plain(words.weekdayHint()),
    },
    textInput(FIELD.timezone, words.timezone(), d.timezone, words.timezoneHint()),
    {
      type: 'input',
      block_id: FIELD.channel,
      label: plain(words.channel()),
      element: {
        type: 'conversations_select',
        action_id: 'value',
        // Slack fills in the conversation the modal was opened from when no channel is given.
        ...(d.channel ? { initial_conversation: d.channel } : { default_to_current_conversation: true }),
        filter: { include: ['public', 'private'], exclude_bot_users: true },
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: SCHEDULE_FORM_ID,
    title: plain(words.title()),
    submit: plain(words.submit()),
    close: plain(words.cancel()),
    private_metadata: packMetadata({ channel: d.channel, app: d.app }),
    blocks,
  };
}

export type FormRead = { ok: true; words: string[]; channel: string } | { ok: false; errors: Partial<Record<FormField, string>> };

/**
 * The form's values as the words of `/wxa schedule add`, so the form and the text command take the
 * same path through the schedule service (parsing, checks, defaults). Only an empty channel is
 * caught here; everything else is the service's to judge.
 */
export function readScheduleForm(values: ViewValues): FormRead {
  const channel = inputValue(values, FIELD.channel);
  if (!channel) return { ok: false, errors: { [FIELD.channel]: fieldError.noChannel() } };
  const out: string[] = [];
  const report = inputValue(values, FIELD.report);
  if (report) out.push(report);
  const granularity = inputValue(values, FIELD.granularity);
  if (granularity) out.push(granularity);
  // An empty time is a bad time, not the default: the field was cleared on purpose.
  out.push('at', inputValue(values, FIELD.time) ?? '');
  const weekday = Number(inputValue(values, FIELD.weekday));
  if (weekday >= 1 && weekday <= 7) out.push('on', WEEKDAYS[weekday - 1]);
  out.push('tz', inputValue(values, FIELD.timezone) ?? '');
  out.push(`<#${channel}>`);
  return { ok: true, words: out, channel };
}

/** Modal errors are plain text, next to their field. */
export const fieldError = {
  noChannel: () => 'Pick the channel to post in.',
  time: (given?: string) => `${given ? `"${given}" is not a time. ` : ''}Use 24-hour HH:MM, e.g. 09:30.`,
  weekday: () => 'Not a weekday.',
  weekdayNotWeekly: () => 'A weekday only applies to weekly schedules: clear it, or choose Weekly.',
  zone: (given?: string) => `${given ? `"${given}" is not a time zone I know. ` : ''}Use an IANA name such as Asia/Shanghai.`,
  channel: () => 'Schedules can post only in a public or private channel.',
  digestMonthly: () => 'The digest is weekly or daily; for a monthly schedule choose Summary, Retention or Visits.',
  noProgram: () => 'No mini program is available in this channel (or several are and none is its default).',
  notAllowedHere: () => 'This bot is not enabled in that channel.',
};

/** Which field a parsing problem belongs to, and what to say there. */
export function specProblemField(p: ScheduleSpecProblem): [FormField, string] {
  switch (p.reason) {
    case 'bad_time':
      return [FIELD.time, fieldError.time(p.given)];
    case 'bad_weekday':
      return [FIELD.weekday, fieldError.weekday()];
    case 'weekday_not_weekly':
      return [FIELD.weekday, fieldError.weekdayNotWeekly()];
    case 'bad_zone':
      return [FIELD.timezone, fieldError.zone(p.given)];
    case 'digest_not_monthly':
      return [FIELD.report, fieldError.digestMonthly()];
    case 'plain_channel':
    case 'unknown_word':
      // The selects give only known words: anything else came from the channel picker (a DM, say).
      return [FIELD.channel, fieldError.channel()];
  }
}

/** The field errors for a refused add, or undefined when the answer is not about a field. */
export function answerErrors(a: ScheduleAnswer): Partial<Record<FormField, string>> | undefined {
  if (a.kind === 'bad_spec') {
    const [field, text] = specProblemField(a.problem);
    return { [field]: text };
  }
  if (a.kind === 'no_program') return { [FIELD.channel]: fieldError.noProgram() };
  return undefined;
}

/** What replaces the form once the schedule is stored: the same confirmation the command gives. */
export function scheduleAddedView(confirmation: string): ModalView {
  return noticeModal(words.done(), confirmation, 'wxa_schedule_added');
}

/** Shown instead of the form, before anything is filled in, to someone who may not add schedules. */
export function adminOnlyView(text: string): ModalView {
  return noticeModal(words.adminsOnlyTitle(), text, 'wxa_schedule_refused');
}
