import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrograms } from '../../src/apps/factory';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import type { SandboxSecurityFiles } from '../../src/sandbox/security';
import { startHarness, type Harness } from '../helpers/harness';

// The bot in API security mode, end to end: /retain through Slack, the real client and the
// simulator enforcing the mode (WeChat's side), configured by the four WECHAT_SECURITY_* settings.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wxa-security-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function settings(sim: WeChatSimulator, files: SandboxSecurityFiles): Record<string, string> {
  return {
    WECHAT_SECURITY_SYM_KEY: sim.security!.symKey.toString('base64'),
    WECHAT_SECURITY_SYM_SN: files.symSn,
    WECHAT_SECURITY_PRIVATE_KEY_FILE: files.privateKeyFile,
    WECHAT_SECURITY_CERTS: files.certFiles.map((c) => `${c.sn}:${c.file}`).join(','),
  };
}

/** The summary's blocks with the one part that differs between two runs (the time it was made) taken out. */
function comparable(blocks: unknown): string {
  return JSON.stringify(blocks)
    .replace(/Generated [^"]*?(?=")/g, 'Generated …')
    .replace(/<!date\^\d+\^[^>]*>/g, '<!date>');
}

/** Until the simulator has seen no request for 300 ms: a failed report's other calls are not cancelled, they end on their own. */
async function quiet(sim: WeChatSimulator): Promise<void> {
  let seen = -1;
  while (seen !== sim.stats.datacubeRequests) {
    seen = sim.stats.datacubeRequests;
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function weeklyRetain(h: Harness): Promise<Record<string, unknown>> {
  const done = h.slack.callsTo('files.completeUploadExternal').length;
  const res = await h.command('/retain', 'weekly 2017-03-06');
  expect(res.status).toBe(200);
  await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === done + 1);
  return h.slack.callsTo('chat.postMessage').at(-1)!.args;
}

describe('/retain weekly 2017-03-06 with WeChat enforcing API security mode', () => {
  let secure: Harness;
  let sim: WeChatSimulator;
  let files: SandboxSecurityFiles;
  beforeAll(async () => {
    sim = await startSimulator({ security: true });
    files = sim.security!.writeFiles(path.join(dir, 'keys'));
    secure = await startHarness(settings(sim, files), { sim });
  });
  afterAll(async () => {
    await secure.close();
    await sim.close();
  });

  test('posts the same figures as without it, every call encrypted and signed', async () => {
    const before = sim.stats.secureRequests;
    const securePost = await weeklyRetain(secure);
    expect(sim.stats.secureRequests - before).toBe(9); // retention + 8 weeks of trend
    expect(sim.stats.securityRefusals).toBe(0);

    const plain = await startHarness();
    try {
      const plainPost = await weeklyRetain(plain);
      expect(plain.sim.stats.secureRequests).toBe(0);
      expect(comparable(securePost.blocks)).toBe(comparable(plainPost.blocks));
      expect(securePost.text).toBe(plainPost.text);
      expect(String(securePost.text)).toContain('Weekly retention');
    } finally {
      await plain.close();
    }
  });

  test('/readyz: the signed call succeeded', async () => {
    const r = await fetch(`${secure.baseUrl}/readyz`);
    const body = (await r.json()) as { checks: Record<string, string> };
    expect(body.checks['security:default']).toBe('ok');
    expect(r.status).toBe(200);
  });

  test.each([
    ['a tampered signature', 'tamper_signature', /failed its signature check with platform certificate/],
    [
      'an unknown certificate number',
      'unknown_serial',
      /which is not configured: download the current platform certificate from the admin console/,
    ],
    ['a stale timestamp', 'stale_timestamp', /10 minutes before this server's clock/],
  ] as const)('%s: refused with words an admin can act on, and no report', async (_name, type, words) => {
    const posts = secure.slack.callsTo('chat.postMessage').length;
    const uploads = secure.slack.uploads.length;
    const responses = secure.slack.responses.length;
    sim.inject('datacube', { type }, 50);
    // A period never asked before, so nothing comes from the result cache.
    const res = await secure.command('/retain', 'daily 2017-03-01');
    expect(res.status).toBe(200);
    await secure.slack.waitFor(() => secure.slack.responses.length > responses || secure.slack.callsTo('chat.postMessage').length > posts);
    const said = JSON.stringify(secure.slack.responses.slice(responses).map((r) => r.body));
    expect(said).toMatch(words);
    expect(said).toContain('The answer was not used');
    expect(secure.slack.callsTo('chat.postMessage').length).toBe(posts);
    expect(secure.slack.uploads.length).toBe(uploads);
    const failed = secure.logLines().filter((l) => l.msg === 'wechat call failed' && l.kind === 'security');
    expect(failed.length).toBeGreaterThan(0);
    await quiet(sim);
    sim.clearFaults();
  });

  test('no key material in the logs: not the symmetric key, not a line of the private key', async () => {
    const logs = secure.logs.text;
    expect(logs.length).toBeGreaterThan(1000);
    const symKey = sim.security!.symKey;
    for (const form of [symKey.toString('base64'), symKey.toString('hex'), symKey.toString('base64url')]) expect(logs).not.toContain(form);
    const pem = readFileSync(files.privateKeyFile, 'utf8');
    for (const line of pem.split('\n').filter((l) => l && !l.startsWith('-----'))) expect(logs).not.toContain(line);
    const pkcs8 = sim.security!.appPrivateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    expect(logs).not.toContain(pkcs8.slice(40, 100));
    // What is logged: that the mode is on, with the key's number and the certificates' (not secret).
    expect(logs).toContain('API security mode: analytics calls are encrypted and signed, answers verified');
  });
});

describe('start-up names what is missing or bad', () => {
  test('a private key file that is not a key stops the start with the setting named', async () => {
    const sim = await startSimulator({ security: true });
    try {
      const files = sim.security!.writeFiles(path.join(dir, 'bad'));
      const certFile = files.certFiles[0].file;
      const env = { WECHAT_APPID: sim.appid, WECHAT_SECRET: sim.secret, WECHAT_API_BASE_URL: sim.url, ...settings(sim, files) };
      const config = loadConfig({ ...env, WECHAT_SECURITY_PRIVATE_KEY_FILE: certFile }, 'cli');
      const attempt = createPrograms(config, env, { logger: createLogger({ level: 'silent' }) });
      await expect(attempt).rejects.toThrow(
        `Invalid configuration:\n  - WECHAT_SECURITY_PRIVATE_KEY_FILE ${certFile} is not a private key in PEM (PKCS#1 or PKCS#8): use the private key file the admin console gave you`,
      );
    } finally {
      await sim.close();
    }
  });
});
