import { type Language, translator } from '../i18n';
import { isReportKind, parseReportText } from '../reports/request';
import { echo, requestProblem, usage } from './text';
import type { ReportRequest } from '../reports/model';

/** What a command asks for: a report, or a reply to show only to its author (help, usage, errors). */
export type Interpretation =
  | { type: 'report'; request: ReportRequest }
  | { type: 'reply'; text: string; isError: boolean }
  | { type: 'schedule'; words: string[] }
  | { type: 'alert'; words: string[] }
  | { type: 'app'; words: string[] }
  | { type: 'lang'; words: string[] };

/** /wxa help, in the channel's language. */
export function helpText(lang: Language = 'en'): string {
  const t = translator(lang);
  const commands = [
    'retain',
    'visits',
    'cohorts',
    'digest',
    'sources',
    'pages',
    'users',
    'perf',
    'schedule',
    'alert',
    'app',
    'lang',
    'help',
  ] as const;
  const lines = ['title', ...commands, 'dates', 'channels'] as const;
  return lines.map((k) => t(`msg.help.${k}`)).join('\n');
}

/**
 * Reads a command the way Slack delivers it (`/retain` + "weekly 2017-03-06"); the CLI passes
 * the same words. Never throws and never calls WeChat.
 */
export function interpretCommand(command: string, text: string, now: Date, lang: Language = 'en'): Interpretation {
  const name = command.replace(/^\//, '').toLowerCase();
  if (name === 'retain' && /^cohorts?\b/i.test(text.trim()))
    return interpretCommand('cohorts', text.trim().replace(/^cohorts?\s*/i, ''), now, lang);
  if (isReportKind(name)) {
    const parsed = parseReportText(name, text, now);
    return parsed.ok
      ? { type: 'report', request: parsed.request }
      : { type: 'reply', text: `${requestProblem(parsed.problem, lang)}\n\n${usage(name, lang)}`, isError: true };
  }
  if (name === 'wxa') {
    const [sub = '', ...rest] = text.trim().split(/\s+/);
    const lower = sub.toLowerCase();
    if (lower === '' || lower === 'help') return { type: 'reply', text: helpText(lang), isError: false };
    if (isReportKind(lower)) return interpretCommand(lower, rest.join(' '), now, lang);
    if (lower === 'schedule' || lower === 'schedules') return { type: 'schedule', words: rest };
    if (lower === 'alert' || lower === 'alerts') return { type: 'alert', words: rest };
    if (lower === 'app' || lower === 'apps') return { type: 'app', words: rest };
    if (lower === 'lang' || lower === 'language') return { type: 'lang', words: rest };
    return { type: 'reply', text: `${translator(lang)('reply.notWxa', { given: echo(sub) })}\n\n${helpText(lang)}`, isError: true };
  }
  return { type: 'reply', text: `${translator(lang)('reply.notCommand', { given: echo(command) })}\n\n${helpText(lang)}`, isError: true };
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
