import type { ProgramProblem } from '../apps/directory';
import { echo } from './text';

/** Why no mini program could be chosen, in words for the person who asked. */
export function programProblem(p: ProgramProblem): string {
  switch (p.reason) {
    case 'unknown':
      return `There is no mini program called ${echo(p.name)}. Choose one of: ${p.choices.join(', ') || '(none in this channel)'}.`;
    case 'not_here':
      return `The mini program \`${p.name}\` is not available in this channel.`;
    case 'none_here':
      return 'No mini program is available in this channel. Ask an admin to add it to the channels of an app in WECHAT_APPS_FILE.';
    case 'ambiguous':
      return `Several mini programs are available here: add \`app:&lt;name&gt;\` (${p.choices.map((c) => `\`app:${c}\``).join(', ')}), or have an admin set this channel's default with \`/wxa app default &lt;name&gt;\`.`;
  }
}

/** The refusal for what only SLACK_ADMIN_USERS may do (schedule changes, channel defaults). */
export function adminOnly(what: string, adminsConfigured: boolean): string {
  const how = adminsConfigured
    ? 'Ask one of them to do it.'
    : 'No admins are configured yet: set SLACK_ADMIN_USERS to a comma-separated list of Slack user ids.';
  return `:no_entry: Only the bot's admins (SLACK_ADMIN_USERS) can ${what}. ${how}`;
}
