import type { AppSpec } from './apps/config';
import { loadAppsFile } from './apps/config';
import type { App } from './apps/directory';
import type { Config } from './config';
import type { ReportJobs } from './jobs';
import type { Logger } from './log';
import { registerSecret } from './log';
import type { Metrics } from './metrics';
import type { RenderedReport, ReportContext } from './pipeline';
import type { ChartRenderer } from './render/pool';
import { SingleFlight } from './util/single-flight';
import { startSimulator, type WeChatSimulator } from './sandbox/server';
import { resultCache, sharedTokens } from './apps/store-adapters';
import type { Store } from './store/types';
import { createWeChatClient, type WeChatSettings } from './wechat/client';

export interface WeChatContext extends ReportContext {
  /** The embedded simulator when running on sandbox data; closed by `close`. */
  sandboxServer?: WeChatSimulator;
  close(): Promise<void>;
}

/** Registers every configured secret with the log redactor. Call once at start-up. */
export function registerConfigSecrets(c: Config): void {
  for (const v of [c.SLACK_BOT_TOKEN, c.SLACK_SIGNING_SECRET, c.SLACK_APP_TOKEN, c.WECHAT_SECRET]) registerSecret(v);
}

export interface ContextDeps {
  logger: Logger;
  /** With a store, the token and datacube answers survive restarts and are shared by instances. */
  shared?: { store: Store; owner: string };
  metrics?: Metrics;
  charts?: ChartRenderer;
  jobs?: ReportJobs;
}

/** What every app's reports share: the render pool and the job queue; and each app's own single-flight. */
function reportExtras(d: ContextDeps): Pick<ReportContext, 'charts' | 'flights' | 'metrics' | 'jobs'> {
  return { charts: d.charts, flights: new SingleFlight<RenderedReport>(), metrics: d.metrics, jobs: d.jobs };
}

function hooks(d: ContextDeps): Pick<WeChatSettings, 'onTokenFetch' | 'onCall' | 'logger'> {
  return {
    logger: d.logger,
    onTokenFetch: d.metrics ? () => d.metrics?.tokenRefreshes.inc() : undefined,
    onCall: d.metrics ? (endpoint, errcode) => d.metrics?.wechatCalls.inc({ endpoint, errcode: String(errcode) }) : undefined,
  };
}

function realContext(c: Config, spec: AppSpec, d: ContextDeps): WeChatContext {
  registerSecret(spec.secret);
  const client = createWeChatClient({
    ...hooks(d),
    ...(d.shared ? { sharedTokens: sharedTokens(d.shared.store, spec.appid, d.shared.owner), results: resultCache(d.shared.store, spec.appid) } : {}),
    baseUrl: c.WECHAT_API_BASE_URL,
    timeoutMs: c.WECHAT_TIMEOUT_MS,
    appid: spec.appid,
    secret: spec.secret,
    tokenMode: spec.tokenMode,
    tokenUrl: spec.tokenUrl,
  });
  return { client, appName: spec.displayName, sandbox: false, timezone: c.REPORT_TIMEZONE, logger: d.logger, ...reportExtras(d), close: async () => {} };
}

async function sandboxContext(c: Config, d: ContextDeps): Promise<WeChatContext> {
  const sim = await startSimulator();
  d.logger.warn({ url: sim.url }, 'WECHAT_APPID is not set: serving sandbox data from the embedded WeChat simulator');
  const client = createWeChatClient({
    ...hooks(d),
    // Each embedded simulator issues its own tokens: keep them out of a store other runs share.
    ...(d.shared ? { results: resultCache(d.shared.store, 'sandbox') } : {}),
    baseUrl: sim.url,
    appid: sim.appid,
    secret: sim.secret,
    tokenMode: c.WECHAT_TOKEN_MODE === 'classic' ? 'classic' : 'stable',
  });
  return {
    client,
    appName: c.WECHAT_APP_NAME ?? '示例小程序 (sandbox)',
    sandbox: true,
    timezone: c.REPORT_TIMEZONE,
    logger: d.logger,
    ...reportExtras(d),
    sandboxServer: sim,
    close: () => sim.close(),
  };
}

/**
 * The WeChat side of every report: the mini programs of WECHAT_APPS_FILE, or the one of
 * WECHAT_APPID, or (with neither) the embedded simulator (every message then says "sandbox data").
 */
export async function createApps(c: Config, env: NodeJS.ProcessEnv, d: ContextDeps): Promise<{ apps: App[]; defaultApp?: string }> {
  if (c.WECHAT_APPS_FILE) {
    const file = loadAppsFile(c.WECHAT_APPS_FILE, env);
    return {
      apps: file.apps.map((spec) => ({ name: spec.name, displayName: spec.displayName, channels: spec.channels && new Set(spec.channels), context: realContext(c, spec, d) })),
      defaultApp: file.defaultApp,
    };
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
    return { apps: [{ name: 'default', displayName: spec.displayName, context: realContext(c, spec, d) }] };
  }
  const ctx = await sandboxContext(c, d);
  return { apps: [{ name: 'sandbox', displayName: ctx.appName, context: ctx }] };
}

/** One WeChat context for the CLI and demo: the single configured app, the file's default, or the sandbox. */
export async function createWeChatContext(c: Config, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<WeChatContext> {
  const { apps, defaultApp } = await createApps(c, env, { logger });
  const chosen = apps.find((a) => a.name === defaultApp) ?? apps[0];
  for (const a of apps) if (a !== chosen) await a.context.close();
  return chosen.context;
}
