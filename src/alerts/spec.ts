import { randomBytes } from 'node:crypto';
import {
  ALERT_METRICS,
  type AlertCondition,
  type AlertGranularity,
  type AlertMetric,
  METRIC_GRANULARITIES,
  METRIC_UNITS,
} from '../reports/alert';

// Reads the words after `/wxa alert add`: `<metric> [daily|weekly] <condition> [#channel] [app:<name>]`,
// in any order. No words for people here: a problem is a reason code and the token at fault; src/slack words it.

export type AlertSpec = {
  metric: AlertMetric;
  granularity: AlertGranularity;
  condition: AlertCondition;
  /** A channel picked in the text (<#C123|name>); absent = the channel the command came from. */
  channel?: string;
  /** app:<name>, lowercased; absent = the channel's default. */
  app?: string;
  /** source_share: the access-source key; page_share: the page path. */
  subject?: string;
};

export type AlertConditionKind = AlertCondition['kind'];

/** Why the words are not an alert; src/slack puts it into words. `given` is what was typed, cut to 40 characters. */
export type AlertSpecProblem =
  | { reason: 'no_metric' }
  | { reason: 'no_condition' }
  | { reason: 'unknown_metric'; given: string }
  | { reason: 'two_metrics'; given: string }
  | { reason: 'two_conditions'; given: string }
  /** A granularity, channel or app given twice with different values. */
  | { reason: 'repeated'; given: string }
  | { reason: 'granularity_not_offered'; metric: AlertMetric; given: AlertGranularity; offered: readonly AlertGranularity[] }
  /** No number, or not one, after below/above/drops/rises; `given` absent when the text ended there. */
  | { reason: 'bad_number'; condition: AlertConditionKind; given?: string }
  | { reason: 'negative'; condition: AlertConditionKind; given: string }
  /** drops/rises 0%: a change of nothing. */
  | { reason: 'zero_percent'; condition: 'drops' | 'rises'; given: string }
  /** drops more than 100%. */
  | { reason: 'drop_too_big'; given: string }
  /** rises more than 10000%. */
  | { reason: 'rise_too_big'; given: string }
  /** below/above N% on a metric that is not a ratio (visitors, stay time...). */
  | { reason: 'percent_not_ratio'; metric: AlertMetric; given: string }
  /** below/above more than 100% on a ratio (retention). */
  | { reason: 'ratio_too_big'; given: string }
  | { reason: 'bad_app'; given: string }
  /** source_share:<key> without a number key, or page_share:<path> without a page path. */
  | { reason: 'bad_subject'; metric: 'source_share' | 'page_share'; given: string }
  | { reason: 'plain_channel'; given: string }
  | { reason: 'unknown_word'; given: string };

export type AlertSpecParsed = { ok: true; spec: AlertSpec } | { ok: false; problem: AlertSpecProblem };

export const MAX_DROP_PERCENT = 100;
export const MAX_RISE_PERCENT = 10_000;
const GIVEN_MAX = 40;

/** What a user typed, cut to 40 characters (whole code points, so no half emoji). */
function cut(s: string): string {
  const points = Array.from(s);
  return points.length > GIVEN_MAX ? points.slice(0, GIVEN_MAX).join('') : s;
}

/** Accepted names, after lowercasing and `-` → `_`. */
const METRIC_NAMES: Readonly<Record<string, AlertMetric>> = {
  ...Object.fromEntries(ALERT_METRICS.map((m) => [m, m])),
  d1_retention: 'day1_retention',
  d7_retention: 'day7_retention',
  w1_retention: 'week1_retention',
};

const CONDITION_WORDS: Readonly<Record<string, AlertConditionKind>> = {
  below: 'below',
  above: 'above',
  drops: 'drops',
  drop: 'drops',
  rises: 'rises',
  rise: 'rises',
  anomaly: 'anomaly',
};

const GRANULARITY_WORDS: readonly AlertGranularity[] = ['daily', 'weekly'];

