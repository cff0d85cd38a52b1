import { failure } from '../helpers/failure';
import { randomBytes, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createLogger } from '../../src/log';
import { selfSignedCertificate } from '../../src/sandbox/cert';
import type { Fault } from '../../src/sandbox/server';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import type { SecurityFault } from '../../src/sandbox/security';
import { createWeChatClient, type WeChatClient, type WeChatSettings } from '../../src/wechat/client';
import { WeChatSecurityError, type SecurityProblem } from '../../src/wechat/errors';
import type { SecurityKeys } from '../../src/wechat/security';
import { LogCapture } from '../helpers/harness';

// The WeChat client in API security mode against the simulator enforcing it: the same figures as
// in plain mode; every way an answer can fail verification is refused, typed, not retried, not cached.

const NOW = new Date('2017-03-20T04:00:00Z');
const WEEK = { beginDate: '20170306', endDate: '20170312' };
const FAST = { attempts: 4, initialDelayMs: 1, maxDelayMs: 5 };

let sim: WeChatSimulator;
beforeAll(async () => {
  sim = await startSimulator({ now: () => NOW, security: true });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.clearFaults();
  sim.security?.finishRotation();
  if (sim.security) sim.security.enforce = true;
});

function keys(over: Partial<SecurityKeys> = {}): SecurityKeys {
  return { ...sim.security!.clientKeys(sim.appid), ...over };
}

function client(s: Partial<WeChatSettings> = {}): WeChatClient {
  return createWeChatClient({
    baseUrl: sim.url,
    appid: sim.appid,
    secret: sim.secret,
    tokenMode: 'stable',
    retry: FAST,
    now: () => NOW,
    timeoutMs: 5000,
    security: keys(),
    ...s,
  });
}

