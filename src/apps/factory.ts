import path from 'node:path';
import { ConfigError, type Config } from '../config';
import type { Logger } from '../log';
import { registerSecret } from '../log';
import type { Metrics } from '../metrics';
import { type SandboxSecurityFiles, SimulatorSecurity, type SimulatorSecurityOptions } from '../sandbox/security';
import { startSimulator } from '../sandbox/server';
import type { Store } from '../store/types';
import { createWeChatClient, type WeChatSettings } from '../wechat/client';
import { ENV_SETTING_NAMES, type SecurityKeys } from '../wechat/security';
import { loadAppsFile, type AppSpec } from './config';
import type { MiniProgram } from './program';
import { parseCertList, readSecurity } from './security';
import { resultCache, sharedTokens } from './store-adapters';

export interface ProgramDeps {
  logger: Logger;
  /** With a store, the token and datacube answers survive restarts and are shared by instances. */
  shared?: { store: Store; owner: string };
  metrics?: Metrics;
}

/** How many calls a minute one mini program's client may start (WECHAT_CALLS_PER_MINUTE). */
function limits(c: Config): Pick<WeChatSettings, 'callsPerMinute'> {
  return { callsPerMinute: c.WECHAT_CALLS_PER_MINUTE };
}

function hooks(d: ProgramDeps): Pick<WeChatSettings, 'onTokenFetch' | 'onCall' | 'logger'> {
  return {
    logger: d.logger,
    onTokenFetch: d.metrics ? () => d.metrics?.tokenRefreshes.inc() : undefined,
    onCall: d.metrics ? (endpoint, errcode) => d.metrics?.wechatCalls.inc({ endpoint, errcode: String(errcode) }) : undefined,
  };
}

function realProgram(c: Config, spec: AppSpec, d: ProgramDeps): MiniProgram {
  registerSecret(spec.secret);
  for (const w of spec.warnings ?? []) d.logger.warn({ app: spec.name }, w);
  if (spec.security) {
    d.logger.info(
      { app: spec.name, symSn: spec.security.symSn, certificates: [...spec.security.certs.keys()] },
      'API security mode: analytics calls are encrypted and signed, answers verified',
    );
  }
  const client = createWeChatClient({
    ...hooks(d),
    ...limits(c),
    ...(d.shared
      ? { sharedTokens: sharedTokens(d.shared.store, spec.appid, d.shared.owner), results: resultCache(d.shared.store, spec.appid) }
      : {}),
    baseUrl: c.WECHAT_API_BASE_URL,
    timeoutMs: c.WECHAT_TIMEOUT_MS,
    appid: spec.appid,
    secret: spec.secret,
    tokenMode: spec.tokenMode,
    tokenUrl: spec.tokenUrl,
    security: spec.security,
    securityUrlBase: c.WECHAT_SECURITY_URL_BASE,
  });
  return {
    name: spec.name,
    displayName: spec.displayName,
    channels: spec.channels && new Set(spec.channels),
    client,
    sandbox: false,
    close: async () => {},
  };
}

/** SANDBOX_SECURITY: 1/true/on runs the sandbox in API security mode, enforced. */
function sandboxSecurityOn(env: NodeJS.ProcessEnv): boolean {
  const v = (env.SANDBOX_SECURITY ?? '').trim().toLowerCase();
  if (v === '' || v === '0' || v === 'false' || v === 'off') return false;
  if (v === '1' || v === 'true' || v === 'on') return true;
  throw new ConfigError('Invalid configuration:\n  - SANDBOX_SECURITY must be 1 (the sandbox in API security mode) or 0');
}

async function sandboxProgram(c: Config, d: ProgramDeps, env: NodeJS.ProcessEnv): Promise<MiniProgram> {
  if (!sandboxSecurityOn(env)) return startSandbox(c, d);
  // The keys are kept in DATA_DIR, so a restart (and anyone trying the settings) finds the same ones.
  const dir = path.resolve(c.DATA_DIR, 'sandbox-security');
  const kept = SimulatorSecurity.readFiles(dir);
  const material = new SimulatorSecurity('sandbox', kept ?? {}, () => new Date());
  const files = material.writeFiles(dir);
  // The client reads them as it would a real mini program's: the same four settings, the same checks.
  const read = readSecurity({
    appid: '',
    symKey: material.symKey.toString('base64'),
    symSn: material.symSn,
    privateKeyFile: files.privateKeyFile,
    certs: parseCertList(files.certFiles.map((f) => `${f.sn}:${f.file}`).join(',')),
    names: ENV_SETTING_NAMES,
  });
  if (!read.ok) throw new ConfigError(`Invalid configuration:\n${read.problems.map((p) => `  - sandbox keys in ${dir}: ${p}`).join('\n')}`);
  return startSandbox(c, d, {
    sim: {
      enforce: true,
      symKey: material.symKey,
      symSn: material.symSn,
      appPrivateKey: material.appPrivateKey,
      platform: [material.current],
    },
    keys: read.keys,
    files,
  });
}

