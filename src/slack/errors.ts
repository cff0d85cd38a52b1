import { ProgramUnavailableError } from '../apps/directory';
import { JobTimeoutError, QueueClosedError } from '../reports/queue';
import { redact } from '../log';
import { escapeMrkdwn } from './text';
import { WeChatError } from '../wechat/errors';
import { programProblem } from './replies';

/** The Slack Web API error code (e.g. "not_in_channel") of a failed call, if it was one. */
export function slackErrorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const data = (e as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** A delivery failure users can act on. Its message is mrkdwn: anything from outside escaped. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly code: string,
    message: string,
    /** The Slack error behind it, if any. */
    readonly slackCause?: unknown,
  ) {
    super(message);
  }
}

/** A failed Slack call in words: what Slack did, and what to do. Undefined when it was not Slack's answer. */
export interface SlackProblem {
  reason: string;
  action: string;
  /** Slack no longer accepts the bot token: retrying cannot help. */
  auth: boolean;
}

export function slackProblem(e: unknown): SlackProblem | undefined {
  const code = slackErrorCode(e);
  if (code && SLACK_AUTH_ERRORS.has(code)) {
    return {
      reason: `Slack no longer accepts the bot's token (\`${escapeMrkdwn(code)}\`)`,
      action: "The bot's admin must reinstall the app or update SLACK_BOT_TOKEN; running the command again will not help.",
      auth: true,
    };
  }
  if (isSlackRateLimited(e))
    return { reason: 'Slack is rate-limiting the bot right now', action: 'Wait a minute and run the command again.', auth: false };
  if (code) return { reason: `Slack refused it (\`${escapeMrkdwn(code.slice(0, 60))}\`)`, action: 'Try again in a minute.', auth: false };
  const kind = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (kind === 'slack_webapi_http_error' || kind === 'slack_webapi_request_error') {
    return {
      reason: 'Slack did not answer properly (an HTTP error or a broken connection)',
      action: 'Try again in a minute.',
      auth: false,
    };
  }
  return undefined;
}

/** Our storage (SQLite or Redis) failed or did not answer in time while answering a command. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  /** A write was under way: it may still land, so the user is not told that nothing changed. */
  readonly maybeChanged: boolean;
  constructor(reason: string, o: { maybeChanged?: boolean } = {}) {
    super(`storage unavailable: ${reason}`);
    this.maybeChanged = o.maybeChanged ?? false;
  }
}

/** Slack codes that mean the bot's token no longer works: nothing to retry, an admin must act. */
export const SLACK_AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'token_revoked',
  'account_inactive',
  'not_authed',
  'token_expired',
  'org_login_required',
  'ekm_access_denied',
]);

/**
 * Slack's rate limit, after the client's bounded retries: @slack/web-api wraps the last 429 as a
 * request error whose original says "A rate limit was exceeded" (or, with rejectRateLimitedCalls,
 * a rate-limited error).
 */
export function isSlackRateLimited(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, original } = e as { code?: unknown; original?: unknown };
  if (code === 'slack_webapi_rate_limited_error') return true;
  return code === 'slack_webapi_request_error' && original instanceof Error && original.message.startsWith('A rate limit was exceeded');
}

/** Words for the person who asked: what went wrong, whose side, what to do. Never a secret. */
export function userMessage(e: unknown, requestId: string): string {
  // WeChat's errmsg and the token service's text ride inside WeChatError messages: escaped, so an
  // upstream `<!channel>` or `<https://x|y>` is shown as text, never a ping or a disguised link.
  if (e instanceof WeChatError) return `:warning: ${escapeMrkdwn(redact(e.message))}`;
  if (e instanceof DeliveryError || e instanceof QueueClosedError) return redact(`:warning: ${e.message}`);
  if (e instanceof ProgramUnavailableError) return `:warning: ${programProblem(e.problem)}`;
  if (e instanceof JobTimeoutError) {
    return `:warning: Preparing the report took longer than ${Math.round(e.ms / 1000)} s (WeChat answering slowly?), so I stopped and posted nothing. Try again in a few minutes.`;
  }
  if (e instanceof StorageUnavailableError) {
    const done = e.maybeChanged ? "so I can't confirm the change: check in a minute whether it took effect" : 'so nothing was done';
    return `:warning: The bot's storage is unavailable right now, ${done}. Try again in a minute; if it persists, tell the bot's admin (the bot's /readyz says what is wrong; reference \`${requestId}\`).`;
  }
  const code = slackErrorCode(e);
  const slack = slackProblem(e);
  if (slack?.auth || isSlackRateLimited(e)) return `:warning: ${slack?.reason}, so the report could not be posted. ${slack?.action}`;
  if (code) {
    return `:warning: Slack refused to post the report (\`${escapeMrkdwn(code.slice(0, 60))}\`). Try again in a minute; if it keeps failing, give the bot's admin this reference: \`${requestId}\`.`;
  }
  return `:warning: Something went wrong while preparing the report. Try again in a minute; if it keeps failing, give the bot's admin this reference: \`${requestId}\`.`;
}