/** Same shape as src/schedule/spec.ts: a channel Slack escaped, <#C123|name> or <#C123>. */
const CHANNEL_MENTION = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/;
const APP_NAME = /^[a-z0-9_-]{1,40}$/;
/** 1234, 1,234, 1234.5, .5; an optional % after it. Digits only: no exponents, no hex. */
const NUMBER = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?(%?)$/;
const MINUS = /^[-\u2212]/;
const NAME_LIKE = /^[\p{L}\p{N}_-]+$/u;
/** source_share:1005, page_share:pages/index/index: a metric about one source or one page. */
const SUBJECT_METRIC = /^(source[_-]share|page[_-]share):(.*)$/i;
const SOURCE_KEY = /^\d{1,6}$/;
const PAGE_PATH = /^[A-Za-z0-9_\-./]{1,200}$/;

type ReadNumber = { ok: true; n: number; percent: boolean } | { ok: false; negative: boolean };

function readNumber(token: string): ReadNumber {
  if (token.length > GIVEN_MAX) return { ok: false, negative: false };
  if (MINUS.test(token)) {
    const rest = readNumber(token.slice(1));
    return { ok: false, negative: rest.ok };
  }
  const m = NUMBER.exec(token);
  if (!m || (m[1] === undefined && m[2] === undefined)) return { ok: false, negative: false };
  const n = Number(`${(m[1] ?? '0').replaceAll(',', '')}.${m[2] ?? '0'}`);
  return Number.isFinite(n) ? { ok: true, n, percent: m[3] === '%' } : { ok: false, negative: false };
}

export function parseAlertAdd(input: string | readonly string[]): AlertSpecParsed {
  const words = (typeof input === 'string' ? input.split(/\s+/) : input.flatMap((w) => w.split(/\s+/))).filter(Boolean);
  let metric: AlertMetric | undefined;
  let granularity: AlertGranularity | undefined;
  let condition: AlertCondition | undefined;
  /** The number as typed and whether it had a %, checked against the metric's unit once the metric is known. */
  let conditionNumber: { token: string; n: number; percent: boolean } | undefined;
  let channel: string | undefined;
  let app: string | undefined;
  let subject: string | undefined;
  const fail = (problem: AlertSpecProblem): AlertSpecParsed => ({ ok: false, problem });

  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const lower = w.toLowerCase();
    const asMetric = Object.hasOwn(METRIC_NAMES, lower.replaceAll('-', '_')) ? METRIC_NAMES[lower.replaceAll('-', '_')] : undefined;
    const asCondition = Object.hasOwn(CONDITION_WORDS, lower) ? CONDITION_WORDS[lower] : undefined;
    const mention = CHANNEL_MENTION.exec(w);
    const about = SUBJECT_METRIC.exec(w);

    if (about) {
      const which = about[1].toLowerCase().startsWith('source') ? 'source_share' : 'page_share';
      if (!(which === 'source_share' ? SOURCE_KEY : PAGE_PATH).test(about[2]))
        return fail({ reason: 'bad_subject', metric: which, given: cut(w) });
      if (metric && (metric !== which || subject !== about[2])) return fail({ reason: 'two_metrics', given: cut(w) });
      metric = which;
      subject = about[2];
    } else if (asMetric) {
      if (asMetric === 'source_share' || asMetric === 'page_share') return fail({ reason: 'bad_subject', metric: asMetric, given: cut(w) });
      if (metric && metric !== asMetric) return fail({ reason: 'two_metrics', given: cut(w) });
      metric = asMetric;
    } else if ((GRANULARITY_WORDS as readonly string[]).includes(lower)) {
      if (granularity && granularity !== lower) return fail({ reason: 'repeated', given: cut(w) });
      granularity = lower as AlertGranularity;
    } else if (asCondition) {
      if (condition) return fail({ reason: 'two_conditions', given: cut(w) });
      if (asCondition === 'anomaly') {
        condition = { kind: 'anomaly' };
        continue;
      }
      let token = words[i + 1];
      if (token === undefined) return fail({ reason: 'bad_number', condition: asCondition });
      i++;
      // `drops 20 %`: a lone % after the number belongs to it.
      if (words[i + 1] === '%' && !token.endsWith('%')) {
        token = `${token}%`;
        i++;
      }
      const read = readNumber(token);
      if (!read.ok) return fail({ reason: read.negative ? 'negative' : 'bad_number', condition: asCondition, given: cut(token) });
      if (asCondition === 'drops' || asCondition === 'rises') {
        if (read.n === 0) return fail({ reason: 'zero_percent', condition: asCondition, given: cut(token) });
        if (asCondition === 'drops' && read.n > MAX_DROP_PERCENT) return fail({ reason: 'drop_too_big', given: cut(token) });
        if (asCondition === 'rises' && read.n > MAX_RISE_PERCENT) return fail({ reason: 'rise_too_big', given: cut(token) });
        condition = { kind: asCondition, percent: read.n };
      } else {
        condition = { kind: asCondition, value: read.n };
        conditionNumber = { token, n: read.n, percent: read.percent };
      }
    } else if (mention) {
      if (channel && channel !== mention[1]) return fail({ reason: 'repeated', given: cut(w) });
      channel = mention[1];
    } else if (w.startsWith('#')) {
      return fail({ reason: 'plain_channel', given: cut(w) });
    } else if (lower.startsWith('app:')) {
      const name = lower.slice(4);
      if (!APP_NAME.test(name)) return fail({ reason: 'bad_app', given: cut(w) });
      if (app && app !== name) return fail({ reason: 'repeated', given: cut(w) });
      app = name;
    } else if (!metric && NAME_LIKE.test(w)) {
      // While no metric is known, a name-like word nothing else claims is most likely a misspelt metric.
      return fail({ reason: 'unknown_metric', given: cut(w) });
    } else {
      return fail({ reason: 'unknown_word', given: cut(w) });
    }
  }

  if (!metric) return fail({ reason: 'no_metric' });
  const offered = METRIC_GRANULARITIES[metric];
  if (granularity && !offered.includes(granularity))
    return fail({ reason: 'granularity_not_offered', metric, given: granularity, offered });
  if (!condition) return fail({ reason: 'no_condition' });

  let final: AlertCondition = condition;
  if ((condition.kind === 'below' || condition.kind === 'above') && conditionNumber) {
    const given = cut(conditionNumber.token);
    if (METRIC_UNITS[metric] === 'ratio') {
      // Ratios are 0..1; a threshold is given in percent, with or without the % sign: `below 20` = 20%.
      if (conditionNumber.n > 100) return fail({ reason: 'ratio_too_big', given });
      final = { kind: condition.kind, value: conditionNumber.n / 100 };
    } else if (conditionNumber.percent) {
      return fail({ reason: 'percent_not_ratio', metric, given });
    }
  }

  const spec: AlertSpec = { metric, granularity: granularity ?? offered[0], condition: final };
  if (channel) spec.channel = channel;
  if (app) spec.app = app;
  if (subject !== undefined) spec.subject = subject;
  return { ok: true, spec };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const DEFAULT_MUTE_MS = 7 * DAY_MS;
