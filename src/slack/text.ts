import { describeGranularity, formatRange, isoDate, weekdayName } from '../calendar/labels';
import type { Granularity } from '../calendar/period';
import type { PerfMetric, ReportKind, ReportNote, ReportPart, Span } from '../reports/model';
import { KIND_RULES, type RequestProblem } from '../reports/request';

const MAX_ECHO = 40;

/** Escapes text for Slack mrkdwn so user input cannot ping, link or format. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Text from WeChat (page paths, portrait names) made safe to put in code: no backticks (they would
 * end the code span and let `*bold*` or links through), no control or direction-changing characters.
 * Not yet escaped: escape after padding or shortening, so lengths are counted as people see them.
 */
export function plainText(s: string): string {
  return s.replace(/[`\p{Cc}\u200b-\u200f\u202a-\u202e\u2066-\u2069]/gu, '');
}

/** Shortens to `max` characters as people count them (code points), ending with "…". */
export function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** Untrusted text shown inline: shortened, cleaned and escaped inside a code span, so nothing in it formats. */
export function inlineCode(s: string, max: number): string {
  const shown = clip(plainText(s), max);
  return shown === '' ? '(empty)' : `\`${escapeMrkdwn(shown)}\``;
}

/** User text quoted back in a reply: shortened, escaped, with formatting characters neutralised. */
export function echo(s: string): string {
  const short = [...s].length > MAX_ECHO ? `${[...s].slice(0, MAX_ECHO).join('')}…` : s;
  return `\`${escapeMrkdwn(short.replace(/[`\n\r]/g, ' '))}\``;
}

/** The command each kind is typed with. */
export const COMMANDS: Record<ReportKind, string> = {
  retain: '/retain',
  visits: '/visits',
  sources: '/wxa sources',
  pages: '/wxa pages',
  users: '/wxa users',
  perf: '/wxa perf',
  cohorts: '/retain cohorts',
  digest: '/wxa digest',
};

/** What each report holds, for usage lines and refusals. */
const WHAT: Record<ReportKind, string> = {
  retain: 'new and active users with their retention, visits and a trend chart',
  visits: 'visit figures and their trend, with a chart',
  sources:
    "where the day's visits came from: sessions by access source against the same weekday a week earlier, time spent and pages per visit",
  pages: "the day's top pages: page views, visitors, time on page, entries, exits and shares",
  users: 'who the active and new users are: gender, platform, age, provinces, cities and devices',
  perf: 'launch time, page-switch time, memory use and memory anomalies per day, with their averages',
  cohorts: 'a retention table: each cohort of new users and the share of them back in each later period',
  digest: 'the Monday summary: key figures against the previous period, retention, top sources and pages, and what moved',
};

const DATE_LINE = '• date: `2017-03-06`, `20170306` or `2017/03/06` (China time).';

const spanWords = (spans: readonly Span[]): string => orList(spans.map((s) => `\`${s}d\``));
const granularityWords = (gs: readonly Granularity[]): string => orList(gs.map((g) => `\`${g}\``));

