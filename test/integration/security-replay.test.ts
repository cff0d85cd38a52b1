import http from 'node:http';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { createWeChatClient } from '../../src/wechat/client';
import { WeChatError, WeChatSecurityError } from '../../src/wechat/errors';

// What WeChat's signature does not cover: which request an answer belongs to, and unsigned errcodes.
// A proxy between the bot and the enforcing simulator replays or forges answers.

const NOW = new Date('2017-03-20T04:00:00Z');

type Rewrite = (url: string, headers: http.IncomingHttpHeaders, body: Buffer) => { headers: Record<string, string>; body: Buffer };

function proxyTo(target: string, rewrite: Rewrite): Promise<http.Server> {
  const proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(target);
      const fwd = http.request({ host: u.hostname, port: u.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        const b: Buffer[] = [];
        r.on('data', (c: Buffer) => b.push(c));
        r.on('end', () => {
          const out = rewrite(req.url ?? '', r.headers, Buffer.concat(b));
          res.writeHead(200, { ...out.headers, 'content-type': 'application/json', 'content-length': String(out.body.length) });
          res.end(out.body);
        });
      });
      fwd.end(Buffer.concat(chunks));
    });
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(proxy)));
}

const signatureHeaders = (h: http.IncomingHttpHeaders) =>
  Object.fromEntries(
    Object.entries(h)
      .filter(([k]) => k.startsWith('wechatmp-'))
      .map(([k, v]) => [k, String(v)]),
  );

describe('API security mode: answers bound to their request', () => {
  let sim: WeChatSimulator;
  let proxy: http.Server;
  afterEach(async () => {
    await new Promise<void>((r) => proxy.close(() => r()));
    await sim.close();
  });

  function client(rewrite: Rewrite, cache: Map<string, unknown>, tokenMode: 'stable' | 'classic' = 'stable') {
    return proxyTo(sim.url, rewrite).then((p) => {
      proxy = p;
      const port = (p.address() as { port: number }).port;
      const keys = sim.security?.clientKeys(sim.appid);
      if (!keys) throw new Error('the simulator is not in security mode');
      return createWeChatClient({
        baseUrl: `http://127.0.0.1:${port}`,
        securityUrlBase: sim.url,
        appid: sim.appid,
        secret: sim.secret,
        tokenMode,
        now: () => NOW,
        security: keys,
        retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
        results: { get: async (k) => cache.get(k), set: async (k, v) => void cache.set(k, v) },
      });
    });
  }

  test('a signed answer for one week replayed for another is refused and not cached', async () => {
    sim = await startSimulator({ now: () => NOW, security: true });
    let saved: { headers: Record<string, string>; body: Buffer } | undefined;
    const cache = new Map<string, unknown>();
    const c = await client((url, h, body) => {
      if (!url.includes('datacube')) return { headers: signatureHeaders(h), body };
      saved ??= { headers: signatureHeaders(h), body };
      return saved;
    }, cache);
    const a = await c.getWeeklyRetain({ beginDate: '20170102', endDate: '20170108' });
    expect(a.refDate).toBe('20170102-20170108');
    const cachedBefore = cache.size;
    const b = c.getWeeklyRetain({ beginDate: '20170109', endDate: '20170115' });
    await expect(b).rejects.toBeInstanceOf(WeChatSecurityError);
    await expect(b).rejects.toMatchObject({ problem: 'mismatched', kind: 'security' });
    expect(cache.size).toBe(cachedBefore);
  });

  test('forged unsigned errcodes only fail the call: no token refetch, no retries, no attacker text', async () => {
    sim = await startSimulator({ now: () => NOW, security: true });
    let forged = 0;
    const c = await client(
      (url, h, body) => {
        if (!url.includes('datacube')) return { headers: signatureHeaders(h), body };
        forged++;
        const errcode = forged % 2 === 0 ? 40001 : 40164;
        return { headers: {}, body: Buffer.from(JSON.stringify({ errcode, errmsg: 'invalid ip 6.6.6.6, see https://evil.example' })) };
      },
      new Map(),
      'classic',
    );
    await c.tokenCache.get();
    const tokensBefore = sim.stats.tokenRequests;
    const errors: unknown[] = [];
    for (let i = 1; i <= 4; i++) {
      await c.getDailyRetain({ beginDate: `2017030${i}`, endDate: `2017030${i}` }).catch((e: unknown) => errors.push(e));
    }
    expect(sim.stats.tokenRequests).toBe(tokensBefore);
    expect(forged).toBe(4); // one request each: nothing retried
    for (const e of errors) {
      expect(e).toBeInstanceOf(WeChatError);
      expect((e as Error).message).not.toMatch(/6\.6\.6\.6|evil/);
    }
  });
});
