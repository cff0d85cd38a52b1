import {
  calendarDate,
  GRANULARITIES,
  isComplete,
  latestComplete,
  periodContaining,
  type Granularity,
  type Period,
} from '../calendar/period';
import { REPORT_KINDS, type ReportKind, type ReportNote, type ReportRequest } from './model';

/** Why the text is not a report request; src/slack puts it into words. */
export type RequestProblem =
  | { reason: 'not_a_date'; token: string }
  | { reason: 'not_a_real_date'; token: string }
  | { reason: 'not_a_period'; token: string }
  | { reason: 'too_many_words'; extra: string }
  | { reason: 'month_only'; token: string; granularity: Granularity }
  | { reason: 'too_early'; date: string }
  | { reason: 'not_over'; granularity: Granularity; date: string; period: Period; latest: Period };

export type ParseResult = { ok: true; request: ReportRequest } | { ok: false; problem: RequestProblem };

/** WeChat mini program analytics begin with the platform's launch in January 2017. */
const FIRST_DATE = '20170101';

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
 * Parses the text after `/retain` or `/visits` ("weekly 2017-03-06") into a request for a
 * complete period, judged in China time. Never throws; a problem says why (src/slack words it).
 */
export function parseReportText(kind: ReportKind, text: string, now: Date): ParseResult {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  let granularity: Granularity = 'weekly';
  const notes: ReportNote[] = [];
  const first = tokens[0]?.toLowerCase();
  if (first && (GRANULARITIES as readonly string[]).includes(first)) {
    granularity = first as Granularity;
    tokens.shift();
  } else if (first && !/^\d/.test(first)) {
    return { ok: false, problem: { reason: 'not_a_period', token: tokens[0] } };
  }
  if (tokens.length > 1) return { ok: false, problem: { reason: 'too_many_words', extra: tokens.slice(1).join(' ') } };

  if (tokens.length === 0) {
    return { ok: true, request: { kind, period: latestComplete(granularity, now), notes } };
  }
  const d = parseDate(tokens[0]);
  if (!d.ok) return d;
  if (d.monthOnly && granularity !== 'monthly') {
    return { ok: false, problem: { reason: 'month_only', token: tokens[0], granularity } };
  }
  if (d.date < FIRST_DATE) return { ok: false, problem: { reason: 'too_early', date: d.date } };

  const period = periodContaining(granularity, d.date);
  if (!isComplete(period, now)) {
    return { ok: false, problem: { reason: 'not_over', granularity, date: d.date, period, latest: latestComplete(granularity, now) } };
  }
  if (granularity === 'weekly' && period.begin !== d.date) {
    notes.push({ kind: 'week_of', date: d.date, period });
  }
  return { ok: true, request: { kind, period, notes } };
}

export function isReportKind(s: string): s is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(s);
}
