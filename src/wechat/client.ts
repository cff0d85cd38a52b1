import { SingleFlight } from '../util/single-flight';
import type { AxiosInstance } from 'axios';
import { RateWindow } from '../util/rate-window';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import { WeChatError, WeChatSecurityError } from './errors';
import { checkErrcode, createHttp, requestJson, requestRaw, withRetry, DEFAULT_RETRY, type RetryPolicy } from './http';
import { ApiSecurity, type SecurityKeys, urlPathOf } from './security';
import { errorText } from '../util/error-text';
import { withTimeout } from '../util/deadline';
import { addDays, chinaToday, PeriodError, type Granularity, type Period } from '../calendar/period';
import { assertQueryable, assertSpan } from '../calendar/queryable';
import { isEmptyAnswer, resultTtlMs, type ResultCache } from './cache';
import {
  ClassicTokenProvider,
  ExternalTokenProvider,
  StableTokenProvider,
  TokenCache,
  type SharedTokenStore,
  type TokenMode,
} from './token';
import { ENDPOINTS, endpointFor, type EndpointKey, type EndpointResult } from './endpoints';
import { parsePerformance } from './parse';
import type {
  DailySummaryResult,
  PerformanceResult,
  RetainResult,
  UserPortraitResult,
  VisitDistributionResult,
  VisitPageResult,
  VisitTrendResult,
} from './types';

/** Same shape as the cloud-call request in WeChat's docs. */
export interface DateRange {
  beginDate: string;
  endDate: string;
}

export interface WeChatClientOptions {
  http: AxiosInstance;
  tokens: TokenCache;
  retry?: RetryPolicy;
  now?: () => Date;
  logger?: Logger;
  /** Called after every datacube call with the endpoint and errcode (0 = ok), for metrics. */
  onCall?: (endpoint: string, errcode: number) => void;
  /** Datacube answers kept between calls; see isFinal for how long. */
  results?: ResultCache;
  /** Calls started per minute at most, to stay under WeChat's per-minute quota (errcode 45011). Default 600. */
  callsPerMinute?: number;
  /** The quota's window; a minute, shorter only in tests. */
  quotaWindowMs?: number;
  /** API security mode: every analytics call encrypted and signed, every answer verified. */
  security?: ApiSecurity;
  /** The URL WeChat sees, which the signatures cover; the http instance's baseURL by default. */
  securityUrlBase?: string;
}

export const DEFAULT_WECHAT_CALLS_PER_MINUTE = 600;

/** What readiness knows of API security mode without calling WeChat. */
export type SecurityHealth = { state: 'ok' } | { state: 'failed'; reason: string; at: number } | { state: 'unknown' };

/** How long readiness waits after a failed signed call before it may make another. */
const SECURITY_RETRY_FROM_READYZ_MS = 30_000;

/** The analytics API of one mini program. Knows nothing of Slack or charts. */
export class WeChatClient {
  private readonly retry: RetryPolicy;
  private readonly now: () => Date;
  private readonly log: Logger;
  /**
   * Bounds how many calls (not cache hits) start per minute. Not how many run at once: a call
   * that hangs must not hold up other reports' calls (each report bounds its own fan-out).
   */
  private readonly quota: RateWindow;
  private securityState: SecurityHealth = { state: 'unknown' };
  private readonly sameAnswer = new SingleFlight<Record<string, unknown>>();
  private securityProbe: Promise<void> | undefined;

  constructor(private readonly opts: WeChatClientOptions) {
    this.quota = new RateWindow(opts.callsPerMinute ?? DEFAULT_WECHAT_CALLS_PER_MINUTE, opts.quotaWindowMs ?? 60_000);
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.now = opts.now ?? (() => new Date());
    this.log = opts.logger ?? silentLogger;
  }

  get tokenCache(): TokenCache {
    return this.opts.tokens;
  }

  /** True when every analytics call is encrypted and signed (API security mode). */
  get securityMode(): boolean {
    return this.opts.security !== undefined;
  }

