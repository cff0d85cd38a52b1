import { z } from 'zod';
import { ProgramUnavailableError } from '../apps/directory';
import { type Language, translator } from '../i18n';
import { redact } from '../log';
import { JobTimeoutError, QueueClosedError } from '../reports/queue';
import type { FailedPart } from '../schedule/types';
import { WeChatError, WeChatSecurityError } from '../wechat/errors';
import { DeliveryError, isSlackRateLimited, StorageUnavailableError, slackErrorCode, slackProblem, userMessage } from './errors';
import { escapeMrkdwn } from './text';

// A scheduled run's failure is stored as facts (which part, whose error, its code), not as words, so
// that `/wxa schedule list` and the Home tab word it in the reader's language when they show it.

const MAX_TEXT = 600;
const text = z.string().max(MAX_TEXT);

const WECHAT_KINDS = [
  'token_invalid',
  'ip_not_whitelisted',
  'quota_daily',
  'quota_minute',
  'bad_credentials',
  'unauthorized',
  'bad_dates',
  'not_ready',
  'busy',
  'http',
  'network',
  'connection_cut',
  'timeout',
  'too_large',
  'bad_response',
  'token_service',
  'security',
  'other',
] as const satisfies readonly WeChatError['kind'][];

const SECURITY_PROBLEMS = [
  'unsigned',
  'unknown_serial',
  'bad_signature',
  'stale',
  'wrong_app',
  'undecryptable',
  'malformed',
  'mismatched',
  'refused',
] as const satisfies readonly WeChatSecurityError['problem'][];

const problemSchema = z.discriminatedUnion('side', [
  // The English message src/wechat wrote (redacted): the other languages are built from it.
  z.object({
    side: z.literal('wechat'),
    kind: z.enum(WECHAT_KINDS),
    code: z.number().int().optional(),
    message: text,
    security: z.enum(SECURITY_PROBLEMS).optional(),
  }),
  z.object({ side: z.literal('delivery'), code: z.string().max(60), texts: z.partialRecord(z.enum(['en', 'zh']), text) }),
  z.object({ side: z.literal('slack'), code: z.string().max(60).optional(), sdk: z.string().max(60).optional(), rateLimited: z.boolean() }),
  z.object({
    side: z.literal('program'),
    problem: z.custom<ProgramUnavailableError['problem']>((v) => typeof v === 'object' && v !== null),
  }),
  z.object({ side: z.literal('timeout'), ms: z.number().nonnegative() }),
  z.object({ side: z.literal('storage'), maybeChanged: z.boolean() }),
  z.object({ side: z.literal('restart') }),
  z.object({ side: z.literal('unknown') }),
]);
type Problem = z.infer<typeof problemSchema>;

const recordSchema = z.object({ part: z.enum(['report', 'chart']), problem: problemSchema });

/** Unwraps the Slack error behind a failed upload. */
function cause(e: unknown): unknown {
  return e instanceof DeliveryError && e.slackCause !== undefined ? e.slackCause : e;
}

function problemOf(e: unknown): Problem {
  if (e instanceof WeChatError) {
    const security = e instanceof WeChatSecurityError ? e.problem : undefined;
    return { side: 'wechat', kind: e.kind, code: e.code, message: redact(e.message).slice(0, MAX_TEXT), security };
  }
  if (e instanceof DeliveryError) {
    const texts = Object.fromEntries(Object.entries({ en: e.message, ...e.texts }).map(([k, v]) => [k, redact(v).slice(0, MAX_TEXT)]));
    return { side: 'delivery', code: e.code.slice(0, 60), texts };
  }
  if (e instanceof ProgramUnavailableError) return { side: 'program', problem: e.problem };
  if (e instanceof JobTimeoutError) return { side: 'timeout', ms: e.ms };
  if (e instanceof StorageUnavailableError) return { side: 'storage', maybeChanged: e.maybeChanged };
  if (e instanceof QueueClosedError) return { side: 'restart' };
  const sdk = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (slackProblem(e) !== undefined) {
    return {
      side: 'slack',
      code: slackErrorCode(e)?.slice(0, 60),
      sdk: typeof sdk === 'string' ? sdk.slice(0, 60) : undefined,
      rateLimited: isSlackRateLimited(e),
    };
  }
  return { side: 'unknown' };
}

/** The error a stored problem stands for, so that it is worded exactly as it was when it happened. */
function errorOf(p: Problem): unknown {
  switch (p.side) {
    case 'wechat':
      return p.security ? new WeChatSecurityError(p.security, p.message, p.code) : new WeChatError(p.kind, p.message, p.code);
    case 'delivery':
      return new DeliveryError(p.code, p.texts.en ?? p.code, undefined, p.texts);
    case 'program':
      return new ProgramUnavailableError(p.problem);
    case 'timeout':
      return new JobTimeoutError(p.ms);
    case 'storage':
      return new StorageUnavailableError('stored', { maybeChanged: p.maybeChanged });
    case 'restart':
      return new QueueClosedError();
    case 'slack':
      if (p.rateLimited) return { code: 'slack_webapi_rate_limited_error' };
      return p.code !== undefined ? { data: { error: p.code } } : { code: p.sdk };
    case 'unknown':
      return new Error('unknown');
  }
}

/** A failure as the run log keeps it: which part failed and why, in no language. */
export function runFailure(e: unknown, part: FailedPart): string {
  return JSON.stringify({ part, problem: problemOf(cause(e)) });
}

/** One failure reason, as a clause (no final full stop), in `lang`. */
export function failureReason(e: unknown, ref: string, lang: Language): string {
  return (
    slackProblem(e, lang)?.reason ??
    userMessage(e, ref, lang)
      .replace(/^:warning: /, '')
      .replace(/[.。]$/, '')
  );
}

/**
 * A stored failure in `lang`, for the run log's reader; mrkdwn. Anything unreadable (an old record
 * written as English text, or a tampered one) is shown as escaped text, cut short.
 */
export function runFailureWords(detail: string, ref: string, lang: Language): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return escapeMrkdwn(detail.slice(0, 200));
  }
  const r = recordSchema.safeParse(parsed);
  if (!r.success) return escapeMrkdwn(detail.slice(0, 200));
  const reason = failureReason(errorOf(r.data.problem), ref, lang);
  return r.data.part === 'chart' ? translator(lang)('schedule.last.chartFailed', { reason }) : reason;
}
