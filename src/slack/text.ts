import { describeGranularity, formatRange, isoDate, weekdayName } from '../calendar/labels';
import type { ReportKind, ReportNote } from '../reports/model';
import type { RequestProblem } from '../reports/request';

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

/** Why a report request was refused, in words (user text escaped). */
export function requestProblem(p: RequestProblem): string {
  switch (p.reason) {
    case 'not_a_date':
      return `${echo(p.token)} is not a date I understand. Use 2017-03-06, 20170306 or 2017/03/06.`;
    case 'not_a_real_date':
      return `${echo(p.token)} is not a real date.`;
    case 'not_a_period':
      return `${echo(p.token)} is not a period. Choose daily, weekly or monthly.`;
    case 'too_many_words':
      return `Too many words: ${echo(p.extra)}. Give at most one date.`;
    case 'month_only':
      return `${echo(p.token)} names a month; give a full date for a ${p.granularity} report, or use monthly.`;
    case 'too_early':
      return `${isoDate(p.date)} is before WeChat mini program analytics began (2017-01-01).`;
    case 'not_over': {
      const what =
        p.granularity === 'daily'
          ? `${isoDate(p.date)} is today or later`
          : `The ${describeGranularity(p.granularity)} ${formatRange(p.period)} is not over yet`;
      return `${what} in China time. The latest complete one is ${formatRange(p.latest)}.`;
    }
  }
}

/** A report note in words (nothing in it came from users: dates and labels only). */
export function noteText(n: ReportNote): string {
  switch (n.kind) {
    case 'week_of':
      return `${isoDate(n.date)} is a ${weekdayName(n.date)}, so this is its week, ${formatRange(n.period)}.`;
    case 'no_data':
      return `WeChat returned no data for ${formatRange(n.period)}.`;
    case 'no_visits':
      return `WeChat returned no visit figures for ${formatRange(n.period)}.`;
  }
}