  /** The last signed call's outcome, without calling WeChat. */
  securityHealth(): SecurityHealth {
    return this.securityState;
  }

  /**
   * Readiness of API security mode: 'ok' once a signed call was answered and the answer verified,
   * else why not. Anyone may ask (/readyz), so WeChat is called only when nothing is known yet or
   * the last failure is 30 s old: one signed call, shared by concurrent checks.
   */
  async securityReadiness(): Promise<string> {
    let h = this.securityState;
    if (h.state === 'ok') return 'ok';
    if (h.state === 'unknown' || this.securityProbe || Date.now() - h.at >= SECURITY_RETRY_FROM_READYZ_MS) {
      this.securityProbe ??= this.probeSecurity().finally(() => {
        this.securityProbe = undefined;
      });
      await withTimeout(this.securityProbe, 3000, 'the signed readiness call').catch(() => undefined);
      h = this.securityState;
    }
    if (h.state === 'ok') return 'ok';
    return h.state === 'failed' ? h.reason : 'no signed call answered yet: WeChat has not answered the readiness call';
  }

  /** One signed call (yesterday's visit trend, not from the cache): any verified answer will do, even an errcode. */
  private async probeSecurity(): Promise<void> {
    const day = addDays(chinaToday(this.now()), -1);
    try {
      await this.quota.take();
      await this.callWithFreshToken(ENDPOINTS.dailyVisitTrend.path, { begin_date: day, end_date: day });
    } catch (e) {
      // A verified errcode (data not ready, say) proves the signing works; post() has recorded it.
      if (this.securityState.state !== 'ok') this.securityState = { state: 'failed', reason: errorText(e), at: Date.now() };
    }
  }

  /**
   * Any endpoint of the ENDPOINTS table, by key: dates checked against the row's granularity before
   * any call, answers cached, retried, the token refreshed once on a token error; parsed by the row.
   */
  async fetch<K extends EndpointKey>(key: K, r: DateRange): Promise<EndpointResult<K>> {
    const ep = ENDPOINTS[key];
    return ep.parse(await this.call(ep.path, ep.granularity, r, ep.spans));
  }

  getDailyRetain(r: DateRange): Promise<RetainResult> {
    return this.fetch('dailyRetain', r);
  }
  getWeeklyRetain(r: DateRange): Promise<RetainResult> {
    return this.fetch('weeklyRetain', r);
  }
  getMonthlyRetain(r: DateRange): Promise<RetainResult> {
    return this.fetch('monthlyRetain', r);
  }
  getDailyVisitTrend(r: DateRange): Promise<VisitTrendResult> {
    return this.fetch('dailyVisitTrend', r);
  }
  getWeeklyVisitTrend(r: DateRange): Promise<VisitTrendResult> {
    return this.fetch('weeklyVisitTrend', r);
  }
  getMonthlyVisitTrend(r: DateRange): Promise<VisitTrendResult> {
    return this.fetch('monthlyVisitTrend', r);
  }
  getDailySummary(r: DateRange): Promise<DailySummaryResult> {
    return this.fetch('dailySummary', r);
  }

  /** Retention for any granularity, by period. */
  async getRetain(p: Period): Promise<RetainResult> {
    return this.fetch(endpointFor('retain', p.granularity), { beginDate: p.begin, endDate: p.end });
  }

  /** Visit trend for any granularity, by period. */
  async getVisitTrend(p: Period): Promise<VisitTrendResult> {
    return this.fetch(endpointFor('visitTrend', p.granularity), { beginDate: p.begin, endDate: p.end });
  }

