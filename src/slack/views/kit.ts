// Shared pieces of the modals and the Home tab: plain Block Kit, no Slack calls.
import type { types } from '@slack/bolt';
import { type Language, translator } from '../../i18n';
import { MAX_SECTION_TEXT, truncate } from '../limits';

export type KnownBlock = types.KnownBlock;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;
export type PlainTextOption = types.PlainTextOption;

/** Slack refuses a modal or Home tab with more blocks than this. */
export const MAX_VIEW_BLOCKS = 100;
/** Slack's limits on a view's title and on an option's text. */
const MAX_TITLE = 24;
const MAX_OPTION_TEXT = 75;

export const plain = (text: string): types.PlainTextElement => ({ type: 'plain_text', text, emoji: true });

export const option = (text: string, value: string): PlainTextOption => ({ text: plain(truncate(text, MAX_OPTION_TEXT)), value });

export const mrkdwnSection = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, MAX_SECTION_TEXT) },
});

/**
 * What a view submission carries: block id → action id → the element's state. Only the parts the
 * bot reads; Bolt's ViewStateValue has these and more.
 */
export type ViewValues = Record<
  string,
  Record<
    string,
    {
      type: string;
      value?: string | null;
      selected_option?: { value: string } | null;
      selected_conversation?: string | null;
      selected_time?: string | null;
    }
  >
>;

/** The value of the one element in `block`, whatever its type (text input, select, conversation or time picker). */
export function inputValue(values: ViewValues, block: string): string | undefined {
  const state = Object.values(values[block] ?? {})[0];
  if (!state) return undefined;
  const v = state.selected_option?.value ?? state.selected_conversation ?? state.selected_time ?? state.value;
  return v === null || v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** A small modal that only says something, with a Close button. */
export function noticeModal(title: string, text: string, callbackId = 'wxa_notice', lang: Language = 'en'): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(truncate(title, MAX_TITLE)),
    close: plain(translator(lang)('form.close')),
    blocks: [mrkdwnSection(text)],
  };
}

/** private_metadata is a string of at most 3000 characters: only ids go in it. */
export function packMetadata(m: Record<string, string | undefined>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)));
}

export function unpackMetadata(s: string | undefined): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(s || '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}
