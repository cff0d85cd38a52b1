import { calendarDate, GRANULARITIES, isComplete, latestComplete, periodContaining, type Granularity } from '../calendar/period';
import { describeGranularity, formatRange, isoDate, weekdayName } from '../calendar/labels';
import { REPORT_KINDS, type ReportKind, type ReportRequest } from './model';

export type ParseResult = { ok: true; request: ReportRequest } | { ok: false; error: string };

/** WeChat mini program analytics begin with the platform's launch in January 2017. */
const FIRST_DATE = '20170101';
const MAX_ECHO = 40;

/** Escapes text for Slack mrkdwn so user input cannot ping, link or format. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** User text quoted back in a reply: shortened, escaped, with formatting characters neutralised. */
export function echo(s: string): string {
  const short = [...s].length > MAX_ECHO ? `${[...s].slice(0, MAX_ECHO).join('')}…` : s;
  return `\`${escapeMrkdwn(short.replace(/[`\n\r]/g, ' '))}\``;
}

export function usage(kind: ReportKind): string {
  const what =
    kind === 'retain'
      ? 'new and active users with their retention, visits and a trend chart'
      : 'visit figures and their trend, with a chart';
  return [
    `*Usage:* \`/${kind} daily|weekly|monthly [date]\` — ${what}.`,
    '• date: `2017-03-06`, `20170306` or `2017/03/06` (China time); for monthly also `2017-03`. Leave it out for the latest complete period.',
    '• weekly takes any day of the week you want (Monday to Sunday); monthly any day of the month.',
    `• Examples: \`/${kind} weekly 2017-03-06\`, \`/${kind} daily\`, \`/${kind} monthly 2017-02\``,
  ].join('\n');
}

type DateParse = { ok: true; date: string; monthOnly: boolean } | { ok: false; error: string };

function parseDate(token: string): DateParse {
  const full = token.match(/^(\d{4})([-/]?)(\d{2})\2(\d{2})$/);
  const month = token.match(/^(\d{4})([-/]?)(\d{2})$/);
  const m = full ?? month;
  if (!m) return { ok: false, error: `${echo(token)} is not a date I understand. Use 2017-03-06, 20170306 or 2017/03/06.` };
  const date = calendarDate(Number(m[1]), Number(m[3]), full ? Number(m[4]) : 1);
  if (!date) return { ok: false, error: `${echo(token)} is not a real date.` };
  return { ok: true, date, monthOnly: !full };
}

/**
 * Parses the text after `/retain` or `/visits` ("weekly 2017-03-06") into a request for a
 * complete period, judged in China time. Never throws; errors are ready to show (escaped).
 */
export function parseReportText(kind: ReportKind, text: string, now: Date): ParseResult {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  let granularity: Granularity = 'weekly';
  const notes: string[] = [];
  const first = tokens[0]?.toLowerCase();
  if (first && (GRANULARITIES as readonly string[]).includes(first)) {
    granularity = first as Granularity;
    tokens.shift();
  } else if (first && !/^\d/.test(first)) {
    return { ok: false, error: `${echo(tokens[0])} is not a period. Choose daily, weekly or monthly.` };
  }
  if (tokens.length > 1) return { ok: false, error: `Too many words: ${echo(tokens.slice(1).join(' '))}. Give at most one date.` };

  if (tokens.length === 0) {
    return { ok: true, request: { kind, period: latestComplete(granularity, now), notes } };
  }
  const d = parseDate(tokens[0]);
  if (!d.ok) return d;
  if (d.monthOnly && granularity !== 'monthly') {
    return { ok: false, error: `${echo(tokens[0])} names a month; give a full date for a ${granularity} report, or use monthly.` };
  }
  if (d.date < FIRST_DATE) return { ok: false, error: `${isoDate(d.date)} is before WeChat mini program analytics began (2017-01-01).` };

  const period = periodContaining(granularity, d.date);
  if (!isComplete(period, now)) {
    const latest = latestComplete(granularity, now);
    const what =
      granularity === 'daily'
        ? `${isoDate(d.date)} is today or later`
        : `The ${describeGranularity(granularity)} ${formatRange(period)} is not over yet`;
    return { ok: false, error: `${what} in China time. The latest complete one is ${formatRange(latest)}.` };
  }
  if (granularity === 'weekly' && period.begin !== d.date) {
    notes.push(`${isoDate(d.date)} is a ${weekdayName(d.date)}, so this is its week, ${formatRange(period)}.`);
  }
  return { ok: true, request: { kind, period, notes } };
}

export function isReportKind(s: string): s is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(s);
}
