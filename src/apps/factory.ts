import type { Config } from '../config';
import type { Logger } from '../log';
import { registerSecret } from '../log';
import type { Metrics } from '../metrics';
import { startSimulator } from '../sandbox/server';
import type { Store } from '../store/types';
import { createWeChatClient, type WeChatSettings } from '../wechat/client';
import { loadAppsFile, type AppSpec } from './config';
import type { MiniProgram } from './program';
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

async function sandboxProgram(c: Config, d: ProgramDeps): Promise<MiniProgram> {
  const sim = await startSimulator();
  d.logger.warn({ url: sim.url }, 'WECHAT_APPID is not set: serving sandbox data from the embedded WeChat simulator');
  const client = createWeChatClient({
    ...hooks(d),
    ...limits(c),
    // Each embedded simulator issues its own tokens: keep them out of a store other runs share.
    ...(d.shared ? { results: resultCache(d.shared.store, 'sandbox') } : {}),
    baseUrl: sim.url,
    appid: sim.appid,
    secret: sim.secret,
    tokenMode: c.WECHAT_TOKEN_MODE === 'classic' ? 'classic' : 'stable',
  });
  return { name: 'sandbox', displayName: c.WECHAT_APP_NAME ?? '示例小程序 (sandbox)', client, sandbox: true, close: () => sim.close() };
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
    };
    return { programs: [realProgram(c, spec, d)] };
  }
  return { programs: [await sandboxProgram(c, d)] };
}

/** One mini program for the CLI and demo: the single configured one, the file's default, or the sandbox. */
export async function createCliProgram(c: Config, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<MiniProgram> {
  const { programs, defaultName } = await createPrograms(c, env, { logger });
  const chosen = programs.find((p) => p.name === defaultName) ?? programs[0];
  for (const p of programs) if (p !== chosen) await p.close();
  return chosen;
}
