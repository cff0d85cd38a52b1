import { type Language, translator } from '../i18n';

/** SLACK_ALLOWED_CHANNELS / SLACK_ALLOWED_USERS: unset means everyone. */
export interface AccessLists {
  channels?: ReadonlySet<string>;
  users?: ReadonlySet<string>;
}

/** The refusal to show, or undefined when the user may use the bot in this channel. */
export function accessRefusal(a: AccessLists, user: string, channel: string, lang: Language = 'en'): string | undefined {
  if (a.users && !a.users.has(user)) return translator(lang)('reply.access.user');
  if (a.channels && !a.channels.has(channel)) return translator(lang)('reply.access.channel');
  return undefined;
}
