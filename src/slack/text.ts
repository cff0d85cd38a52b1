import { isoWeekday, type Granularity } from '../calendar/period';
import { type Language, translator, type Translate } from '../i18n';
import { formatDate, formatPeriod } from '../i18n/dates';
import { PERF_METRICS, type PerfMetric, type ReportKind, type ReportNote, type ReportPart, type Span } from '../reports/model';
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
export function inlineCode(s: string, max: number, lang: Language = 'en'): string {
  const shown = clip(plainText(s), max);
  return shown === '' ? translator(lang)('msg.fmt.empty') : `\`${escapeMrkdwn(shown)}\``;
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

/** "Monday" / "周一" */
export function weekday(yyyymmdd: string, lang: Language): string {
  return translator(lang)(`msg.weekday.${isoWeekday(yyyymmdd) as 1 | 2 | 3 | 4 | 5 | 6 | 7}`);
}

/** "a", "a or b", "a, b or c" (in Chinese "a、b 或 c"). */
export function orList(items: string[], lang: Language = 'en'): string {
  if (items.length < 2) return items[0] ?? '';
  const t = translator(lang);
  return t('msg.list.or', { rest: items.slice(0, -1).join(t('msg.list.sep')), last: items[items.length - 1] });
}

const code = (s: string) => `\`${s}\``;
const spanWords = (spans: readonly Span[], lang: Language): string =>
  orList(
    spans.map((s) => code(`${s}d`)),
    lang,
  );
const granularityWords = (gs: readonly Granularity[], lang: Language): string => orList(gs.map(code), lang);

/** The command's words after its name: `[weekly|daily] [date]`, `[7d|30d] [date]`, `[date]`. */
function argumentsOf(kind: ReportKind, t: Translate): string {
  const rule = KIND_RULES[kind];
  const date = `[${t('msg.usage.dateArg')}]`;
  if (rule.spans) return `[${rule.spans.map((s) => `${s}d`).join('|')}] ${date}`;
  if (rule.granularities.length > 1) return `[${rule.granularities.join('|')}] ${date}`;
  return date;
}

/** What each report holds, for usage lines. */
const what = (kind: ReportKind, t: Translate): string => t(`msg.usage.what.${kind}`);

function trendUsage(kind: 'retain' | 'visits', t: Translate): string {
  const command = code(`/${kind} daily|weekly|monthly [${t('msg.usage.dateArg')}]`);
  const lines = [
    t('msg.usage.head', { command, what: what(kind, t) }),
    t('msg.usage.trend.date'),
    t('msg.usage.trend.anyDay'),
    t('msg.usage.trend.examples', { kind }),
  ];
  if (kind === 'retain') {
    const cohorts = code(`/retain cohorts ${argumentsOf('cohorts', t)}`);
    lines.push(t('msg.usage.trend.cohorts', { command: cohorts, what: what('cohorts', t) }));
  }
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
export function usage(kind: ReportKind, lang: Language = 'en'): string {
  const t = translator(lang);
  if (kind === 'retain' || kind === 'visits') return trendUsage(kind, t);
  const rule = KIND_RULES[kind];
  const command = code(`${COMMANDS[kind]} ${argumentsOf(kind, t)}`);
  const lines = [
    kind === 'cohorts'
      ? t('msg.usage.headAlso', { command, alias: code('/wxa cohorts'), what: what(kind, t) })
      : t('msg.usage.head', { command, what: what(kind, t) }),
  ];
  if (rule.spans && rule.span) {
    lines.push(t('msg.usage.spans', { spans: spanWords(rule.spans, lang), default: rule.span }));
  } else if (rule.granularities.length > 1) {
    lines.push(t('msg.usage.granularities', { choices: granularityWords(rule.granularities, lang), default: rule.granularity }));
  }
  lines.push(t(rule.spans || rule.granularity === 'daily' ? 'msg.usage.date.day' : 'msg.usage.date.period'));
  if (rule.historyDays !== undefined) lines.push(t('msg.usage.history', { days: rule.historyDays }));
  lines.push(t('msg.usage.example', { example: code(EXAMPLES[kind]) }));
  return lines.join('\n');
}

/** "`bogus` is not a period" in the words the kind takes. */
function notAPeriod(token: string, kind: ReportKind, lang: Language): string {
  const t = translator(lang);
  const rule = KIND_RULES[kind];
  if (kind === 'retain' || kind === 'visits') return t('msg.problem.notAPeriod.trend', { token: echo(token) });
  const command = code(COMMANDS[kind]);
  if (rule.spans) return t('msg.problem.notAPeriod.span', { token: echo(token), command, spans: spanWords(rule.spans, lang) });
  if (rule.granularities.length > 1) {
    return t('msg.problem.notAPeriod.choose', { token: echo(token), choices: orList([...rule.granularities], lang) });
  }
  return t('msg.problem.notAPeriod.daily', { token: echo(token), command });
}

function granularityNotOffered(kind: ReportKind, g: Granularity, offered: readonly Granularity[], lang: Language): string {
  const t = translator(lang);
  const command = code(COMMANDS[kind]);
  const granularity = t(`msg.gran.${g}`);
  if (offered.length === 1) {
    const example = code(`${COMMANDS[kind]} 2017-03-06`);
    return t('msg.problem.onlyOne', { command, offered: t(`msg.gran.${offered[0]}`), granularity, example });
  }
  return t('msg.problem.notOffered', { command, granularity, choices: granularityWords(offered, lang) });
}

function tooOld(kind: ReportKind, date: string, oldest: string, lang: Language): string {
  const t = translator(lang);
  const days = KIND_RULES[kind].historyDays;
  const dates = { date: formatDate(date, lang), oldest: formatDate(oldest, lang) };
  if (days === undefined) return t('msg.problem.tooOld.gone', dates);
  return t(kind === 'perf' ? 'msg.problem.tooOld.perf' : 'msg.problem.tooOld.other', { ...dates, days });
}

/** Why a report request was refused, in words (user text escaped). */
export function requestProblem(p: RequestProblem, lang: Language = 'en'): string {
  const t = translator(lang);
  switch (p.reason) {
    case 'not_a_date':
      return t('msg.problem.notADate', { token: echo(p.token) });
    case 'not_a_real_date':
      return t('msg.problem.notARealDate', { token: echo(p.token) });
    case 'not_a_period':
      return notAPeriod(p.token, p.kind, lang);
    case 'granularity_not_offered':
      return granularityNotOffered(p.kind, p.granularity, p.offered, lang);
    case 'bad_span':
      return t('msg.problem.badSpan', { token: echo(p.token), command: code(COMMANDS[p.kind]), spans: spanWords(p.offered, lang) });
    case 'too_old':
      return tooOld(p.kind, p.date, p.oldest, lang);
    case 'too_many_words':
      return t('msg.problem.tooManyWords', { extra: echo(p.extra) });
    case 'month_only':
      return t('msg.problem.monthOnly', { token: echo(p.token), granularity: t(`msg.gran.${p.granularity}`) });
    case 'too_early':
      return t('msg.problem.tooEarly', { date: formatDate(p.date, lang) });
    case 'not_over': {
      const latest = formatPeriod(p.latest, lang);
      if (p.granularity === 'daily') return t('msg.problem.notOver.daily', { date: formatDate(p.date, lang), latest });
      return t(`msg.problem.notOver.${p.granularity}`, { range: formatPeriod(p.period, lang), latest });
    }
  }
}

/** A performance metric by name ("Launch time" / "启动耗时"). */
export function metricName(m: PerfMetric, lang: Language = 'en'): string {
  return translator(lang)(`msg.perf.metric.${m}`);
}

/** Performance metrics by name in English (for callers that predate the catalogue). */
export const METRIC_NAMES = Object.fromEntries(PERF_METRICS.map((m) => [m, metricName(m)])) as Record<PerfMetric, string>;

const PARTS: readonly string[] = ['kpis', 'retention', 'sources', 'pages', 'cohorts', 'comparison', ...PERF_METRICS];

/** A missing part in words ("visit sources"); a part this version does not know is shown by its name, escaped. */
export function partName(part: ReportPart, lang: Language = 'en'): string {
  return PARTS.includes(part) ? translator(lang)(`msg.part.${part}`) : escapeMrkdwn(part);
}

/**
 * A report note in words (nothing in it came from users: dates, labels and error kinds only).
 * Two signatures so `notes.map(noteText)` still compiles (and reads English: map's index is no language).
 */
export function noteText(n: ReportNote): string;
export function noteText(n: ReportNote, lang: Language): string;
export function noteText(n: ReportNote, language: Language = 'en'): string {
  const lang: Language = language === 'zh' ? 'zh' : 'en';
  const t = translator(lang);
  switch (n.kind) {
    case 'week_of': {
      const range = formatPeriod(n.period, lang);
      return t('msg.note.weekOf', { date: formatDate(n.date, lang), weekday: weekday(n.date, lang), range });
    }
    case 'no_data':
      return t('msg.note.noData', { range: formatPeriod(n.period, lang) });
    case 'no_visits':
      return t('msg.note.noVisits', { range: formatPeriod(n.period, lang) });
    case 'part_missing':
      return t('msg.note.partMissing', { part: partName(n.part, lang), error: escapeMrkdwn(n.error) });
  }
}