async function startSandbox(
  c: Config,
  d: ProgramDeps,
  security?: { sim: SimulatorSecurityOptions; keys: SecurityKeys; files: SandboxSecurityFiles },
): Promise<MiniProgram> {
  const sim = await startSimulator(security ? { security: security.sim } : {});
  d.logger.warn({ url: sim.url }, 'WECHAT_APPID is not set: serving sandbox data from the embedded WeChat simulator');
  if (security) {
    d.logger.warn(
      { keys: security.files.dir },
      'SANDBOX_SECURITY: the sandbox runs in API security mode (plain calls refused); its keys and settings are in that folder',
    );
  }
  const client = createWeChatClient({
    ...hooks(d),
    ...limits(c),
    // Each embedded simulator issues its own tokens: keep them out of a store other runs share.
    ...(d.shared ? { results: resultCache(d.shared.store, 'sandbox') } : {}),
    baseUrl: sim.url,
    appid: sim.appid,
    secret: sim.secret,
    tokenMode: c.WECHAT_TOKEN_MODE === 'classic' ? 'classic' : 'stable',
    security: security && { ...security.keys, appid: sim.appid },
  });
  return {
    name: 'sandbox',
    displayName: c.WECHAT_APP_NAME ?? '示例小程序 (sandbox)',
    client,
    sandbox: true,
    sandboxSecurity: security?.files,
    close: () => sim.close(),
  };
}

/**
 * The mini programs of WECHAT_APPS_FILE, or the one of WECHAT_APPID, or (with neither) the
 * embedded simulator (every message then says "sandbox data").
 */
export async function createPrograms(
  c: Config,
  env: NodeJS.ProcessEnv,
  d: ProgramDeps,
): Promise<{ programs: MiniProgram[]; defaultName?: string }> {
  if (c.WECHAT_APPS_FILE) {
    const file = loadAppsFile(c.WECHAT_APPS_FILE, env);
    return { programs: file.apps.map((spec) => realProgram(c, spec, d)), defaultName: file.defaultApp };
  }
  if (c.WECHAT_APPID) {
    const spec: AppSpec = {
      name: 'default',
      appid: c.WECHAT_APPID,
      secret: c.WECHAT_SECRET,
      tokenMode: c.WECHAT_TOKEN_MODE,
      tokenUrl: c.WECHAT_TOKEN_URL,
      displayName: c.WECHAT_APP_NAME ?? c.WECHAT_APPID,
      ...envSecurity(c),
    };
    return { programs: [realProgram(c, spec, d)] };
  }
  return { programs: [await sandboxProgram(c, d, env)] };
}

/** WECHAT_SECURITY_*: read the key files now, so that start-up names what is missing or bad. */
function envSecurity(c: Config): Pick<AppSpec, 'security' | 'warnings'> {
  if (!c.WECHAT_SECURITY_SYM_KEY || !c.WECHAT_APPID) return {};
  const read = readSecurity({
    appid: c.WECHAT_APPID,
    symKey: c.WECHAT_SECURITY_SYM_KEY,
    symSn: c.WECHAT_SECURITY_SYM_SN,
    privateKeyFile: c.WECHAT_SECURITY_PRIVATE_KEY_FILE,
    certs: c.WECHAT_SECURITY_CERTS ? parseCertList(c.WECHAT_SECURITY_CERTS) : undefined,
    names: ENV_SETTING_NAMES,
  });
  if (!read.ok) throw new ConfigError(`Invalid configuration:\n${read.problems.map((p) => `  - ${p}`).join('\n')}`);
  return { security: read.keys, warnings: read.warnings };
}

/** One mini program for the CLI and demo: the single configured one, the file's default, or the sandbox. */
export async function createCliProgram(c: Config, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<MiniProgram> {
  const { programs, defaultName } = await createPrograms(c, env, { logger });
  const chosen = programs.find((p) => p.name === defaultName) ?? programs[0];
  for (const p of programs) if (p !== chosen) await p.close();
  return chosen;
}