  /**
   * One performance module (see PERF_MODULES) over begin..end (at most 30 days, ending at most
   * yesterday), for all networks, device levels and platforms.
   */
  async getPerformance(module: number, begin: string, end: string): Promise<PerformanceResult> {
    const now = this.now();
    try {
      assertSpan(
        begin,
        end,
        Array.from({ length: PERF_MAX_DAYS }, (_, i) => i + 1),
        now,
      );
    } catch (e) {
      if (e instanceof PeriodError) throw new WeChatError('bad_dates', `${e.message}. No call was made to WeChat.`);
      throw e;
    }
    const body = { module, time: { begin_timestamp: chinaMidnight(begin), end_timestamp: chinaMidnight(end) }, params: [] };
    const last: Period = { granularity: 'daily', begin: end, end };
    return parsePerformance(await this.request(PERFORMANCE_PATH, body, `${PERFORMANCE_PATH}:${module}:${begin}:${end}`, last));
  }

  /** One day's visit distribution (sources, stay time, depth). */
  getVisitDistribution(date: string): Promise<VisitDistributionResult> {
    return this.fetch('visitDistribution', { beginDate: date, endDate: date });
  }

  /** One day's pages. */
  getVisitPages(date: string): Promise<VisitPageResult> {
    return this.fetch('visitPage', { beginDate: date, endDate: date });
  }

  /** The user portrait of the `days` (1, 7 or 30) ending with `end`. */
  getUserPortrait(end: string, days: number): Promise<UserPortraitResult> {
    return this.fetch('userPortrait', { beginDate: addDays(end, 1 - days), endDate: end });
  }

  private async call(
    endpoint: string,
    granularity: Granularity,
    r: DateRange,
    spans?: readonly number[],
  ): Promise<Record<string, unknown>> {
    // A span's answer stops changing like its last day's; a natural period like itself.
    const period: Period = spans
      ? { granularity: 'daily', begin: r.endDate, end: r.endDate }
      : { granularity, begin: r.beginDate, end: r.endDate };
    try {
      if (spans) assertSpan(r.beginDate, r.endDate, spans, this.now());
      else assertQueryable(period, this.now());
    } catch (e) {
      if (e instanceof PeriodError) throw new WeChatError('bad_dates', `${e.message}. No call was made to WeChat.`);
      throw e;
    }
    return this.request(endpoint, { begin_date: r.beginDate, end_date: r.endDate }, `${endpoint}:${r.beginDate}:${r.endDate}`, period);
  }

  /**
   * A checked call: from the result cache, or POSTed (retried, token refreshed once), then cached by
   * `period`'s age. Concurrent requests for the same answer (reports of neighbouring weeks share trend
   * weeks) wait for one call instead of each making it.
   */
  private request(endpoint: string, body: object, cacheKey: string, period: Period): Promise<Record<string, unknown>> {
    return this.sameAnswer.run(cacheKey, () => this.requestOnce(endpoint, body, cacheKey, period));
  }

  private async requestOnce(endpoint: string, body: object, cacheKey: string, period: Period): Promise<Record<string, unknown>> {
    const hit = await this.cacheGet(cacheKey);
    if (hit) return hit;
    const started = Date.now();
    try {
      // Each attempt counts against the quota, retries too.
      const out = await withRetry(async () => {
        await this.quota.take();
        return this.callWithFreshToken(endpoint, body);
      }, this.retry);
      if (this.opts.security) assertAnswersDates(out, body, endpoint);
      this.log.debug({ endpoint, ms: Date.now() - started }, 'wechat call ok');
      if (this.opts.results && !isEmptyAnswer(out)) {
        await this.opts.results.set(cacheKey, out, resultTtlMs(period, this.now())).catch((e: unknown) => {
          this.log.warn({ endpoint, err: String(e) }, 'result cache write failed');
        });
      }
      return out;
    } catch (e) {
      const code = e instanceof WeChatError ? e.code : undefined;
      this.log.warn(
        { endpoint, ms: Date.now() - started, code, kind: e instanceof WeChatError ? e.kind : 'unexpected' },
        'wechat call failed',
      );
      throw e;
    }
  }

  /** A cache that cannot be read is skipped, not fatal: WeChat is the source of truth. */
  private async cacheGet(key: string): Promise<Record<string, unknown> | undefined> {
    if (!this.opts.results) return undefined;
    try {
      const v = await this.opts.results.get(key);
      return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
    } catch (e) {
      this.log.warn({ err: String(e) }, 'result cache read failed');
      return undefined;
    }
  }

