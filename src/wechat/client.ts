import type { AxiosInstance } from 'axios';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import { WeChatError } from './errors';
import { createHttp, requestJson, withRetry, DEFAULT_RETRY, type RetryPolicy } from './http';
import { PeriodError, type Granularity, type Period } from '../calendar/period';
import { assertQueryable } from '../calendar/queryable';
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
import type { DailySummaryResult, RetainResult, VisitTrendResult } from './types';

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
}

/** The analytics API of one mini program. Knows nothing of Slack or charts. */
export class WeChatClient {
  private readonly retry: RetryPolicy;
  private readonly now: () => Date;
  private readonly log: Logger;

  constructor(private readonly opts: WeChatClientOptions) {
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.now = opts.now ?? (() => new Date());
    this.log = opts.logger ?? silentLogger;
  }

  get tokenCache(): TokenCache {
    return this.opts.tokens;
  }

  /**
   * Any endpoint of the ENDPOINTS table, by key: dates checked against the row's granularity before
   * any call, answers cached, retried, the token refreshed once on a token error; parsed by the row.
   */
  async fetch<K extends EndpointKey>(key: K, r: DateRange): Promise<EndpointResult<K>> {
    const ep = ENDPOINTS[key];
    return ep.parse(await this.call(ep.path, ep.granularity, r));
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

  private async call(endpoint: string, granularity: Granularity, r: DateRange): Promise<Record<string, unknown>> {
    const period: Period = { granularity, begin: r.beginDate, end: r.endDate };
    try {
      assertQueryable(period, this.now());
    } catch (e) {
      if (e instanceof PeriodError) throw new WeChatError('bad_dates', `${e.message}. No call was made to WeChat.`);
      throw e;
    }
    const cacheKey = `${endpoint}:${r.beginDate}:${r.endDate}`;
    const hit = await this.cacheGet(cacheKey);
    if (hit) return hit;
    const body = { begin_date: r.beginDate, end_date: r.endDate };
    const started = Date.now();
    try {
      const out = await withRetry(() => this.callWithFreshToken(endpoint, body), this.retry);
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
      if (!(e instanceof WeChatError) || e.kind !== 'token_invalid') throw e;
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
    try {
      const out = await requestJson(
        this.opts.http,
        { method: 'POST', url: `/datacube/${endpoint}`, params: { access_token: token }, data: body },
        endpoint,
      );
      this.opts.onCall?.(endpoint, 0);
      return out;
    } catch (e) {
      this.opts.onCall?.(endpoint, e instanceof WeChatError && e.code !== undefined ? e.code : -999);
      throw e;
    }
  }
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
  return new WeChatClient({ http, tokens, retry: s.retry, now: s.now, logger: s.logger, onCall: s.onCall, results: s.results });
}

function required(v: string | undefined, name: string): string {
  if (!v) throw new Error(`${name} is required for this token mode`);
  return v;
}
