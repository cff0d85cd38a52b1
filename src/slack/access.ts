/** SLACK_ALLOWED_CHANNELS / SLACK_ALLOWED_USERS: unset means everyone. */
export interface AccessLists {
  channels?: ReadonlySet<string>;
  users?: ReadonlySet<string>;
}

/** The refusal to show, or undefined when the user may use the bot in this channel. */
export function accessRefusal(a: AccessLists, user: string, channel: string): string | undefined {
  if (a.users && !a.users.has(user)) {
    return ":no_entry: You don't have access to this bot. Ask its admin to add your Slack user id to SLACK_ALLOWED_USERS.";
  }
  if (a.channels && !a.channels.has(channel)) {
    return ":no_entry: This bot isn't enabled in this channel. Use it in an allowed channel, or ask its admin to add this channel's id to SLACK_ALLOWED_CHANNELS.";
  }
  return undefined;
}
