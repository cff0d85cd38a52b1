import { JobsClosedError } from '../jobs';
import { redact } from '../log';
import { WeChatError } from '../wechat/errors';

/** The Slack Web API error code (e.g. "not_in_channel") of a failed call, if it was one. */
export function slackErrorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const data = (e as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** A delivery failure users can act on. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Words for the person who asked: what went wrong and what to do. Never a secret. */
export function userMessage(e: unknown, requestId: string): string {
  if (e instanceof WeChatError || e instanceof DeliveryError || e instanceof JobsClosedError) return redact(`:warning: ${e.message}`);
  return `:warning: Something went wrong while preparing the report. Try again in a minute; if it keeps failing, give the bot's admin this reference: \`${requestId}\`.`;
}
