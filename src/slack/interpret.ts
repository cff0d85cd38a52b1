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