  /** On a token error: drop that token (only if still cached), fetch a fresh one, retry once. */
  private async callWithFreshToken(endpoint: string, body: object): Promise<Record<string, unknown>> {
    const token = await this.token();
    try {
      return await this.post(endpoint, token, body);
    } catch (e) {
      // A final one is an unsigned answer in API security mode: believed only as a failure.
      if (!(e instanceof WeChatError) || e.kind !== 'token_invalid' || e.final) throw e;
      await this.opts.tokens.invalidate(token);
      return this.post(endpoint, await this.token(), body);
    }
  }

  /** The token cache retries its own fetch; its failure must not be retried again around it. */
  private async token(): Promise<string> {
    try {
      return await this.opts.tokens.get();
    } catch (e) {
      throw e instanceof WeChatError ? e.asFinal() : e;
    }
  }

  private async post(endpoint: string, token: string, body: object): Promise<Record<string, unknown>> {
    const url = endpoint.includes('/') ? `/${endpoint}` : `/datacube/${endpoint}`;
    try {
      const out = this.opts.security
        ? await this.securePost(this.opts.security, url, endpoint, token, body)
        : await requestJson(this.opts.http, { method: 'POST', url, params: { access_token: token }, data: body }, endpoint);
      this.opts.onCall?.(endpoint, 0);
      return out;
    } catch (e) {
      this.opts.onCall?.(endpoint, e instanceof WeChatError && e.code !== undefined ? e.code : -999);
      throw e;
    }
  }

  /**
   * The call in API security mode: the body encrypted and signed (the access_token stays in the
   * query), the answer verified and decrypted before anything reads it. Only then its errcode.
   */
  private async securePost(sec: ApiSecurity, url: string, endpoint: string, token: string, body: object): Promise<Record<string, unknown>> {
    const urlpath = urlPathOf(this.opts.securityUrlBase ?? this.opts.http.defaults.baseURL ?? '', url);
    const sealed = sec.seal(urlpath, body, this.nowSec());
    const raw = await requestRaw(
      this.opts.http,
      {
        method: 'POST',
        url,
        params: { access_token: token },
        data: sealed.body,
        headers: sealed.headers,
        // Sent byte for byte as signed.
        transformRequest: [(d: unknown) => d],
      },
      endpoint,
    );
    let verified: Record<string, unknown>;
    try {
      verified = sec.open(urlpath, raw, this.nowSec(), endpoint);
    } catch (e) {
      if (e instanceof WeChatError && e.kind === 'security') this.securityState = { state: 'failed', reason: e.message, at: Date.now() };
      throw e;
    }
    this.securityState = { state: 'ok' };
    return checkErrcode(verified, endpoint);
  }

  private nowSec(): number {
    return Math.floor(this.now().getTime() / 1000);
  }
}

/** WeChat's performance endpoint (not under /datacube). */
export const PERFORMANCE_PATH = 'wxa/business/performance/boot';

/** The longest span wxa/business/performance/boot accepts ("时间跨度不能超过30天"). */
export const PERF_MAX_DAYS = 30;

/** Its `module` codes: launch time by stage, page-switch time, memory, memory anomalies. */
export const PERF_MODULES = { launch: 10017, pageSwitch: 10021, memory: 10022, memoryAnomaly: 10023 } as const;

/** Unix seconds of 00:00 China time on a yyyymmdd date: how the performance endpoint takes its days. */
export function chinaMidnight(yyyymmdd: string): number {
  return (Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8)) - 8 * 3600_000) / 1000;
}