describe('API security mode against the simulator (enforced)', () => {
  test('every analytics call is encrypted and signed, and the figures are those of plain mode', async () => {
    const plainSim = await startSimulator({ now: () => NOW });
    try {
      const plain = createWeChatClient({
        baseUrl: plainSim.url,
        appid: plainSim.appid,
        secret: plainSim.secret,
        tokenMode: 'stable',
        now: () => NOW,
      });
      const secure = client();
      const before = { ...sim.stats };
      const [a, b] = await Promise.all([secure.getWeeklyRetain(WEEK), plain.getWeeklyRetain(WEEK)]);
      expect(a).toEqual(b);
      expect(await secure.getWeeklyVisitTrend(WEEK)).toEqual(await plain.getWeeklyVisitTrend(WEEK));
      expect(await secure.getVisitDistribution('20170313')).toEqual(await plain.getVisitDistribution('20170313'));
      expect(await secure.getUserPortrait('20170312', 7)).toEqual(await plain.getUserPortrait('20170312', 7));
      expect(await secure.getPerformance(10017, '20170301', '20170310')).toEqual(await plain.getPerformance(10017, '20170301', '20170310'));
      expect(sim.stats.secureRequests - before.secureRequests).toBe(5);
      expect(sim.stats.securityRefusals).toBe(before.securityRefusals);
      // The token endpoints are not encrypted (one plain token request).
      expect(sim.stats.tokenRequests - before.tokenRequests).toBe(1);
    } finally {
      await plainSim.close();
    }
  });

  test("a plain call is refused with WeChat's errcode, in words that say which settings to set, and not retried", async () => {
    const before = sim.stats.datacubeRequests;
    const e = await failure(client({ security: undefined }).getWeeklyRetain(WEEK));
    expect(e).toBeInstanceOf(WeChatSecurityError);
    expect(e.kind).toBe('security');
    expect(e.code).toBe(40233);
    expect(e.message).toMatch(
      /expects getweanalysisappidweeklyretaininfo signed and encrypted .* no Wechatmp-Appid header\. Set WECHAT_SECURITY_SYM_KEY/,
    );
    expect(sim.stats.datacubeRequests - before).toBe(1);
  });

  test.each<[string, SecurityFault, SecurityProblem, RegExp]>([
    [
      'a tampered signature',
      { type: 'tamper_signature' },
      'bad_signature',
      /failed its signature check with platform certificate \w+: it was changed on the way/,
    ],
    ['a tampered answer', { type: 'tamper_answer' }, 'bad_signature', /failed its signature check/],
    [
      'an unknown certificate number',
      { type: 'unknown_serial' },
      'unknown_serial',
      /was signed with platform certificate \w{32}, which is not configured: download the current platform certificate/,
    ],
    [
      'a stale timestamp',
      { type: 'stale_timestamp' },
      'stale',
      /was signed at 2017-03-20T03:50:00\.000Z, 10 minutes before this server's clock/,
    ],
    [
      'another symmetric key',
      { type: 'wrong_key' },
      'undecryptable',
      /could not be decrypted with symmetric key \w+: WECHAT_SECURITY_SYM_KEY or WECHAT_SECURITY_SYM_SN/,
    ],
    ["another mini program's answer", { type: 'wrong_appid' }, 'wrong_app', /is for mini program wx0000000000other, not wx00000000sandbox/],
    ['no signature at all', { type: 'unsigned' }, 'unsigned', /was not signed, though this bot calls WeChat in API security mode/],
  ])('%s: a typed error, one request, nothing cached', async (_name, fault, problem, words) => {
    const results = new Map<string, unknown>();
    const cache = { get: async (k: string) => results.get(k), set: async (k: string, v: unknown) => void results.set(k, v) };
    const c = client({ results: cache });
    await c.tokenCache.get();
    sim.inject('datacube', fault as Fault, 5);
    const before = sim.stats.datacubeRequests;
    const e = await failure(c.getWeeklyRetain(WEEK));
    expect(e).toBeInstanceOf(WeChatSecurityError);
    expect((e as WeChatSecurityError).problem).toBe(problem);
    expect(e.kind).toBe('security');
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(words);
    expect(e.message).toMatch(/The answer was not used\./);
    expect(sim.stats.datacubeRequests - before).toBe(1);
    expect(results.size).toBe(0);
    expect(c.securityHealth()).toMatchObject({ state: 'failed', reason: e.message });
    sim.clearFaults();
    expect((await c.getWeeklyRetain(WEEK)).refDate).toBe('20170306-20170312');
    expect(c.securityHealth()).toEqual({ state: 'ok' });
  });

  test('a verified errcode is an ordinary error (retried when WeChat is busy)', async () => {
    const c = client();
    sim.inject('datacube', { type: 'errcode', errcode: -1 }, 2);
    expect((await c.getWeeklyRetain(WEEK)).refDate).toBe('20170306-20170312');
    sim.inject('datacube', { type: 'errcode', errcode: 61501 }, 1);
    expect((await failure(c.getWeeklyRetain({ beginDate: '20170227', endDate: '20170305' }))).kind).toBe('bad_dates');
  });

  test('tokens revoked: the verified 40001 refreshes the token once, and the call succeeds', async () => {
    const c = client();
    await c.getWeeklyRetain(WEEK);
    const tokens = sim.stats.tokenRequests;
    sim.revokeTokens();
    expect((await c.getWeeklyVisitTrend(WEEK)).list).toHaveLength(1);
    expect(sim.stats.tokenRequests - tokens).toBe(1);
  });

  test("WeChat's refusals of a badly secured request: the wrong private key, symmetric key, key number, clock", async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect((await failure(client({ security: keys({ privateKey: otherKey }) }).getWeeklyRetain(WEEK))).code).toBe(40234);
    expect((await failure(client({ security: keys({ symKey: randomBytes(32) }) }).getWeeklyRetain(WEEK))).code).toBe(40235);
    expect((await failure(client({ security: keys({ symSn: 'ffffffffffffffffffffffffffffffff' }) }).getWeeklyRetain(WEEK))).code).toBe(
      40235,
    );
    const ahead = new Date(NOW.getTime() + 10 * 60_000);
    const e = await failure(client({ now: () => ahead }).getWeeklyRetain(WEEK));
    expect(e.code).toBe(40240);
    expect(e.message).toMatch(/Set this server's clock right \(NTP\)/);
  });

  test('a certificate rotation: answers signed by both; either certificate alone is accepted; the old one alone is flagged', async () => {
    const old = sim.security!.current;
    const next = sim.security!.rotate();
    const logs = new LogCapture();
    const logger = createLogger({ level: 'warn', destination: logs });
    const onlyOld = client({ security: keys({ certs: new Map([[old.sn, new X509Certificate(old.certPem).publicKey]]) }), logger });
    const onlyNew = client({ security: keys({ certs: new Map([[next.sn, new X509Certificate(next.certPem).publicKey]]) }) });
    const both = client();
    for (const c of [onlyOld, onlyNew, both]) expect((await c.getWeeklyRetain(WEEK)).refDate).toBe('20170306-20170312');
    await onlyOld.getWeeklyVisitTrend(WEEK);
    expect(logs.lines).toHaveLength(1); // once, not per call
    expect(logs.text).toContain(`WeChat is retiring platform certificate ${old.sn}`);
    expect(logs.text).toContain('add it to WECHAT_SECURITY_CERTS before the old one stops');

    // The rotation ends: the old certificate signs no more.
    sim.security!.finishRotation();
    const e = await failure(onlyOld.getDailyRetain({ beginDate: '20170313', endDate: '20170313' }));
    expect((e as WeChatSecurityError).problem).toBe('unknown_serial');
    expect(e.message).toContain(`platform certificate ${next.sn}, which is not configured`);
    expect((await onlyNew.getDailyRetain({ beginDate: '20170313', endDate: '20170313' })).refDate).toBe('20170313');
    // A client configured with both before the switch never noticed it.
    expect((await both.getDailyRetain({ beginDate: '20170313', endDate: '20170313' })).refDate).toBe('20170313');
  });

  test('a forged certificate with the right number does not verify', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = new X509Certificate(selfSignedCertificate({ publicKey, privateKey, commonName: 'x', notBefore: NOW, notAfter: NOW }));
    const c = client({ security: keys({ certs: new Map([[sim.security!.current.sn, forged.publicKey]]) }) });
    expect(((await failure(c.getWeeklyRetain(WEEK))) as WeChatSecurityError).problem).toBe('bad_signature');
  });

  test('readiness: one signed call, cached; after a failure, at most one call per 30 s', async () => {
    const c = client();
    expect(c.securityHealth()).toEqual({ state: 'unknown' });
    const before = sim.stats.secureRequests;
    const answers = await Promise.all([c.securityReadiness(), c.securityReadiness(), c.securityReadiness()]);
    expect(answers).toEqual(['ok', 'ok', 'ok']);
    expect(sim.stats.secureRequests - before).toBe(1);
    expect(await c.securityReadiness()).toBe('ok');
    expect(sim.stats.secureRequests - before).toBe(1);

    const bad = client({ security: keys({ symKey: randomBytes(32) }) });
    const calls = sim.stats.datacubeRequests;
    expect(await bad.securityReadiness()).toMatch(/WeChat could not decrypt the request/);
    expect(await bad.securityReadiness()).toMatch(/WeChat could not decrypt the request/);
    expect(sim.stats.datacubeRequests - calls).toBe(1);
  });

  test("behind a reverse proxy: the signatures cover the URL WeChat sees (WECHAT_SECURITY_URL_BASE), not the proxy's", async () => {
    const behind = await startSimulator({ now: () => NOW, security: { publicUrl: 'https://api.weixin.qq.com' } });
    try {
      const via = (securityUrlBase?: string) =>
        createWeChatClient({
          baseUrl: behind.url,
          appid: behind.appid,
          secret: behind.secret,
          tokenMode: 'stable',
          retry: FAST,
          now: () => NOW,
          security: behind.security!.clientKeys(behind.appid),
          securityUrlBase,
        });
      expect((await failure(via().getWeeklyRetain(WEEK))).code).toBe(40234);
      expect((await via('https://api.weixin.qq.com/').getWeeklyRetain(WEEK)).refDate).toBe('20170306-20170312');
    } finally {
      await behind.close();
    }
  });

  test('security mode not enforced: plain calls pass; signed ones are still verified and answered signed', async () => {
    sim.security!.enforce = false;
    expect((await client({ security: undefined }).getWeeklyRetain(WEEK)).refDate).toBe('20170306-20170312');
    const before = sim.stats.secureRequests;
    expect((await client().getWeeklyRetain(WEEK)).refDate).toBe('20170306-20170312');
    expect(sim.stats.secureRequests - before).toBe(1);
  });
});
