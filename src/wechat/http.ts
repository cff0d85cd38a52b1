import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { backOff } from 'exponential-backoff';
import { WeChatError, errorFromErrcode } from './errors';

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Interactive default: 6 attempts, at most ~5 s of backoff in all, so a user is never kept waiting
 * for minutes, yet a WeChat failing 30% of calls still completes (0.3^6 < 0.1% per call).
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, initialDelayMs: 200, maxDelayMs: 2000 };

/**
 * The most a WeChat answer may be. A datacube or token answer is a few KB; anything near this is
 * not an answer we can use (a proxy's download page, a runaway upstream) and must not be buffered.
 */
export const MAX_ANSWER_BYTES = 2 * 1024 * 1024;
/** What we send is a few hundred bytes of JSON. */
const MAX_REQUEST_BYTES = 64 * 1024;

/**
 * `timeoutMs` is the whole-request deadline enforced by requestJson (connect + headers + body).
 * axios's own `timeout` is kept as well, but in Node it only limits each idle gap on the socket.
 */
export function createHttp(baseURL: string, timeoutMs: number): AxiosInstance {
  // Keep axios from throwing on 4xx/5xx itself: we map statuses to our own errors.
  return axios.create({
    baseURL,
    timeout: timeoutMs,
    maxContentLength: MAX_ANSWER_BYTES,
    maxBodyLength: MAX_REQUEST_BYTES,
    validateStatus: () => true,
    headers: { 'user-agent': 'wxa-slack' },
  });
}

/** Runs fn with bounded exponential backoff and full jitter, retrying only transient WeChat failures. */
export function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  return backOff(fn, {
    numOfAttempts: policy.attempts,
    startingDelay: policy.initialDelayMs,
    maxDelay: policy.maxDelayMs,
    timeMultiple: 2,
    jitter: 'full',
    retry: (e: unknown) => e instanceof WeChatError && e.retryable,
  });
}

/** A WeChat answer as it came: status 200, its headers (names in lower case) and its body as text. */
export interface RawAnswer {
  headers: Record<string, string>;
  text: string;
}

/**
 * One HTTP exchange with WeChat (or a service speaking its conventions). Never lets an axios
 * error escape: those carry the full URL, access_token and all.
 *
 * The instance's timeout is a deadline for the whole exchange (connect, headers and the full
 * body), so an answer that drips a byte at a time cannot hold a report slot past it. The answer
 * is read at most up to MAX_ANSWER_BYTES: axios destroys the response stream as soon as it goes
 * past the cap, so an oversized answer is never buffered in full.
 */
export async function requestJson(http: AxiosInstance, config: AxiosRequestConfig, label: string): Promise<Record<string, unknown>> {
  return checkErrcode(answerObject((await requestRaw(http, config, label)).text, label), label);
}

/** The exchange of requestJson up to the answer's text: deadline, size cap, network errors and HTTP status mapped. */
export async function requestRaw(http: AxiosInstance, config: AxiosRequestConfig, label: string): Promise<RawAnswer> {
  const timeoutMs = http.defaults.timeout ?? 0;
  const deadline = new AbortController();
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          deadline.abort();
        }, timeoutMs)
      : undefined;
  let status: number;
  let data: unknown;
  let headers: Record<string, string> = {};
  try {
    const res = await http.request({
      ...config,
      responseType: 'text',
      transformResponse: (d: unknown) => d,
      signal: deadline.signal,
      // Enforced here too, so an instance not made by createHttp cannot read an unbounded answer.
      maxContentLength: capped(http.defaults.maxContentLength, MAX_ANSWER_BYTES),
      maxBodyLength: capped(http.defaults.maxBodyLength, MAX_REQUEST_BYTES),
    });
    status = res.status;
    data = res.data;
    headers = lowerCaseHeaders(res.headers);
  } catch (e) {
    throw networkError(e, label, timeoutMs, timedOut);
  } finally {
    clearTimeout(timer);
  }
  if (status >= 500) throw new WeChatError('http', `WeChat answered HTTP ${status} for ${label}. Try again in a few minutes.`, status);
  if (status !== 200) throw new WeChatError('other', `WeChat answered HTTP ${status} for ${label}. Check WECHAT_API_BASE_URL.`, status);
  return { headers, text: typeof data === 'string' ? data : String(data) };
}

