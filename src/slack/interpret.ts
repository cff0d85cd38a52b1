import { isReportKind, parseReportText } from '../reports/request';
import { echo, requestProblem, usage } from './text';
import type { ReportRequest } from '../reports/model';

/** What a command asks for: a report, or a reply to show only to its author (help, usage, errors). */
export type Interpretation =
  | { type: 'report'; request: ReportRequest }
  | { type: 'reply'; text: string; isError: boolean }
  | { type: 'schedule'; words: string[] }
  | { type: 'app'; words: string[] };

export function helpText(): string {
  return [
    '*WeChat Mini Program analytics*',
    '`/retain daily|weekly|monthly [date]` — new and active users, their retention, visits against the previous period, and a trend chart.',
    '`/visits daily|weekly|monthly [date]` — visit figures and their trend, with a chart.',
    '`/retain cohorts [weekly|daily] [date]` — a retention heatmap: the last 8 weekly (or 14 daily) cohorts of new users and how many came back.',
    '`/wxa digest [weekly|daily] [date]` — the Monday message: headline figures, retention, top sources and pages, and what moved.',
    '`/wxa sources [date]` — where visitors came from on a day, against the same weekday a week earlier; stay time and visit depth.',
    '`/wxa pages [date]` — the top pages of a day: views, visitors, stay, entries and exits, shares; exit-heavy pages flagged.',
    '`/wxa users [1d|7d|30d] [date]` — who the users are: gender, platform, age, provinces, cities, devices (new and active users).',
    '`/wxa perf [7d|30d] [date]` — launch time, page-switch time and memory over the last 7 or 30 days.',
    '`/wxa schedule add|list|remove|run` — reports posted on their own, e.g. every Monday (`/wxa schedule` for details).',
    '`/wxa app list` · `/wxa app default &lt;name&gt;` — the mini programs this channel can see; add `app:&lt;name&gt;` to any command to pick one.',
    '`/wxa help` — this message.',
    'Dates: `2017-03-06`, `20170306` or `2017/03/06`, in China time. Leave the date out for the latest complete day, week or month.',
    'Reports are posted in the channel you type the command in; invite me first to private channels (`/invite @WeChat Analytics`).',
  ].join('\n');
}

/**
 * Reads a command the way Slack delivers it (`/retain` + "weekly 2017-03-06"); the CLI passes
 * the same words. Never throws and never calls WeChat.
 */
export function interpretCommand(command: string, text: string, now: Date): Interpretation {
  const name = command.replace(/^\//, '').toLowerCase();
  if (name === 'retain' && /^cohorts?\b/i.test(text.trim()))
    return interpretCommand('cohorts', text.trim().replace(/^cohorts?\s*/i, ''), now);
  if (isReportKind(name)) {
    const parsed = parseReportText(name, text, now);
    return parsed.ok
      ? { type: 'report', request: parsed.request }
      : { type: 'reply', text: `${requestProblem(parsed.problem)}\n\n${usage(name)}`, isError: true };
  }
  if (name === 'wxa') {
    const [sub = '', ...rest] = text.trim().split(/\s+/);
    const lower = sub.toLowerCase();
    if (lower === '' || lower === 'help') return { type: 'reply', text: helpText(), isError: false };
    if (isReportKind(lower)) return interpretCommand(lower, rest.join(' '), now);
    if (lower === 'schedule' || lower === 'schedules') return { type: 'schedule', words: rest };
    if (lower === 'app' || lower === 'apps') return { type: 'app', words: rest };
    return { type: 'reply', text: `${echo(sub)} is not a /wxa command.\n\n${helpText()}`, isError: true };
  }
  return { type: 'reply', text: `${echo(command)} is not a command I know.\n\n${helpText()}`, isError: true };
}

/** Takes `app:<name>` out of command text. */
export function extractApp(text: string): { app: string | undefined; rest: string } {
  let app: string | undefined;
  const rest = text
    .split(/\s+/)
    .filter((w) => {
      const m = /^app:(.*)$/i.exec(w);
      if (!m) return true;
      app = m[1].toLowerCase();
      return false;
    })
    .join(' ');
  return { app, rest };
}
