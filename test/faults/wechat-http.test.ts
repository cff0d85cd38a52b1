import { failure } from '../helpers/failure';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createWeChatClient, type WeChatClient, type WeChatSettings } from '../../src/wechat/client';
import type { WeChatError } from '../../src/wechat/errors';
import { MAX_ANSWER_BYTES } from '../../src/wechat/http';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';

// Issue 9: a whole-request deadline, a cap on answer size, and honest words for a cut connection.
// Every bound below is generous: the machine running these may be loaded.

const NOW = new Date('2017-03-20T04:00:00Z');
const WEEK = { beginDate: '20170306', endDate: '20170312' };
const ENDPOINT = 'getweanalysisappidweeklyvisittrend';
const MB = 1024 * 1024;
const TWO = { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 };
const FOUR = { attempts: 4, initialDelayMs: 1, maxDelayMs: 5 };

let sim: WeChatSimulator;
beforeEach(async () => {
  sim = await startSimulator({ now: () => NOW });
});
afterEach(() => sim.close());

function client(s: Partial<WeChatSettings> = {}): WeChatClient {
  return createWeChatClient({
    baseUrl: sim.url,
    appid: sim.appid,
    secret: sim.secret,
    tokenMode: 'stable',
    retry: TWO,
    now: () => NOW,
    timeoutMs: 2000,
    ...s,
  });
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('the timeout is a deadline for the whole request', () => {
  test('an answer dripping a byte every 100 ms fails with a timeout at the deadline, not when the drip ends', async () => {
    // The real answer (~200 bytes) at 10 bytes/s: ~20 s per attempt. An idle-gap timeout of 300 ms never fires.
    sim.inject('datacube', { type: 'drip', intervalMs: 100 }, 10);
    const c = client({ timeoutMs: 300, retry: TWO });
    await c.tokenCache.get();
    const started = Date.now();
    const e = await failure(c.getWeeklyVisitTrend(WEEK));
    const ms = Date.now() - started;
    expect(e.kind).toBe('timeout');
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(new RegExp(`^WeChat did not answer ${ENDPOINT} within \\d+ s\\.`));
    expect(sim.stats.datacubeRequests).toBe(2); // retried, and bounded as before
    expect(ms).toBeGreaterThanOrEqual(2 * 300 - 50);
    expect(ms).toBeLessThan(5000); // 2 x 300 ms + ~1 ms backoff, with room for a loaded machine; the drip would take 40 s
    const streams = await sim.waitForStreams(2);
    for (const s of streams) {
      expect(s.outcome).toBe('client_gone');
      expect(s.bytesWritten).toBeLessThan(s.total);
    }
  });

  test('a token fetch that drips is bounded the same way', async () => {
    // Padded to 100 bytes: 10 s per attempt.
    sim.inject('token', { type: 'drip', intervalMs: 100, bytes: 100 }, 10);
    const c = client({ timeoutMs: 300, retry: TWO });
    const started = Date.now();
    const e = await failure(c.getWeeklyVisitTrend(WEEK));
    const ms = Date.now() - started;
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/^WeChat did not answer the stable_token request within \d+ s\./);
    expect(sim.stats.tokenRequests).toBe(2); // the token cache's own retries, not multiplied
    expect(sim.stats.datacubeRequests).toBe(0);
    expect(ms).toBeLessThan(5000);
    const streams = await sim.waitForStreams(2);
    expect(streams.map((s) => s.outcome)).toEqual(['client_gone', 'client_gone']);
  });

  test("the simulator's close() ends a dripping answer", async () => {
    sim.inject('datacube', { type: 'drip', intervalMs: 100 }, 1);
    const c = client({ timeoutMs: 60_000, retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 } });
    await c.tokenCache.get();
    const call = failure(c.getWeeklyVisitTrend(WEEK));
    await sim.waitForRequests(1);
    await sim.close();
    expect((await call).kind).toBe('connection_cut');
    const [s] = await sim.waitForStreams(1);
    expect(s.outcome).toBe('stopped');
  });
});