/** An answer's JSON object; anything else is a bad_response. */
export function answerObject(text: string, label: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new WeChatError(
      'bad_response',
      `WeChat answered ${label} with something that is not JSON (a proxy error page?). Try again later.`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WeChatError('bad_response', `WeChat answered ${label} with unexpected JSON. Try again later.`);
  }
  return body as Record<string, unknown>;
}

/** `o` itself, or the typed error of its non-zero errcode. */
export function checkErrcode(o: Record<string, unknown>, label: string): Record<string, unknown> {
  const errcode = typeof o.errcode === 'number' ? o.errcode : Number(o.errcode ?? 0);
  if (errcode !== 0 && !Number.isNaN(errcode)) throw errorFromErrcode(errcode, String(o.errmsg ?? ''), label);
  return o;
}

function lowerCaseHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof h !== 'object' || h === null) return out;
  for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
    if (typeof v === 'string') out[k.toLowerCase()] = v;
    else if (Array.isArray(v)) out[k.toLowerCase()] = v.join(', ');
    else if (typeof v === 'number') out[k.toLowerCase()] = String(v);
  }
  return out;
}

/** The instance's limit if it has a tighter one, else ours (axios uses -1 for "no limit"). */
function capped(v: number | undefined, max: number): number {
  return v !== undefined && v >= 0 && v < max ? v : max;
}

/** Errors meaning no connection was made at all: the fix is on our side (network, DNS, proxy, URL). */
const CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
]);

/** Errors meaning a connection was made and then cut before the answer was complete. */
const CUT_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'Z_BUF_ERROR']);

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / (1024 * 1024)) * 10) / 10} MB` : `${Math.round(n / 1024)} KB`;
}

/**
 * Maps an axios failure to a WeChatError. Only the error code and our own words go into the
 * message: axios's message and config hold the URL, with the access_token or AppSecret in it.
 */
function networkError(e: unknown, label: string, timeoutMs: number, timedOut: boolean): WeChatError {
  const ax = e instanceof AxiosError ? e : undefined;
  const code = ax?.code;
  const text = ax?.message ?? '';
  // Our deadline fired (axios reports it as a cancel), or axios's idle timeout did.
  if (timedOut || code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new WeChatError(
      'timeout',
      `WeChat did not answer ${label} within ${Math.round(timeoutMs / 1000)} s. Try again in a few minutes.`,
    );
  }
  if (/maxContentLength/.test(text)) {
    const cap = formatBytes(capped(ax?.config?.maxContentLength, MAX_ANSWER_BYTES));
    return new WeChatError(
      'too_large',
      `WeChat's answer to ${label} was larger than ${cap}, so the bot stopped reading it (a real answer is a few KB). ` +
        'The oversized answer comes from WeChat or from a proxy between this server and WeChat, not from the bot, so it was not retried. ' +
        'Check that WECHAT_API_BASE_URL points at the WeChat API and that no proxy in between replaces its answers (with a download or an error page, say); if both look right, try again later.',
    );
  }
  if (/maxBodyLength/.test(text)) {
    return new WeChatError(
      'other',
      `The bot's request for ${label} was larger than ${formatBytes(MAX_REQUEST_BYTES)} and was not sent. This is a bug in the bot; please report it.`,
    );
  }
  const cause = (ax?.cause ?? undefined) as { code?: unknown } | undefined;
  const sysCode = typeof cause?.code === 'string' ? cause.code : code;
  if (sysCode !== undefined && CONNECT_CODES.has(sysCode)) {
    return new WeChatError(
      'network',
      `Could not reach WeChat for ${label} (${sysCode}). Check the server's network access, DNS and any outbound proxy, and WECHAT_API_BASE_URL.`,
    );
  }
  const cut =
    (sysCode !== undefined && CUT_CODES.has(sysCode)) ||
    code === 'ERR_BAD_RESPONSE' ||
    /socket hang up|aborted|premature close|other side closed/i.test(text);
  if (cut) {
    return new WeChatError(
      'connection_cut',
      `WeChat (or a proxy in between) dropped the connection while answering ${label} (${sysCode !== undefined && /^E[A-Z]+$/.test(sysCode) ? sysCode : 'closed before the answer was complete'}). ` +
        'The bot retried the call; try again in a few minutes.',
    );
  }
  return new WeChatError(
    'network',
    `Could not reach WeChat for ${label} (${sysCode ?? 'network error'}). Check the server's network access, DNS and any outbound proxy, and WECHAT_API_BASE_URL.`,
  );
}
