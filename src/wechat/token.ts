import type { AxiosInstance } from 'axios';
import { registerRotatingSecret } from '../log/redact';
import { WeChatError } from './errors';
import { requestJson, withRetry, type RetryPolicy, DEFAULT_RETRY } from './http';
import { errorText } from '../util/error-text';

export interface FetchedToken {
  token: string;
  expiresInSec: number;
}

export interface TokenProvider {
  readonly mode: TokenMode;
  fetch(): Promise<FetchedToken>;
}

export type TokenMode = 'stable' | 'classic' | 'external';

function readToken(o: Record<string, unknown>, label: string): FetchedToken {
  const token = o.access_token;
  const expires = Number(o.expires_in);
  if (typeof token !== 'string' || token === '' || !Number.isFinite(expires) || expires <= 0) {
    throw new WeChatError('bad_response', `${label} answered without a usable access_token/expires_in. Try again later.`);
  }
  registerRotatingSecret(token);
  return { token, expiresInSec: expires };
}

/** POST /cgi-bin/stable_token: shares the token with the company's other servers instead of rotating it. */
export class StableTokenProvider implements TokenProvider {
  readonly mode = 'stable';
  constructor(
    private readonly http: AxiosInstance,
    private readonly appid: string,
    private readonly secret: string,
  ) {}

  async fetch(): Promise<FetchedToken> {
    // force_refresh stays false: forcing invalidates every other server's token and is limited to 20 a day.
    const body = { grant_type: 'client_credential', appid: this.appid, secret: this.secret, force_refresh: false };
    const o = await requestJson(this.http, { method: 'POST', url: '/cgi-bin/stable_token', data: body }, 'the stable_token request');
    return readToken(o, 'WeChat stable_token');
  }
}

/** GET /cgi-bin/token: every fetch invalidates the previous token, so use it only when nothing else shares the app. */
export class ClassicTokenProvider implements TokenProvider {
  readonly mode = 'classic';
  constructor(
    private readonly http: AxiosInstance,
    private readonly appid: string,
    private readonly secret: string,
  ) {}

  async fetch(): Promise<FetchedToken> {
    const params = { grant_type: 'client_credential', appid: this.appid, secret: this.secret };
    const o = await requestJson(this.http, { method: 'GET', url: '/cgi-bin/token', params }, 'the access_token request');
    return readToken(o, 'WeChat cgi-bin/token');
  }
}

/** The company's central token service: GET <url> answers {access_token, expires_in}. */
export class ExternalTokenProvider implements TokenProvider {
  readonly mode = 'external';
  constructor(
    private readonly http: AxiosInstance,
    private readonly url: string,
  ) {}

  async fetch(): Promise<FetchedToken> {
    const where = safeUrl(this.url);
    try {
      const o = await requestJson(this.http, { method: 'GET', url: this.url }, `the token service ${where}`);
      return readToken(o, `The token service ${where}`);
    } catch (e) {
      if (e instanceof WeChatError && e.kind !== 'bad_credentials') {
        throw new WeChatError('token_service', `${e.message} Check WECHAT_TOKEN_URL and that the token service is up.`, e.code);
      }
      throw e;
    }
  }
}

/** Origin and path only: a token service URL may carry a credential in its query. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Where instances share the token (Redis or SQLite). The lock makes one instance refresh while
 * the others wait and then read what it wrote.
 */
export interface SharedTokenStore {
  read(): Promise<CachedToken | undefined>;
  write(t: CachedToken, ttlMs: number): Promise<void>;
  dropIf(token: string): Promise<void>;
  tryLock(ttlMs: number): Promise<boolean>;
  unlock(): Promise<void>;
}

export interface CachedToken {
  token: string;
  refreshAt: number;
}

export interface TokenCacheOptions {
  now?: () => number;
  shared?: SharedTokenStore;
  /** How long to wait for another instance's refresh before fetching anyway. */
  lockWaitMs?: number;
  /** Refresh this long before expiry (capped at half the TTL). */
  refreshMarginMs?: number;
  retry?: RetryPolicy;
  onFetch?: () => void;
}

/**
 * Caches the access_token for its expires_in, refreshing ahead of expiry. Concurrent callers on
 * a cold or stale cache share one in-flight fetch. `invalidate` drops the token only if it is
 * still the cached one, so a late 40001 for an old token cannot throw away a fresh one.
 */
export type TokenHealth =
  | { state: 'ok' }
  | { state: 'failed'; reason: string; at: number; fetching: boolean }
  | { state: 'unknown'; fetching: boolean };

export class TokenCache {
  private cached: CachedToken | undefined;
  private lastFailure: { reason: string; at: number } | undefined;
  private inflight: Promise<string> | undefined;
  private readonly now: () => number;
  private readonly marginMs: number;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly provider: TokenProvider,
    private readonly opts: TokenCacheOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.marginMs = opts.refreshMarginMs ?? 5 * 60_000;
    this.retry = opts.retry ?? DEFAULT_RETRY;
  }

  get mode(): TokenMode {
    return this.provider.mode;
  }

  async get(): Promise<string> {
    const c = this.cached;
    if (c && this.now() < c.refreshAt) return c.token;
    return this.refresh();
  }

  async invalidate(token: string): Promise<void> {
    if (this.cached?.token === token) this.cached = undefined;
    await this.opts.shared?.dropIf(token);
  }

  private refresh(): Promise<string> {
    this.inflight ??= this.obtain()
      .then(
        (token) => {
          this.lastFailure = undefined;
          return token;
        },
        (e: unknown) => {
          this.lastFailure = { reason: errorText(e), at: this.now() };
          throw e;
        },
      )
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /** What is known now, without calling WeChat (for readiness checks that anyone may call). */
  health(): TokenHealth {
    if (this.cached && this.now() < this.cached.refreshAt) return { state: 'ok' };
    if (this.lastFailure) return { state: 'failed', ...this.lastFailure, fetching: this.inflight !== undefined };
    if (this.cached) return { state: 'ok' };
    return { state: 'unknown', fetching: this.inflight !== undefined };
  }

  private adopt(c: CachedToken): string {
    registerRotatingSecret(c.token);
    this.cached = c;
    return c.token;
  }

  private async fetch(): Promise<{ cached: CachedToken; ttlMs: number }> {
    const { token, expiresInSec } = await withRetry(() => {
      this.opts.onFetch?.();
      return this.provider.fetch();
    }, this.retry);
    const ttlMs = expiresInSec * 1000;
    return { cached: { token, refreshAt: this.now() + ttlMs - Math.min(this.marginMs, ttlMs / 2) }, ttlMs };
  }

  private async obtain(): Promise<string> {
    const shared = this.opts.shared;
    if (!shared) return this.adopt((await this.fetch()).cached);
    const fresh = (c: CachedToken | undefined): c is CachedToken => c !== undefined && this.now() < c.refreshAt;
    const deadline = Date.now() + (this.opts.lockWaitMs ?? 15_000);
    for (;;) {
      const seen = await shared.read();
      if (fresh(seen)) return this.adopt(seen);
      if (await shared.tryLock(30_000)) {
        try {
          const again = await shared.read();
          if (fresh(again)) return this.adopt(again);
          const { cached, ttlMs } = await this.fetch();
          await shared.write(cached, ttlMs);
          return this.adopt(cached);
        } finally {
          await shared.unlock();
        }
      }
      // Another instance is refreshing: wait for it to write the token, not fetch a second one.
      if (Date.now() > deadline) return this.adopt((await this.fetch()).cached);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
