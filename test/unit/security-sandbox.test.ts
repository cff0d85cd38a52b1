import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrograms } from '../../src/apps/factory';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { selfSignedCertificate } from '../../src/sandbox/cert';
import { SimulatorSecurity } from '../../src/sandbox/security';
import { ROOT } from '../helpers/process';

// The sandbox in API security mode: its own key pair and self-signed platform certificate, kept in
// DATA_DIR; SANDBOX_SECURITY=1 runs the sandbox (and so the demo and the CLI) with the mode enforced.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wxa-sandbox-security-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const silent = createLogger({ level: 'silent' });

test('a self-signed certificate made with Node crypto alone: parsed, its own key verifies it, validity as asked', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const notBefore = new Date('2017-01-01T00:00:00Z');
  const notAfter = new Date('2057-06-30T00:00:00Z'); // past 2049: GeneralizedTime
  const cert = new X509Certificate(
    selfSignedCertificate({ publicKey, privateKey, commonName: 'WeChat sandbox platform', notBefore, notAfter }),
  );
  expect(cert.verify(publicKey)).toBe(true);
  expect(cert.subject).toContain('CN=WeChat sandbox platform');
  expect(new Date(cert.validFrom).toISOString()).toBe(notBefore.toISOString());
  expect(new Date(cert.validTo).toISOString()).toBe(notAfter.toISOString());
  expect(cert.publicKey.export({ format: 'pem', type: 'spki' })).toBe(publicKey.export({ format: 'pem', type: 'spki' }));
});

test('the key material written to a folder reads back the same', () => {
  const made = new SimulatorSecurity('wx00000000sandbox', {}, () => new Date());
  const files = made.writeFiles(path.join(dir, 'round'));
  const back = SimulatorSecurity.readFiles(files.dir);
  expect(back?.symKey?.equals(made.symKey)).toBe(true);
  expect(back?.symSn).toBe(made.symSn);
  expect(back?.platform?.[0].sn).toBe(made.current.sn);
  expect(back?.appPrivateKey?.export({ format: 'pem', type: 'pkcs1' })).toBe(made.appPrivateKey.export({ format: 'pem', type: 'pkcs1' }));
  const env = readFileSync(files.envFile, 'utf8');
  expect(env).toContain(`WECHAT_SECURITY_SYM_SN=${made.symSn}\n`);
  expect(env).toContain(`WECHAT_SECURITY_CERTS=${made.current.sn}:${files.certFiles[0].file}\n`);
  expect(SimulatorSecurity.readFiles(path.join(dir, 'nothing-here'))).toBeUndefined();
});

describe('SANDBOX_SECURITY=1', () => {
  test('the sandbox program signs, encrypts and verifies every call; the keys are kept in DATA_DIR for the next start', async () => {
    const dataDir = path.join(dir, 'data');
    const config = loadConfig({ DATA_DIR: dataDir }, 'cli');
    const first = (await createPrograms(config, { SANDBOX_SECURITY: '1' }, { logger: silent })).programs[0];
    try {
      expect(first.sandbox).toBe(true);
      expect(first.client.securityMode).toBe(true);
      expect(first.sandboxSecurity?.dir).toBe(path.join(dataDir, 'sandbox-security'));
      expect(existsSync(first.sandboxSecurity!.envFile)).toBe(true);
      const r = await first.client.getWeeklyRetain({ beginDate: '20170306', endDate: '20170312' });
      expect(r.refDate).toBe('20170306-20170312');
      expect(first.client.securityHealth()).toEqual({ state: 'ok' });
    } finally {
      await first.close();
    }
    const again = (await createPrograms(config, { SANDBOX_SECURITY: 'true' }, { logger: silent })).programs[0];
    try {
      expect(again.sandboxSecurity?.symSn).toBe(first.sandboxSecurity?.symSn);
      expect(again.sandboxSecurity?.certFiles).toEqual(first.sandboxSecurity?.certFiles);
      expect((await again.client.getDailyRetain({ beginDate: '20170313', endDate: '20170313' })).refDate).toBe('20170313');
    } finally {
      await again.close();
    }
  });

  test('off by default, and a value that is not on or off is refused', async () => {
    const config = loadConfig({ DATA_DIR: path.join(dir, 'off') }, 'cli');
    const plain = (await createPrograms(config, {}, { logger: silent })).programs[0];
    expect(plain.client.securityMode).toBe(false);
    expect(plain.sandboxSecurity).toBeUndefined();
    await plain.close();
    await expect(createPrograms(config, { SANDBOX_SECURITY: 'maybe' }, { logger: silent })).rejects.toThrow(ConfigError);
  });

  const built = existsSync(path.join(ROOT, 'dist/src/cli/report.js'));
  (built ? test : test.skip)('the CLI (built) in the sandbox with the mode on: the report, and the same figures as without it', () => {
    const run = (extra: Record<string, string>) =>
      spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli/report.js'), 'retain', 'weekly', '2017-03-06'], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', DATA_DIR: path.join(dir, 'cli'), LOG_LEVEL: 'error', ...extra },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const secure = run({ SANDBOX_SECURITY: '1' });
    expect(secure.stderr).toBe('');
    expect(secure.status).toBe(0);
    const blocks = (o: string) => JSON.parse(readFileSync(path.join(dir, o), 'utf8')).blocks as unknown[];
    const withMode = JSON.stringify(blocks('out/retain-weekly-20170306.blocks.json')).replace(/Generated [^"]*/g, '');
    const plain = run({});
    expect(plain.status).toBe(0);
    const without = JSON.stringify(blocks('out/retain-weekly-20170306.blocks.json')).replace(/Generated [^"]*/g, '');
    expect(withMode).toBe(without);
  });
});
