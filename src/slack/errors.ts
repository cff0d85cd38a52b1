import { ProgramUnavailableError } from '../apps/directory';
import { JobTimeoutError, QueueClosedError } from '../reports/queue';
import { redact } from '../log';
import { escapeMrkdwn } from './text';
import { WeChatError } from '../wechat/errors';
import { programProblem } from './replies';
import { type Language, translator } from '../i18n';
import { wechatWords } from './wechat-words';

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
    /** The message in other languages (mrkdwn, escaped like `message`); English is `message`. */
    readonly texts: Partial<Record<Language, string>> = {},
  ) {
    super(message);
  }

  /** The message in `lang`, or the English one. */
  text(lang: Language): string {
    return this.texts[lang] ?? this.message;
  }
}

/** A failed Slack call in words: what Slack did, and what to do. Undefined when it was not Slack's answer. */
export interface SlackProblem {
  reason: string;
  action: string;
  /** Slack no longer accepts the bot token: retrying cannot help. */
  auth: boolean;
}

export function slackProblem(e: unknown, lang: Language = 'en'): SlackProblem | undefined {
  const t = translator(lang);
  const code = slackErrorCode(e);
  if (code && SLACK_AUTH_ERRORS.has(code)) {
    return { reason: t('error.slack.auth', { code: escapeMrkdwn(code) }), action: t('error.slack.auth.action'), auth: true };
  }
  if (isSlackRateLimited(e)) return { reason: t('error.slack.rateLimited'), action: t('error.slack.rateLimited.action'), auth: false };
  if (code)
    return { reason: t('error.slack.refused', { code: escapeMrkdwn(code.slice(0, 60)) }), action: t('error.slack.retry'), auth: false };
  const kind = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (kind === 'slack_webapi_http_error' || kind === 'slack_webapi_request_error') {
    return { reason: t('error.slack.http'), action: t('error.slack.retry'), auth: false };
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

/** Too many jobs are waiting for a worker: this one was refused, nothing was done. */
export class BusyError extends Error {
  override readonly name = 'BusyError';
}

/** Words for the person who asked: what went wrong, whose side, what to do. Never a secret. */
export function userMessage(e: unknown, requestId: string, lang: Language = 'en'): string {
  const t = translator(lang);
  const warn = (text: string) => t('error.prefix', { text });
  // WeChat's errmsg and the token service's text ride inside WeChatError messages: escaped, so an
  // upstream `<!channel>` or `<https://x|y>` is shown as text, never a ping or a disguised link.
  if (e instanceof WeChatError) return warn(escapeMrkdwn(redact(wechatWords(e, lang))));
  if (e instanceof DeliveryError) return redact(warn(e.text(lang)));
  if (e instanceof QueueClosedError) return redact(warn(lang === 'en' ? e.message : t('error.queueClosed')));
  if (e instanceof ProgramUnavailableError) return warn(programProblem(e.problem, lang));
  if (e instanceof JobTimeoutError) return t('error.timeout', { seconds: Math.round(e.ms / 1000) });
  if (e instanceof BusyError) return t('error.busy');
  if (e instanceof StorageUnavailableError) {
    const done = e.maybeChanged ? t('error.storage.maybeChanged') : t('error.storage.nothingDone');
    return t('error.storage', { done, ref: requestId });
  }
  const code = slackErrorCode(e);
  const slack = slackProblem(e, lang);
  if (slack?.auth || isSlackRateLimited(e)) return t('error.slack.notPosted', { reason: slack?.reason ?? '', action: slack?.action ?? '' });
  if (code) return t('error.slack.refusedPost', { code: escapeMrkdwn(code.slice(0, 60)), ref: requestId });
  return t('error.unknown', { ref: requestId });
}