describe('answers are capped at 2 MB', () => {
  test('a 50 MB answer is abandoned while streaming: too_large, named, not retried; just under 2 MB is still read', async () => {
    expect(MAX_ANSWER_BYTES).toBe(2 * MB);
    sim.inject('datacube', { type: 'huge', bytes: 50 * MB }, 5);
    const c = client({ retry: FOUR, timeoutMs: 20_000 });
    const e = await failure(c.getWeeklyVisitTrend(WEEK));
    expect(e.kind).toBe('too_large');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(ENDPOINT);
    expect(e.message).toContain('2 MB');
    expect(e.message).toMatch(/from WeChat or from a proxy/);
    expect(e.message).toMatch(/WECHAT_API_BASE_URL/);
    expect(sim.stats.datacubeRequests).toBe(1); // the same answer would come again
    // The client hung up before the simulator had written the answer: it was never read in full.
    const [s] = await sim.waitForStreams(1);
    expect(s.outcome).toBe('client_gone');
    expect(s.bytesWritten).toBeLessThan(20 * MB);

    // An answer just under the cap is still read in full.
    sim.clearFaults();
    sim.inject('datacube', { type: 'huge', bytes: 2 * MB - 1024 }, 1);
    expect((await c.getWeeklyVisitTrend(WEEK)).list).toEqual([]);
    const [, under] = await sim.waitForStreams(2);
    expect(under.outcome).toBe('finished');
  });

  test('an oversized token answer is not retried either', async () => {
    sim.inject('token', { type: 'huge', bytes: 5 * MB }, 5);
    const c = client({ retry: FOUR });
    const e = await failure(c.getWeeklyVisitTrend(WEEK));
    expect(e.kind).toBe('too_large');
    expect(e.message).toContain('the stable_token request');
    expect(sim.stats.tokenRequests).toBe(1);
    expect(sim.stats.datacubeRequests).toBe(0);
    const [s] = await sim.waitForStreams(1);
    expect(s.outcome).toBe('client_gone');
  });
});

describe('a cut connection is not blamed on network access', () => {
  test('WeChat cutting the connection mid-answer: retried, then a message that says so; a single cut heals on retry', async () => {
    sim.inject('datacube', { type: 'cut' }, 10);
    const c = client();
    const e = await failure(c.getWeeklyVisitTrend(WEEK));
    expect(e.kind).toBe('connection_cut');
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(new RegExp(`WeChat \\(or a proxy in between\\) dropped the connection while answering ${ENDPOINT}`));
    expect(e.message).toMatch(/retried.*try again in a few minutes/);
    expect(e.message).not.toMatch(/Could not reach|network access|WECHAT_API_BASE_URL/);
    expect(sim.stats.datacubeRequests).toBe(2);
    const streams = await sim.waitForStreams(2);
    for (const s of streams) {
      expect(s.outcome).toBe('cut');
      expect(s.bytesWritten).toBeGreaterThan(0); // part of the answer had arrived
    }

    // A cut that does not repeat is retried and the call succeeds.
    sim.clearFaults();
    sim.inject('datacube', { type: 'cut' }, 1);
    expect((await c.getWeeklyVisitTrend(WEEK)).list).toHaveLength(1);
    expect(sim.stats.datacubeRequests).toBe(4);
  });

  test('a token answer cut mid-way says the same', async () => {
    sim.inject('token', { type: 'cut' }, 10);
    const e = await failure(client().getWeeklyVisitTrend(WEEK));
    expect(e.kind).toBe('connection_cut');
    expect(e.message).toMatch(/dropped the connection while answering the stable_token request/);
    expect(sim.stats.tokenRequests).toBe(2);
  });

  test('connection refused still says WeChat could not be reached, and what to check', async () => {
    const c = client({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    const e = await failure(c.getWeeklyVisitTrend(WEEK));
    expect(e.kind).toBe('network');
    expect(e.retryable).toBe(false); // final: the token cache already retried its fetch
    expect(e.message).toMatch(/^Could not reach WeChat for the stable_token request \(ECONNREFUSED\)\./);
    expect(e.message).toMatch(/network access, DNS and any outbound proxy, and WECHAT_API_BASE_URL/);
    expect(e.message).not.toMatch(/dropped/);
  });
});

describe('secrets', () => {
  test('no access_token or AppSecret in any of these errors, for datacube calls and token fetches alike', async () => {
    // Classic mode sends the AppSecret in the query string; datacube calls carry the access_token in theirs.
    const settings = { tokenMode: 'classic' as const, timeoutMs: 300, retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 } };
    const faults = [{ type: 'drip', intervalMs: 100 }, { type: 'huge', bytes: 3 * MB }, { type: 'cut' }] as const;
    const seen: { kind: string; e: WeChatError }[] = [];
    const tokens: string[] = [];
    for (const fault of faults) {
      const c = client(settings);
      tokens.push(await c.tokenCache.get());
      sim.inject('datacube', fault, 1);
      seen.push({ kind: fault.type, e: await failure(c.getWeeklyVisitTrend(WEEK)) });
    }
    for (const fault of faults) {
      sim.inject('token', fault, 1);
      seen.push({ kind: fault.type, e: await failure(client(settings).getWeeklyVisitTrend(WEEK)) });
    }
    const expected: Record<string, string> = { drip: 'timeout', huge: 'too_large', cut: 'connection_cut' };
    for (const { kind, e } of seen) {
      expect(e.kind).toBe(expected[kind]);
      const dump = JSON.stringify({ m: e.message, s: e.stack, e });
      for (const t of tokens) expect(dump).not.toContain(t);
      expect(dump).not.toContain(sim.secret);
      expect(dump).not.toMatch(/SBX[0-9a-f]{8}/); // no token the simulator issued, whole or in part
      expect(dump).not.toMatch(/access_token=|secret=|127\.0\.0\.1/);
    }
  });
});
