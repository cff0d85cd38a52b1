// Block Kit pieces every report message is made of, each kept inside Slack's limits.
import type { types } from '@slack/bolt';
import type { Report } from '../../reports/model';
import { localDateTime } from '../../calendar/time-zone';
import { type Language, translator } from '../../i18n';
import {
  MAX_BLOCKS,
  MAX_CONTEXT_ELEMENTS,
  MAX_FALLBACK_TEXT,
  MAX_FIELDS,
  MAX_FIELD_TEXT,
  MAX_HEADER_TEXT,
  MAX_SECTION_TEXT,
  truncate,
} from '../limits';
import { escapeMrkdwn, noteText, plainText } from '../text';

export type KnownBlock = types.KnownBlock;
export type SlackBlock = types.KnownBlock | types.Block;

export interface RenderedMessage {
  text: string;
  blocks: SlackBlock[];
}

export interface RenderOptions {
  generatedAt?: Date;
  timezone?: string;
}

export const header = (text: string): KnownBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, MAX_HEADER_TEXT), emoji: true },
});
export const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, MAX_SECTION_TEXT) },
});
export const fields = (items: string[]): KnownBlock => ({
  type: 'section',
  fields: items.slice(0, MAX_FIELDS).map((t) => ({ type: 'mrkdwn', text: truncate(t, MAX_FIELD_TEXT) })),
});
export const context = (items: string[]): KnownBlock => ({
  type: 'context',
  elements: items.slice(0, MAX_CONTEXT_ELEMENTS).map((t) => ({ type: 'mrkdwn', text: truncate(t, MAX_FIELD_TEXT) })),
});
export const divider = (): KnownBlock => ({ type: 'divider' });

/** The language of a report's words: English unless the report says otherwise. */
export function languageOf(r: Pick<Report, 'language'>): Language {
  return r.language ?? 'en';
}

/** "App · WeChat analytics · dates in China time", under every header. */
export function sourceLine(r: Pick<Report, 'appName' | 'sandbox' | 'language'>): string {
  const t = translator(languageOf(r));
  return t(r.sandbox ? 'msg.source.sandbox' : 'msg.source.wechat', { app: escapeMrkdwn(r.appName) });
}

export function generatedLine(o: RenderOptions, lang: Language = 'en'): string | undefined {
  if (!o.generatedAt) return undefined;
  const tz = o.timezone ?? 'Asia/Shanghai';
  return translator(lang)('msg.generated', { at: localDateTime(o.generatedAt, tz), tz });
}

/** Pads a cell to a width as people see it (CJK characters take two columns). */
export function pad(cell: string, width: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(cell)));
  return align === 'r' ? fill + cell : cell + fill;
}

/** Wide (CJK, full-width) characters take two columns in a monospace block. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += WIDE.test(ch) || (ch.codePointAt(0) ?? 0) >= 0x1f300 ? 2 : 1;
  return w;
}

/** 'l' pads on the right (names), 'r' on the left (numbers). */
export type Align = 'l' | 'r';

/**
 * Rows as aligned monospace lines. Cells may hold WeChat text: they are cleaned, padded by the
 * width people see, then escaped (escaping first would count `&amp;` as five columns).
 */
export function tableLines(rows: string[][], align: Align[]): string[] {
  const clean = rows.map((row) => row.map(plainText));
  const widths = clean[0].map((_, c) => Math.max(...clean.map((row) => displayWidth(row[c] ?? ''))));
  return clean.map((row) =>
    row
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c] - displayWidth(cell));
        return escapeMrkdwn(align[c] === 'r' ? pad + cell : c === row.length - 1 ? cell : cell + pad);
      })
      .join('  ')
      .trimEnd(),
  );
}

const code = (lines: string[]) => `\`\`\`\n${lines.join('\n')}\n\`\`\``;

/**
 * A captioned table as one or more sections, each within the section limit: a long table goes on in
 * the next section (its header row repeated) rather than being cut mid-line.
 */
export function tableSections(lang: Language, caption: string, rows: string[][], align: Align[], after = ''): KnownBlock[] {
  const [head, ...body] = tableLines(rows, align);
  const blocks: KnownBlock[] = [];
  let lines: string[] = [head];
  let lead = caption;
  const room = (extra: string[]) => `${lead}\n${code(extra)}${after ? `\n${after}` : ''}`.length <= MAX_SECTION_TEXT;
  for (const line of body) {
    if (!room([...lines, line]) && lines.length > 1) {
      blocks.push(section(`${lead}\n${code(lines)}`));
      lead = translator(lang)('msg.continued', { caption: caption.split('\n')[0] });
      lines = [head];
    }
    lines.push(line);
  }
  blocks.push(section(`${lead}\n${code(lines)}${after ? `\n${after}` : ''}`));
  return blocks;
}

/** Notes, the chart line and the generated-at line, last in every message. */
export function footer(notes: string[], o: RenderOptions, lang: Language): KnownBlock {
  const generated = generatedLine(o, lang);
  return context(generated ? [...notes, generated] : notes);
}

/** Notes other than missing parts, in words (missing parts get their own line near the top). */
export function otherNotes(r: Report): string[] {
  return r.notes.filter((n) => n.kind !== 'part_missing').map((n) => noteText(n, languageOf(r)));
}

/** One context line per part WeChat could not give, so the reader sees what is absent before reading on. */
export function missingParts(r: Report): KnownBlock[] {
  return r.notes.filter((n) => n.kind === 'part_missing').map((n) => context([`:warning: ${noteText(n, languageOf(r))}`]));
}

/**
 * The message within Slack's limits: the body is cut to leave room for the footer (notes and
 * generated-at), and the fallback is one line.
 */
export function finish(body: KnownBlock[], foot: KnownBlock, fallback: string, lang: Language): RenderedMessage {
  const fits = body.length + 1 <= MAX_BLOCKS;
  const blocks = fits ? body : [...body.slice(0, MAX_BLOCKS - 2), context([translator(lang)('msg.shortened')])];
  const line = fallback.replace(/\s+/g, ' ').trim();
  return { text: truncate(line, MAX_FALLBACK_TEXT), blocks: [...blocks, foot] };
}

/** "Daily visit sources · 2017-03-06 (App, sandbox data):", the start of every fallback line. */
export function fallbackLead(r: Report, title: string): string {
  return translator(languageOf(r))(r.sandbox ? 'msg.leadSandbox' : 'msg.lead', { title, app: escapeMrkdwn(r.appName) });
}

/**
 * The fallback's sentences as one line: spaced in English; in Chinese the full-width punctuation
 * that ends each one already separates them.
 */
export function fallbackLine(parts: (string | false | undefined)[], lang: Language): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(lang === 'zh' ? '' : ' ');
}

/** Words that depend on the report's period: "previous week", "8 weeks", "days". */
export function periodWords(lang: Language, g: Report['period']['granularity']) {
  const t = translator(lang);
  return {
    noun: t(`unit.${g}.noun`),
    plural: t(`msg.plural.${g}`),
    previous: t(`msg.previous.${g}`),
    before: t(`msg.before.${g}`),
    periods: (n: number) => t(`msg.periods.${g}`, { n }),
  };
}
