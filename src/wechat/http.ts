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

export function createHttp(baseURL: string, timeoutMs: number): AxiosInstance {
  // Keep axios from throwing on 4xx/5xx itself: we map statuses to our own errors.
  return axios.create({ baseURL, timeout: timeoutMs, validateStatus: () => true, headers: { 'user-agent': 'wxa-slack' } });
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

/**
 * One HTTP exchange with WeChat (or a service speaking its conventions). Never lets an axios
 * error escape: those carry the full URL, access_token and all.
 */
export async function requestJson(http: AxiosInstance, config: AxiosRequestConfig, label: string): Promise<Record<string, unknown>> {
  let status: number;
  let data: unknown;
  try {
    const res = await http.request({ ...config, responseType: 'text', transformResponse: (d: unknown) => d });
    status = res.status;
    data = res.data;
  } catch (e) {
    throw networkError(e, label, http.defaults.timeout ?? 0);
  }
  if (status >= 500) throw new WeChatError('http', `WeChat answered HTTP ${status} for ${label}. Try again in a few minutes.`, status);
  if (status !== 200) throw new WeChatError('other', `WeChat answered HTTP ${status} for ${label}. Check WECHAT_API_BASE_URL.`, status);
  let body: unknown;
  try {
    body = JSON.parse(typeof data === 'string' ? data : String(data));
  } catch {
    throw new WeChatError('bad_response', `WeChat answered ${label} with something that is not JSON (a proxy error page?). Try again later.`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WeChatError('bad_response', `WeChat answered ${label} with unexpected JSON. Try again later.`);
  }
  const o = body as Record<string, unknown>;
  const errcode = typeof o.errcode === 'number' ? o.errcode : Number(o.errcode ?? 0);
  if (errcode !== 0 && !Number.isNaN(errcode)) throw errorFromErrcode(errcode, String(o.errmsg ?? ''), label);
  return o;
}

function networkError(e: unknown, label: string, timeoutMs: number): WeChatError {
  const code = e instanceof AxiosError ? e.code : undefined;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new WeChatError('timeout', `WeChat did not answer ${label} within ${Math.round(timeoutMs / 1000)} s. Try again in a few minutes.`);
  }
  return new WeChatError(
    'network',
    `Could not reach WeChat for ${label} (${code ?? 'network error'}). Check the server's network access and WECHAT_API_BASE_URL.`,
  );
}