export const MAX_MUTE_MS = 90 * DAY_MS;

const MUTE_UNITS: Readonly<Record<string, number>> = {
  h: HOUR_MS,
  hr: HOUR_MS,
  hrs: HOUR_MS,
  hour: HOUR_MS,
  hours: HOUR_MS,
  d: DAY_MS,
  day: DAY_MS,
  days: DAY_MS,
  w: 7 * DAY_MS,
  wk: 7 * DAY_MS,
  wks: 7 * DAY_MS,
  week: 7 * DAY_MS,
  weeks: 7 * DAY_MS,
};

/** How long `/wxa alert mute <id> [for] 7d|12h|2w` silences an alert: 7 days when not said, at most 90 days. */
export function parseMuteDuration(text: string): { ok: true; ms: number } | { ok: false; given: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, ms: DEFAULT_MUTE_MS };
  const m = /^(?:for\s+)?(\d{1,4})\s*([a-z]{1,5})$/i.exec(trimmed);
  const unit = m ? m[2].toLowerCase() : '';
  if (!m || !Object.hasOwn(MUTE_UNITS, unit)) return { ok: false, given: cut(trimmed) };
  const ms = Number(m[1]) * MUTE_UNITS[unit];
  if (ms <= 0 || ms > MAX_MUTE_MS) return { ok: false, given: cut(trimmed) };
  return { ok: true, ms };
}

/** `a` + 6 hex digits, like a schedule's `s` + 6. */
export function newAlertId(): string {
  return `a${randomBytes(3).toString('hex')}`;
}
