import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAppsFile } from '../../src/apps/config';
import { createPrograms } from '../../src/apps/factory';
import { parseCertList, readSecurity, type SecuritySource } from '../../src/apps/security';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger, redact } from '../../src/log';
import { selfSignedCertificate } from '../../src/sandbox/cert';
import { startSimulator } from '../../src/sandbox/server';
import { ENV_SETTING_NAMES } from '../../src/wechat/security';

const APP = { WECHAT_APPID: 'wx1234567890abcdef', WECHAT_SECRET: 'app-secret-123456' };
const SYM_KEY = randomBytes(32).toString('base64');

let dir: string;
let keyFile: string;
let certFile: string;
let keyPem: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wxa-security-config-'));
  const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keyPem = app.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  keyFile = path.join(dir, 'app.pem');
  writeFileSync(keyFile, keyPem);
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  certFile = path.join(dir, 'platform.pem');
  writeFileSync(
    certFile,
    selfSignedCertificate({ ...platform, commonName: 'p', notBefore: new Date('2020-01-01'), notAfter: new Date('2040-01-01') }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env, 'cli');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const FULL = {
  ...APP,
  WECHAT_SECURITY_SYM_KEY: SYM_KEY,
  WECHAT_SECURITY_SYM_SN: 'fa05fe1e5bcc79b81ad5ad4b58acf787',
  get WECHAT_SECURITY_PRIVATE_KEY_FILE() {
    return keyFile;
  },
  get WECHAT_SECURITY_CERTS() {
    return `79ba700ea147819f640941bceb38b1d1:${certFile}`;
  },
};

describe('the four settings', () => {
  test('security mode is on when the symmetric key is set, and then the other three are required, each named', () => {
    const said = problem({ ...APP, WECHAT_SECURITY_SYM_KEY: SYM_KEY });
    for (const name of ['WECHAT_SECURITY_SYM_SN', 'WECHAT_SECURITY_PRIVATE_KEY_FILE', 'WECHAT_SECURITY_CERTS']) {
      expect(said).toContain(`${name} is required when WECHAT_SECURITY_SYM_KEY is set (API security mode)`);
    }
    expect(said).not.toContain(SYM_KEY);
    expect(() => loadConfig({ ...FULL }, 'cli')).not.toThrow();
  });

  test('a part without the symmetric key says the key is what turns the mode on', () => {
    expect(problem({ ...APP, WECHAT_SECURITY_SYM_SN: 'abc' })).toContain(
      'WECHAT_SECURITY_SYM_KEY is required when WECHAT_SECURITY_SYM_SN is set: API security mode is on when the symmetric key is set',
    );
  });

  test.each([
    [{ WECHAT_SECURITY_SYM_KEY: randomBytes(16).toString('base64') }, /WECHAT_SECURITY_SYM_KEY must be the base64 of a 32-byte key/],
    [{ WECHAT_SECURITY_SYM_KEY: 'not base64 at all!' }, /WECHAT_SECURITY_SYM_KEY must be the base64 of a 32-byte key/],
    [{ WECHAT_SECURITY_SYM_SN: 'fa05 fe1e' }, /WECHAT_SECURITY_SYM_SN must be the symmetric key's number/],
    [{ WECHAT_SECURITY_CERTS: '/etc/cert.pem' }, /WECHAT_SECURITY_CERTS must be the platform certificates as <number>:<file.pem>/],
    [{ WECHAT_SECURITY_URL_BASE: 'nope' }, /WECHAT_SECURITY_URL_BASE must be the URL WeChat itself sees/],
    [{ WECHAT_SECURITY_URL_BASE: 'https://api.weixin.qq.com/datacube' }, /WECHAT_SECURITY_URL_BASE must be a scheme and host only/],
  ])('%j is refused, naming the setting', (over, words) => {
    expect(problem({ ...FULL, ...over })).toMatch(words);
  });

  test("WECHAT_SECURITY_URL_BASE alone: fine with WECHAT_APPS_FILE (it serves the file's mini programs), not with WECHAT_APPID", () => {
    expect(() => loadConfig({ WECHAT_APPS_FILE: 'apps.yaml', WECHAT_SECURITY_URL_BASE: 'https://api.weixin.qq.com' }, 'cli')).not.toThrow();
    expect(problem({ ...APP, WECHAT_SECURITY_URL_BASE: 'https://api.weixin.qq.com' })).toMatch(
      /WECHAT_SECURITY_SYM_KEY is required when WECHAT_SECURITY_URL_BASE is set/,
    );
  });

  test('with WECHAT_APPS_FILE, or with no AppID, the settings have no mini program to apply to', () => {
    expect(problem({ ...FULL, WECHAT_APPS_FILE: 'apps.yaml' })).toMatch(
      /WECHAT_SECURITY_SYM_KEY is for WECHAT_APPID's mini program: with WECHAT_APPS_FILE/,
    );
    const { WECHAT_APPID: _a, WECHAT_SECRET: _s, ...noApp } = FULL;
    expect(problem(noApp)).toMatch(/WECHAT_SECURITY_SYM_KEY needs WECHAT_APPID \(the sandbox makes its own keys: SANDBOX_SECURITY=1\)/);
  });

  test('WECHAT_SECURITY_CERTS: one or two certificates by number', () => {
    expect(parseCertList('79ba:/a/b.pem, 2171:c.pem')).toEqual([
      { sn: '79ba', file: '/a/b.pem' },
      { sn: '2171', file: 'c.pem' },
    ]);
    expect(parseCertList('C:\\certs\\a.pem')).toEqual([{ sn: 'C', file: '\\certs\\a.pem' }]);
    expect(parseCertList('no-number')).toBeUndefined();
  });
});

describe('the key files, read at start', () => {
  const source = (over: Partial<SecuritySource> = {}): SecuritySource => ({
    appid: APP.WECHAT_APPID,
    symKey: SYM_KEY,
    symSn: 'fa05fe1e5bcc79b81ad5ad4b58acf787',
    privateKeyFile: keyFile,
    certs: [{ sn: '79ba700ea147819f640941bceb38b1d1', file: certFile }],
    names: ENV_SETTING_NAMES,
    ...over,
  });
  const problems = (over: Partial<SecuritySource>) => {
    const r = readSecurity(source(over));
    if (r.ok) throw new Error('expected problems');
    return r.problems.join('\n');
  };

  test('good files: the keys, and every secret form registered with the redactor', () => {
    const r = readSecurity(source(), new Date('2030-01-01'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.keys.certs.has('79ba700ea147819f640941bceb38b1d1')).toBe(true);
    expect(r.warnings).toEqual([]);
    for (const line of keyPem.split('\n').filter((l) => l && !l.startsWith('-----'))) expect(redact(`key ${line}`)).toBe('key [REDACTED]');
    expect(redact(`sym ${SYM_KEY}`)).toBe('sym [REDACTED]');
    expect(redact(Buffer.from(SYM_KEY, 'base64').toString('hex'))).toBe('[REDACTED]');
  });

  test('a missing file names the setting and the path', () => {
    expect(problems({ privateKeyFile: path.join(dir, 'nope.pem') })).toMatch(
      new RegExp(`^WECHAT_SECURITY_PRIVATE_KEY_FILE ${path.join(dir, 'nope.pem')} cannot be read: ENOENT`),
    );
    expect(problems({ certs: [{ sn: 'abc', file: path.join(dir, 'nope.pem') }] })).toMatch(
      /^WECHAT_SECURITY_CERTS: certificate abc's file .* cannot be read/,
    );
  });

  test('a bad PEM is a clear error naming the setting', () => {
    const junk = path.join(dir, 'junk.pem');
    writeFileSync(junk, '-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n');
    expect(problems({ privateKeyFile: junk })).toBe(
      `WECHAT_SECURITY_PRIVATE_KEY_FILE ${junk} is not a private key in PEM (PKCS#1 or PKCS#8): use the private key file the admin console gave you`,
    );
    expect(problems({ certs: [{ sn: 'abc', file: junk }] })).toBe(
      `WECHAT_SECURITY_CERTS: certificate abc's file ${junk} is not an X.509 certificate (PEM): download the platform certificate from the admin console`,
    );
    // The two swapped: the certificate as the private key, the private key as a certificate.
    expect(problems({ privateKeyFile: certFile, certs: [{ sn: 'abc', file: keyFile }] })).toMatch(
      /PRIVATE_KEY_FILE .* is not a private key[\s\S]*certificate abc's file .* is not an X\.509 certificate/,
    );
  });

  test('an SM2/EC key is refused: this bot signs RSAwithSHA256', () => {
    const ec = path.join(dir, 'ec.pem');
    writeFileSync(ec, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(problems({ privateKeyFile: ec })).toMatch(/is a ec key: this bot signs with RSAwithSHA256, so choose RSA/);
  });

  test('an RSA key shorter than 2048 bits is refused at start, not at every call', () => {
    const small = path.join(dir, 'small.pem');
    writeFileSync(small, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs1' }));
    expect(problems({ privateKeyFile: small })).toMatch(/is a 1024-bit RSA key: use the 2048-bit key/);
  });

  test('a PKCS#8 key, or a bare base64 key without PEM lines, is read too', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs8 = path.join(dir, 'pkcs8.pem');
    writeFileSync(pkcs8, privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(readSecurity(source({ privateKeyFile: pkcs8 })).ok).toBe(true);
    const bare = path.join(dir, 'bare.txt');
    writeFileSync(bare, privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
    expect(readSecurity(source({ privateKeyFile: bare })).ok).toBe(true);
  });

  test('an expired certificate is a warning, not a stop (during a rotation the old one may linger)', () => {
    const r = readSecurity(source(), new Date('2041-01-01'));
    expect(r.ok && r.warnings[0]).toMatch(
      /^WECHAT_SECURITY_CERTS: platform certificate 79ba700ea147819f640941bceb38b1d1 .* expired on 2040-01-01/,
    );
  });

  test('start-up throws a ConfigError listing every problem', async () => {
    const config = loadConfig({ ...FULL, WECHAT_SECURITY_PRIVATE_KEY_FILE: path.join(dir, 'missing.pem') }, 'cli');
    await expect(createPrograms(config, {}, { logger: createLogger({ level: 'silent' }) })).rejects.toThrow(
      /^Invalid configuration:\n {2}- WECHAT_SECURITY_PRIVATE_KEY_FILE .*missing\.pem cannot be read/,
    );
  });
});

describe('the apps file: security per mini program', () => {
  test('fields by environment variable name and files relative to the apps file; both certificate forms', () => {
    const file = path.join(dir, 'apps.yaml');
    writeFileSync(
      file,
      [
        'apps:',
        '  shop:',
        '    appid: wx1234567890abcdef',
        '    secret_env: SHOP_SECRET',
        '    security:',
        '      sym_key_env: SHOP_SYM_KEY',
        '      sym_sn: fa05fe1e5bcc79b81ad5ad4b58acf787',
        '      private_key_file: app.pem',
        '      certs: { 79ba700ea147819f640941bceb38b1d1: platform.pem }',
        '  game:',
        '    appid: wxfedcba0987654321',
        '    secret_env: GAME_SECRET',
        '    security: { sym_key_env: GAME_SYM_KEY, sym_sn: abc, private_key_file: app.pem, certs: "2171:platform.pem" }',
        '  plain:',
        '    appid: wx1111111111111111',
        '    secret_env: PLAIN_SECRET',
      ].join('\n'),
    );
    const env = {
      SHOP_SECRET: 's-12345678',
      GAME_SECRET: 'g-12345678',
      PLAIN_SECRET: 'p-12345678',
      SHOP_SYM_KEY: SYM_KEY,
      GAME_SYM_KEY: SYM_KEY,
    };
    const apps = loadAppsFile(file, env).apps;
    expect(apps.find((a) => a.name === 'shop')?.security?.certs.has('79ba700ea147819f640941bceb38b1d1')).toBe(true);
    expect(apps.find((a) => a.name === 'game')?.security?.certs.has('2171')).toBe(true);
    expect(apps.find((a) => a.name === 'plain')?.security).toBeUndefined();

    const { GAME_SYM_KEY: _g, ...noGameKey } = env;
    expect(() => loadAppsFile(file, { ...noGameKey, SHOP_SYM_KEY: 'short' })).toThrow(
      /SHOP_SYM_KEY \(apps\.shop\.security\.sym_key_env\) must be the base64 of a 32-byte key[\s\S]*apps\.game\.security\.sym_key_env names GAME_SYM_KEY, which is not set/,
    );
  });

  test('a missing field is named', () => {
    const file = path.join(dir, 'partial.yaml');
    writeFileSync(
      file,
      'apps:\n  shop:\n    appid: wx1234567890abcdef\n    secret_env: SHOP_SECRET\n    security: { sym_key_env: SHOP_SYM_KEY, sym_sn: abc }\n',
    );
    expect(() => loadAppsFile(file, { SHOP_SECRET: 's-12345678' })).toThrow(/apps\.shop\.security\.private_key_file/);
  });

  test('two mini programs of one file against the simulator: the secured one signs, the other calls in the clear', async () => {
    const sim = await startSimulator({
      now: () => new Date('2017-03-20T04:00:00Z'),
      extraApps: [{ appid: 'wx2222222222222222', secret: 'other-secret-1234' }],
      security: true,
    });
    try {
      const keys = sim.security!.writeFiles(path.join(dir, 'sim'));
      const file = path.join(dir, 'sim', 'apps.yaml');
      writeFileSync(
        file,
        [
          'apps:',
          `  shop: { appid: ${sim.appid}, secret_env: SHOP_SECRET, security: { sym_key_env: SHOP_SYM_KEY, sym_sn: ${keys.symSn}, private_key_file: app-private-key.pem, certs: "${keys.certFiles[0].sn}:platform-${keys.certFiles[0].sn}.pem" } }`,
          '  game: { appid: wx2222222222222222, secret_env: GAME_SECRET }',
        ].join('\n'),
      );
      const env = { SHOP_SECRET: sim.secret, GAME_SECRET: 'other-secret-1234', SHOP_SYM_KEY: sim.security!.symKey.toString('base64') };
      const config = loadConfig({ WECHAT_APPS_FILE: file, WECHAT_API_BASE_URL: sim.url }, 'cli');
      const { programs } = await createPrograms(config, env, { logger: createLogger({ level: 'silent' }) });
      const week = { beginDate: '20170306', endDate: '20170312' };
      const [shop, game] = [programs.find((p) => p.name === 'shop')!, programs.find((p) => p.name === 'game')!];
      expect(shop.client.securityMode).toBe(true);
      expect(game.client.securityMode).toBe(false);
      // The clients' own clock (real time) against the simulator's fixed 2017 clock would be stale: only the shapes are checked here.
      await expect(shop.client.getWeeklyRetain(week)).rejects.toMatchObject({ kind: 'security', code: 40240 });
      expect((await game.client.getWeeklyRetain(week)).refDate).toBe('20170306-20170312');
      expect(sim.stats.securityRefusals).toBe(1);
    } finally {
      await sim.close();
    }
  });
});
