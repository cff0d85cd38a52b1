import type { types } from '@slack/bolt';
import { z } from 'zod';
import { isoDate } from '../calendar/labels';
import { LRUCache } from 'lru-cache';
import {
  addDays,
  chinaToday,
  GRANULARITIES,
  nextPeriod,
  periodContaining,
  previousPeriod,
  type Granularity,
  type Period,
} from '../calendar/period';
import { type Language, translator } from '../i18n';
import { REPORT_KINDS, type Report, type ReportKind, type ReportRequest, reportTitle } from '../reports/model';
import { KIND_RULES, parseReportText } from '../reports/request';

/** Slack's limit on a button's or option's value. */
const MAX_BUTTON_VALUE = 2000;

/** Every report button's action_id starts with this; the listener matches it. */
export const NAV_ACTION = /^wxa_nav_/;

/**
 * What a button asks for: kind, mini program, period (and span). It travels in the button's value
 * and comes back as untrusted input: decodeTarget re-checks it with the same rules as typed text.
 */
export interface Target {
  kind: ReportKind;
  app: string;
  granularity: Granularity;
  /** yyyymmdd: the period's first day (span kinds: the span's last day). */
  date: string;
  span?: number;
}

const TargetSchema = z
  .object({
    v: z.literal(1),
    k: z.enum(REPORT_KINDS as [ReportKind, ...ReportKind[]]),
    a: z.string().regex(/^[a-z0-9_-]{1,64}$/),
    g: z.enum(GRANULARITIES as [Granularity, ...Granularity[]]),
    d: z.string().regex(/^\d{8}$/),
    s: z.number().int().positive().max(366).optional(),
  })
  .strict();

export function encodeTarget(t: Target): string {
  return JSON.stringify({ v: 1, k: t.kind, a: t.app, g: t.granularity, d: t.date, ...(t.span === undefined ? {} : { s: t.span }) });
}

export type Decoded = { ok: true; target: Target; request: ReportRequest } | { ok: false };

/** The words a person would type for the target, so a click is checked exactly like a command. */
function words(t: Pick<Target, 'kind' | 'granularity' | 'date' | 'span'>): string {
  return `${t.span === undefined ? t.granularity : `${t.span}d`} ${isoDate(t.date)}`;
}

/** A button's value back into a request, or not: anything malformed, foreign or not (yet) servable is refused. */
export function decodeTarget(value: unknown, now: Date): Decoded {
  if (typeof value !== 'string' || value.length > MAX_BUTTON_VALUE) return { ok: false };
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return { ok: false };
  }
  const p = TargetSchema.safeParse(raw);
  if (!p.success) return { ok: false };
  const target: Target = { kind: p.data.k, app: p.data.a, granularity: p.data.g, date: p.data.d, span: p.data.s };
  const parsed = parseReportText(target.kind, words(target), now);
  if (!parsed.ok) return { ok: false };
  return { ok: true, target, request: { ...parsed.request, notes: [] } };
}

/** The target for a request of `kind` about `period`, in the kind's own terms (a daily kind: the period's last day). */
function targetFor(kind: ReportKind, app: string, period: Period, span?: number): Target {
  const rule = KIND_RULES[kind];
  if (rule.spans) return { kind, app, granularity: 'daily', date: period.end, span: span ?? rule.span };
  const g = rule.granularities.includes(period.granularity)
    ? period.granularity
    : rule.granularities.includes('weekly')
      ? 'weekly'
      : 'daily';
  const p = g === period.granularity ? period : periodContaining(g, period.end);
  return { kind, app, granularity: g, date: p.begin };
}

/**
 * Whether a target can be served (complete, not before 2017, within the kind's history) depends only
 * on it and on today's date in China: remembered, since every report asks about ~12 targets on the
 * thread that acks Slack.
 */
const servableCache = new LRUCache<string, boolean>({ max: 10_000 });

/** Keeps only targets a click could serve now (complete, not before 2017, within the kind's history). */
function servable(t: Target, now: Date): boolean {
  const value = encodeTarget(t);
  const key = `${chinaToday(now)}:${value}`;
  let ok = servableCache.get(key);
  if (ok === undefined) {
    ok = decodeTarget(value, now).ok;
    servableCache.set(key, ok);
  }
  return ok;
}

/** The period one step back or forward: a day for span kinds, else the period's own length. */
function step(r: Report, dir: -1 | 1): Period {
  if ('span' in r) {
    const d = addDays(r.period.end, dir);
    return { granularity: 'daily', begin: d, end: d };
  }
  return dir < 0 ? previousPeriod(r.period) : nextPeriod(r.period);
}

const button = (text: string, actionId: string, value: string): types.Button => ({
  type: 'button',
  text: { type: 'plain_text', text, emoji: true },
  action_id: actionId,
  value,
});

/**
 * The actions under a report: ◀ Previous and Next ▶ (when servable), the kind's other
 * granularities (for the same days: a week switched to daily is its last day), and a menu of the
 * other reports about the same period.
 */
export function reportActions(r: Report, app: string, now: Date): types.ActionsBlock | undefined {
  const lang: Language = r.language ?? 'en';
  const t = translator(lang);
  const span = 'span' in r ? r.span : undefined;
  const elements: types.ActionsBlock['elements'] = [];
  const prev = targetFor(r.kind, app, step(r, -1), span);
  if (servable(prev, now)) elements.push(button(t('nav.previous'), 'wxa_nav_prev', encodeTarget(prev)));
  const next = targetFor(r.kind, app, step(r, 1), span);
  if (servable(next, now)) elements.push(button(t('nav.next'), 'wxa_nav_next', encodeTarget(next)));
  if (span === undefined) {
    for (const g of KIND_RULES[r.kind].granularities) {
      if (g === r.period.granularity) continue;
      const target: Target = { kind: r.kind, app, granularity: g, date: periodContaining(g, r.period.end).begin };
      if (servable(target, now)) elements.push(button(t(`nav.granularity.${g}`), `wxa_nav_g_${g}`, encodeTarget(target)));
    }
  }
  const others = REPORT_KINDS.filter((k) => k !== r.kind)
    .map((k) => targetFor(k, app, r.period))
    .filter((target) => servable(target, now));
  if (others.length > 0) {
    elements.push({
      type: 'static_select',
      action_id: 'wxa_nav_other',
      placeholder: { type: 'plain_text', text: t('nav.other') },
      options: others.map((target) => ({
        text: { type: 'plain_text', text: optionText(target, lang) },
        value: encodeTarget(target),
      })),
    });
  }
  return elements.length > 0 ? { type: 'actions', block_id: 'wxa_nav', elements } : undefined;
}

/** A menu option's text: the target's title, within Slack's 75 characters. */
function optionText(target: Target, lang: Language): string {
  const period = periodContaining(target.granularity, target.date);
  const title = reportTitle({ kind: target.kind, period, span: target.span as ReportRequest['span'], language: lang });
  return [...title].length > 75 ? `${[...title].slice(0, 74).join('')}…` : title;
}
