import {
  calendarDate,
  GRANULARITIES,
  isComplete,
  latestComplete,
  periodContaining,
  type Granularity,
  type Period,
} from '../calendar/period';
import { addDays, chinaToday } from '../calendar/period';
import { REPORT_KINDS, type ReportKind, type ReportNote, type ReportRequest, type Span } from './model';

/** Why the text is not a report request; src/slack puts it into words. */
export type RequestProblem =
  | { reason: 'not_a_date'; token: string }
  | { reason: 'not_a_real_date'; token: string }
  | { reason: 'not_a_period'; token: string; kind: ReportKind }
  | { reason: 'granularity_not_offered'; kind: ReportKind; granularity: Granularity; offered: readonly Granularity[] }
  | { reason: 'bad_span'; kind: ReportKind; token: string; offered: readonly Span[] }
  | { reason: 'too_old'; kind: ReportKind; date: string; oldest: string }
  | { reason: 'too_many_words'; extra: string }
  | { reason: 'month_only'; token: string; granularity: Granularity }
  | { reason: 'too_early'; date: string }
  | { reason: 'not_over'; granularity: Granularity; date: string; period: Period; latest: Period };

export type ParseResult = { ok: true; request: ReportRequest } | { ok: false; problem: RequestProblem };

/** WeChat mini program analytics begin with the platform's launch in January 2017. */
const FIRST_DATE = '20170101';

/** What each kind takes after its name: which periods, which spans, and the defaults. */
export interface KindRule {
  granularities: readonly Granularity[];
  granularity: Granularity;
  /** users and perf: days ending with the date, e.g. `7d`. */
  spans?: readonly Span[];
  span?: Span;
  /** How many days back from today (China time) WeChat keeps this data; undefined = since 2017. */
  historyDays?: number;
}

/**
 * How far back the bot asks for performance data. WeChat does not document how long it keeps it
 * (docs/research/wechat-analytics.md); older days are refused before any call rather than guessed at.
 */
export const PERF_HISTORY_DAYS = 180;

export const KIND_RULES: Record<ReportKind, KindRule> = {
  retain: { granularities: GRANULARITIES, granularity: 'weekly' },
  visits: { granularities: GRANULARITIES, granularity: 'weekly' },
  sources: { granularities: ['daily'], granularity: 'daily' },
  pages: { granularities: ['daily'], granularity: 'daily' },
  users: { granularities: ['daily'], granularity: 'daily', spans: [1, 7, 30], span: 7 },
  perf: { granularities: ['daily'], granularity: 'daily', spans: [7, 30], span: 30, historyDays: PERF_HISTORY_DAYS },
  cohorts: { granularities: ['weekly', 'daily'], granularity: 'weekly' },
  digest: { granularities: ['weekly', 'daily'], granularity: 'weekly' },
};

type DateParse = { ok: true; date: string; monthOnly: boolean } | { ok: false; problem: RequestProblem };

function parseDate(token: string): DateParse {
  const full = token.match(/^(\d{4})([-/]?)(\d{2})\2(\d{2})$/);
  const month = token.match(/^(\d{4})([-/]?)(\d{2})$/);
  const m = full ?? month;
  if (!m) return { ok: false, problem: { reason: 'not_a_date', token } };
  const date = calendarDate(Number(m[1]), Number(m[3]), full ? Number(m[4]) : 1);
  if (!date) return { ok: false, problem: { reason: 'not_a_real_date', token } };
  return { ok: true, date, monthOnly: !full };
}

/**
 * Parses the text after a report's name ("weekly 2017-03-06", "7d 2017-03-12") into a request for
 * a complete period, judged in China time, by the kind's rule. Never throws; a problem says why
 * (src/slack words it).
 */
export function parseReportText(kind: ReportKind, text: string, now: Date): ParseResult {
  const rule = KIND_RULES[kind];
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  let granularity = rule.granularity;
  let span = rule.span;
  const notes: ReportNote[] = [];
  const first = tokens[0]?.toLowerCase();
  const spanWord = first?.match(/^(\d+)d(ays?)?$/);
  if (first && (GRANULARITIES as readonly string[]).includes(first)) {
    granularity = first as Granularity;
    if (!rule.granularities.includes(granularity)) {
      return { ok: false, problem: { reason: 'granularity_not_offered', kind, granularity, offered: rule.granularities } };
    }
    tokens.shift();
  } else if (first && spanWord && rule.spans) {
    const n = Number(spanWord[1]);
    if (!(rule.spans as readonly number[]).includes(n))
      return { ok: false, problem: { reason: 'bad_span', kind, token: tokens[0], offered: rule.spans } };
    span = n as Span;
    tokens.shift();
  } else if (first && !/^\d{4}/.test(first)) {
    return { ok: false, problem: { reason: 'not_a_period', token: tokens[0], kind } };
  }
  if (tokens.length > 1) return { ok: false, problem: { reason: 'too_many_words', extra: tokens.slice(1).join(' ') } };

  let period: Period;
  if (tokens.length === 0) {
    period = latestComplete(granularity, now);
  } else {
    const d = parseDate(tokens[0]);
    if (!d.ok) return d;
    if (d.monthOnly && granularity !== 'monthly') {
      return { ok: false, problem: { reason: 'month_only', token: tokens[0], granularity } };
    }
    if (d.date < FIRST_DATE) return { ok: false, problem: { reason: 'too_early', date: d.date } };
    period = periodContaining(granularity, d.date);
    if (!isComplete(period, now)) {
      return { ok: false, problem: { reason: 'not_over', granularity, date: d.date, period, latest: latestComplete(granularity, now) } };
    }
    if (granularity === 'weekly' && period.begin !== d.date) {
      notes.push({ kind: 'week_of', date: d.date, period });
    }
  }
  if (span !== undefined) {
    const begin = addDays(period.end, 1 - span);
    if (begin < FIRST_DATE) return { ok: false, problem: { reason: 'too_early', date: begin } };
  }
  if (rule.historyDays !== undefined) {
    const oldest = addDays(chinaToday(now), -rule.historyDays);
    const begin = span === undefined ? period.begin : addDays(period.end, 1 - span);
    if (begin < oldest) return { ok: false, problem: { reason: 'too_old', kind, date: begin, oldest } };
  }
  return { ok: true, request: span === undefined ? { kind, period, notes } : { kind, period, span, notes } };
}

export function isReportKind(s: string): s is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(s);
}