export interface WeChatSettings {
  baseUrl: string;
  appid?: string;
  secret?: string;
  tokenMode: TokenMode;
  tokenUrl?: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
  now?: () => Date;
  logger?: Logger;
  onTokenFetch?: () => void;
  onCall?: (endpoint: string, errcode: number) => void;
  sharedTokens?: SharedTokenStore;
  results?: ResultCache;
  callsPerMinute?: number;
  quotaWindowMs?: number;
  /** API security mode's key material (see src/apps/security.ts); plain calls without it. */
  security?: SecurityKeys;
  /** The URL WeChat sees, for the signatures (WECHAT_SECURITY_URL_BASE); `baseUrl` by default. */
  securityUrlBase?: string;
}

/** Builds the client and its token cache from settings. */
export function createWeChatClient(s: WeChatSettings): WeChatClient {
  const http = createHttp(s.baseUrl, s.timeoutMs ?? 10_000);
  const provider =
    s.tokenMode === 'external'
      ? new ExternalTokenProvider(http, required(s.tokenUrl, 'WECHAT_TOKEN_URL'))
      : s.tokenMode === 'classic'
        ? new ClassicTokenProvider(http, required(s.appid, 'WECHAT_APPID'), required(s.secret, 'WECHAT_SECRET'))
        : new StableTokenProvider(http, required(s.appid, 'WECHAT_APPID'), required(s.secret, 'WECHAT_SECRET'));
  const tokens = new TokenCache(provider, { retry: s.retry, onFetch: s.onTokenFetch, shared: s.sharedTokens });
  return new WeChatClient({
    http,
    tokens,
    retry: s.retry,
    now: s.now,
    logger: s.logger,
    onCall: s.onCall,
    results: s.results,
    callsPerMinute: s.callsPerMinute,
    quotaWindowMs: s.quotaWindowMs,
    securityUrlBase: s.securityUrlBase,
    security:
      s.security && new ApiSecurity(s.security, { onDeprecated: deprecationWarning(s.logger ?? silentLogger, s.security.names.certs) }),
  });
}

/**
 * During a certificate rotation WeChat signs with both certificates; an answer verified only by the
 * one being retired means the new one is not configured yet. Said once an hour per certificate.
 */
function deprecationWarning(log: Logger, setting: string): (sn: string) => void {
  const said = new Map<string, number>();
  return (sn) => {
    const last = said.get(sn);
    if (last !== undefined && Date.now() - last < 3_600_000) return;
    said.set(sn, Date.now());
    log.warn(
      { certificate: sn },
      `WeChat is retiring platform certificate ${sn}, and no other configured certificate signs its answers: download the new platform certificate from the admin console and add it to ${setting} before the old one stops signing`,
    );
  };
}

function required(v: string | undefined, name: string): string {
  if (!v) throw new Error(`${name} is required for this token mode`);
  return v;
}

/**
 * In API security mode a signed answer proves it came from WeChat, not that it answers this request:
 * WeChat's signature does not cover the request. An answer whose ref_date is not the dates asked for
 * (an old answer replayed) is refused, before it can be cached under the wrong period.
 */
function assertAnswersDates(out: Record<string, unknown>, body: object, endpoint: string): void {
  const { begin_date: begin, end_date: end } = body as { begin_date?: unknown; end_date?: unknown };
  if (typeof begin !== 'string' || typeof end !== 'string') return;
  const accepted = new Set([begin, `${begin}${end}`, begin.slice(0, 6)]);
  const list = Array.isArray(out.list) ? (out.list as unknown[]) : [];
  const refs = [
    out.ref_date,
    ...list.map((r) => (typeof r === 'object' && r !== null ? (r as { ref_date?: unknown }).ref_date : undefined)),
  ];
  for (const ref of refs) {
    if (ref === undefined) continue;
    const digits = String(ref).replace(/\D/g, '');
    if (!accepted.has(digits)) {
      throw new WeChatSecurityError(
        'mismatched',
        `WeChat's answer to ${endpoint} is signed but for ${String(ref).slice(0, 20)}, not the dates asked for (${begin}–${end}): it may be an older answer replayed. The answer was not used. Check any proxy between this server and WeChat.`,
      );
    }
  }
}
