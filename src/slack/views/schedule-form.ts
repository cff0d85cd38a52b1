// The "Create a schedule" modal: its blocks, the words its values come to, and where each problem shows.
import { GRANULARITIES, type Granularity } from '../../calendar/period';
import type { ScheduleAnswer } from '../../schedule/service';
import { SCHEDULE_REPORTS, type ScheduleSpecProblem } from '../../schedule/spec';
import type { ScheduleReport } from '../../store/types';
import { type Language, translator } from '../../i18n';
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

// The words people read, from the catalogue (src/i18n/catalog/replies.ts), in one language.
function wordsIn(lang: Language) {
  const t = translator(lang);
  return {
    title: () => t('form.title'),
    submit: () => t('form.submit'),
    cancel: () => t('form.cancel'),
    intro: () => t('form.intro'),
    report: () => t('form.report'),
    reportName: (r: ScheduleReport) => t(`form.report.${r}`),
    granularity: () => t('form.granularity'),
    granularityName: (g: Granularity) => t(`form.gran.${g}`),
    time: () => t('form.time'),
    weekday: () => t('form.weekday'),
    weekdayHint: () => t('form.weekdayHint'),
    weekdayName: (i: number) => t(`form.weekday.${(i + 1) as 1 | 2 | 3 | 4 | 5 | 6 | 7}`),
    timezone: () => t('form.timezone'),
    timezoneHint: () => t('form.timezoneHint'),
    channel: () => t('form.channel'),
    done: () => t('form.done'),
    adminsOnlyTitle: () => t('form.schedules'),
  };
}

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
export function scheduleFormView(d: ScheduleFormDefaults, lang: Language = 'en'): ModalView {
  const words = wordsIn(lang);
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
        WEEKDAYS.map((_w, i) => ({ text: words.weekdayName(i), value: String(i + 1) })),
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
export function readScheduleForm(values: ViewValues, lang: Language = 'en'): FormRead {
  const fieldError = fieldErrorsIn(lang);
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
export function fieldErrorsIn(lang: Language) {
  const t = translator(lang);
  return {
    noChannel: () => t('form.error.noChannel'),
    time: (given?: string) => `${given ? t('form.error.notTime', { given }) : ''}${t('form.error.time')}`,
    weekday: () => t('form.error.weekday'),
    weekdayNotWeekly: () => t('form.error.weekdayNotWeekly'),
    zone: (given?: string) => `${given ? t('form.error.notZone', { given }) : ''}${t('form.error.zone')}`,
    channel: () => t('form.error.channel'),
    digestMonthly: () => t('form.error.digestMonthly'),
    noProgram: () => t('form.error.noProgram'),
    notAllowedHere: () => t('form.error.notAllowedHere'),
  };
}

export const fieldError = fieldErrorsIn('en');

/** Which field a parsing problem belongs to, and what to say there. */
export function specProblemField(p: ScheduleSpecProblem, lang: Language = 'en'): [FormField, string] {
  const fieldError = fieldErrorsIn(lang);
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
export function answerErrors(a: ScheduleAnswer, lang: Language = 'en'): Partial<Record<FormField, string>> | undefined {
  if (a.kind === 'bad_spec') {
    const [field, text] = specProblemField(a.problem, lang);
    return { [field]: text };
  }
  if (a.kind === 'no_program') return { [FIELD.channel]: fieldErrorsIn(lang).noProgram() };
  return undefined;
}

/** What replaces the form once the schedule is stored: the same confirmation the command gives. */
export function scheduleAddedView(confirmation: string, lang: Language = 'en'): ModalView {
  return noticeModal(wordsIn(lang).done(), confirmation, 'wxa_schedule_added', lang);
}

/** Shown instead of the form, before anything is filled in, to someone who may not add schedules. */
export function adminOnlyView(text: string, lang: Language = 'en'): ModalView {
  return noticeModal(wordsIn(lang).adminsOnlyTitle(), text, 'wxa_schedule_refused', lang);
}
