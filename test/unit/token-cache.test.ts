import { createHttp } from '../../src/wechat/http';
import { WeChatError } from '../../src/wechat/errors';
import { ClassicTokenProvider, ExternalTokenProvider, StableTokenProvider, TokenCache } from '../../src/wechat/token';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const FAST = { attempts: 4, initialDelayMs: 1, maxDelayMs: 5 };

describe('TokenCache against the WeChat simulator', () => {
  let sim: WeChatSimulator;
  let clock: number;
  beforeEach(async () => {
    clock = Date.parse('2017-03-20T04:00:00Z');
    sim = await startSimulator({ now: () => new Date(clock), tokenTtlSec: 7200 });
  });
  afterEach(() => sim.close());

  const stable = () => new StableTokenProvider(createHttp(sim.url, 2000), sim.appid, sim.secret);
  const classic = () => new ClassicTokenProvider(createHttp(sim.url, 2000), sim.appid, sim.secret);

  test('100 concurrent callers on a cold cache share one token request', async () => {
    const cache = new TokenCache(stable(), { now: () => clock, retry: FAST });
    const tokens = await Promise.all(Array.from({ length: 100 }, () => cache.get()));
    expect(new Set(tokens).size).toBe(1);
    expect(sim.stats.tokenRequests).toBe(1);
    expect(sim.stats.byPath['/cgi-bin/stable_token']).toBe(1);
  });

  test('the token is reused until shortly before expires_in, then refreshed once', async () => {
    const cache = new TokenCache(classic(), { now: () => clock, refreshMarginMs: 300_000, retry: FAST });
    const first = await cache.get();
    clock += 6_800_000; // 6800 s: still outside the 300 s margin
    expect(await cache.get()).toBe(first);
    expect(sim.stats.tokenRequests).toBe(1);
    clock += 200_000; // 7000 s: inside the margin
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect(a).toBe(b);
    expect(a).not.toBe(first);
    expect(sim.stats.tokenRequests).toBe(2);
  });

  test('TTL comes from expires_in: a short answer means an early refresh', async () => {
    await sim.close();
    sim = await startSimulator({ now: () => new Date(clock), tokenTtlSec: 120 });
    const cache = new TokenCache(classic(), { now: () => clock, refreshMarginMs: 300_000, retry: FAST });
    await cache.get();
    clock += 59_000; // margin is capped at half the TTL (60 s)
    await cache.get();
    expect(sim.stats.tokenRequests).toBe(1);
    clock += 2_000;
    await cache.get();
    expect(sim.stats.tokenRequests).toBe(2);
  });

  test('invalidate drops the cached token only if it is still the one that failed', async () => {
    const cache = new TokenCache(classic(), { now: () => clock, retry: FAST });
    const t1 = await cache.get();
    cache.invalidate('some-older-token');
    expect(await cache.get()).toBe(t1);
    expect(sim.stats.tokenRequests).toBe(1);
    cache.invalidate(t1);
    const t2 = await cache.get();
    expect(t2).not.toBe(t1);
    cache.invalidate(t1); // a late failure report for t1 must not throw away t2
    expect(await cache.get()).toBe(t2);
    expect(sim.stats.tokenRequests).toBe(2);
  });

  test('stable mode never forces a refresh: the same token comes back while valid', async () => {
    const a = new TokenCache(stable(), { now: () => clock, retry: FAST });
    const b = new TokenCache(stable(), { now: () => clock, retry: FAST }); // "another server"
    expect(await a.get()).toBe(await b.get());
  });

  test('transient failures are retried with backoff; configuration errors are not', async () => {
    sim.inject('token', { type: 'errcode', errcode: -1 }, 2);
    const cache = new TokenCache(stable(), { now: () => clock, retry: FAST });
    await expect(cache.get()).resolves.toMatch(/^SBX/);
    expect(sim.stats.tokenRequests).toBe(3);

    const bad = new TokenCache(new StableTokenProvider(createHttp(sim.url, 2000), sim.appid, 'wrong-secret-123'), { retry: FAST });
    const e = await bad.get().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WeChatError);
    expect((e as WeChatError).kind).toBe('bad_credentials');
    expect((e as WeChatError).message).toContain('WECHAT_SECRET');
    expect((e as WeChatError).message).not.toContain('wrong-secret-123');
    expect(sim.stats.tokenRequests).toBe(4);
  });

  test('a failed fetch is not cached: the next caller tries again', async () => {
    sim.inject('token', { type: 'errcode', errcode: 40164, errmsg: 'invalid ip 1.2.3.4' });
    const cache = new TokenCache(stable(), { now: () => clock, retry: FAST });
    await expect(cache.get()).rejects.toThrow(/1\.2\.3\.4/);
    await expect(cache.get()).resolves.toMatch(/^SBX/);
  });
});

describe('ExternalTokenProvider', () => {
  test('reads {access_token, expires_in} from the central token service', async () => {
    let calls = 0;
    const server = http.createServer((_req, res) => {
      calls++;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: 'CENTRAL-TOKEN-123456', expires_in: 3600 }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?key=hunter2hunter2`;
    try {
      const cache = new TokenCache(new ExternalTokenProvider(createHttp('http://unused.invalid', 2000), url), { retry: FAST });
      const all = await Promise.all([cache.get(), cache.get(), cache.get()]);
      expect(all).toEqual(['CENTRAL-TOKEN-123456', 'CENTRAL-TOKEN-123456', 'CENTRAL-TOKEN-123456']);
      expect(calls).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test('a down token service gives an actionable error without the URL query', async () => {
    const cache = new TokenCache(
      new ExternalTokenProvider(createHttp('http://unused.invalid', 500), 'http://127.0.0.1:9/token?key=hunter2hunter2'),
      {
        retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      },
    );
    const e = (await cache.get().catch((x: unknown) => x)) as WeChatError;
    expect(e.kind).toBe('token_service');
    expect(e.message).toContain('WECHAT_TOKEN_URL');
    expect(e.message).not.toContain('hunter2');
  });
});