/** "a", "a or b", "a, b or c". */
function orList(items: string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The command's words after its name: `[weekly|daily] [date]`, `[7d|30d] [date]`, `[date]`. */
function argumentsOf(kind: ReportKind): string {
  const rule = KIND_RULES[kind];
  if (rule.spans) return `[${rule.spans.map((s) => `${s}d`).join('|')}] [date]`;
  if (rule.granularities.length > 1) return `[${rule.granularities.join('|')}] [date]`;
  return '[date]';
}

function trendUsage(kind: 'retain' | 'visits'): string {
  const lines = [
    `*Usage:* \`/${kind} daily|weekly|monthly [date]\` — ${WHAT[kind]}.`,
    '• date: `2017-03-06`, `20170306` or `2017/03/06` (China time); for monthly also `2017-03`. Leave it out for the latest complete period.',
    '• weekly takes any day of the week you want (Monday to Sunday); monthly any day of the month.',
    `• Examples: \`/${kind} weekly 2017-03-06\`, \`/${kind} daily\`, \`/${kind} monthly 2017-02\``,
  ];
  if (kind === 'retain') lines.push(`• Cohorts: \`/retain cohorts ${argumentsOf('cohorts')}\` — ${WHAT.cohorts}.`);
  return lines.join('\n');
}

const EXAMPLES: Record<Exclude<ReportKind, 'retain' | 'visits'>, string> = {
  sources: '/wxa sources 2017-03-06',
  pages: '/wxa pages 2017-03-06',
  users: '/wxa users 30d 2017-03-12',
  perf: '/wxa perf 7d 2017-03-12',
  cohorts: '/retain cohorts weekly 2017-03-06',
  digest: '/wxa digest weekly 2017-03-06',
};

/** How to type a report's command, with one example. */
export function usage(kind: ReportKind): string {
  if (kind === 'retain' || kind === 'visits') return trendUsage(kind);
  const rule = KIND_RULES[kind];
  const also = kind === 'cohorts' ? ' (also `/wxa cohorts`)' : '';
  const lines = [`*Usage:* \`${COMMANDS[kind]} ${argumentsOf(kind)}\`${also} — ${WHAT[kind]}.`];
  if (rule.spans && rule.span) {
    lines.push(`• ${spanWords(rule.spans)}: the days ending with the date; ${rule.span}d if you leave it out.`);
  } else if (rule.granularities.length > 1) {
    lines.push(`• ${granularityWords(rule.granularities)}: ${rule.granularity} if you leave it out; weekly takes any day of the week.`);
  }
  lines.push(`${DATE_LINE} Leave it out for the latest complete ${rule.spans || rule.granularity === 'daily' ? 'day' : 'period'}.`);
  if (rule.historyDays !== undefined)
    lines.push(`• At most ${rule.historyDays} days back (WeChat does not say how long it keeps this data).`);
  lines.push(`• Example: \`${EXAMPLES[kind]}\``);
  return lines.join('\n');
}

/** "`bogus` is not a period" in the words the kind takes. */
function notAPeriod(token: string, kind: ReportKind): string {
  const rule = KIND_RULES[kind];
  if (kind === 'retain' || kind === 'visits') return `${echo(token)} is not a period. Choose daily, weekly or monthly.`;
  if (rule.spans) {
    return `${echo(token)} is not a span of days. \`${COMMANDS[kind]}\` takes ${spanWords(rule.spans)} (the days ending with the date), then a date.`;
  }
  if (rule.granularities.length > 1) return `${echo(token)} is not a period. Choose ${orList(rule.granularities.map(String))}.`;
  return `${echo(token)} is not a date. \`${COMMANDS[kind]}\` is daily only: give a date, or nothing for the latest complete day.`;
}

function granularityNotOffered(kind: ReportKind, g: Granularity, offered: readonly Granularity[]): string {
  const cmd = `\`${COMMANDS[kind]}\``;
  if (offered.length === 1)
    return `${cmd} is ${offered[0]} only; WeChat has no ${g} figures for it. Give a date, e.g. \`${COMMANDS[kind]} 2017-03-06\`.`;
  return `${cmd} is not offered ${g}. Choose ${granularityWords(offered)}.`;
}

function tooOld(kind: ReportKind, date: string, oldest: string): string {
  const days = KIND_RULES[kind].historyDays;
  const keeps =
    days === undefined
      ? 'WeChat no longer has this data'
      : `this bot asks WeChat for ${kind === 'perf' ? 'performance' : 'this'} data at most ${days} days back (WeChat does not say how long it keeps it)`;
  return `${isoDate(date)} is too far back: ${keeps}; the oldest day you can ask for is ${isoDate(oldest)} (a span must start on or after it).`;
}

/** Why a report request was refused, in words (user text escaped). */
export function requestProblem(p: RequestProblem): string {
  switch (p.reason) {
    case 'not_a_date':
      return `${echo(p.token)} is not a date I understand. Use 2017-03-06, 20170306 or 2017/03/06.`;
    case 'not_a_real_date':
      return `${echo(p.token)} is not a real date.`;
    case 'not_a_period':
      return notAPeriod(p.token, p.kind);
    case 'granularity_not_offered':
      return granularityNotOffered(p.kind, p.granularity, p.offered);
    case 'bad_span':
      return `${echo(p.token)} is not a span \`${COMMANDS[p.kind]}\` offers. Choose ${spanWords(p.offered)}.`;
    case 'too_old':
      return tooOld(p.kind, p.date, p.oldest);
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

/** Performance metrics by name, in messages and in missing-part notes. */
export const METRIC_NAMES: Record<PerfMetric, string> = {
  launch: 'Launch time',
  pageSwitch: 'Page-switch time',
  memory: 'Memory use',
  memoryAnomaly: 'Memory anomalies',
};

/** A missing part in words: "The visit sources could not be fetched". */
const PART_WORDS: Record<ReportPart, string> = {
  kpis: 'key figures',
  retention: 'retention figures',
  sources: 'visit sources',
  pages: 'top pages',
  cohorts: 'cohort figures',
  comparison: 'comparison with the period before',
  launch: 'launch time',
  pageSwitch: 'page-switch time',
  memory: 'memory use',
  memoryAnomaly: 'memory anomalies',
};

/** A report note in words (nothing in it came from users: dates, labels and error kinds only). */
export function noteText(n: ReportNote): string {
  switch (n.kind) {
    case 'week_of':
      return `${isoDate(n.date)} is a ${weekdayName(n.date)}, so this is its week, ${formatRange(n.period)}.`;
    case 'no_data':
      return `WeChat returned no data for ${formatRange(n.period)}.`;
    case 'no_visits':
      return `WeChat returned no visit figures for ${formatRange(n.period)}.`;
    case 'part_missing':
      return `The ${PART_WORDS[n.part] ?? escapeMrkdwn(n.part)} could not be fetched from WeChat (${escapeMrkdwn(n.error)}); the rest is shown.`;
  }
}
