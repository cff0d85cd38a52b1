import type { Config } from './config';
import type { Logger } from './log';
import { registerSecret } from './log';
import type { ReportContext } from './pipeline';
import { startSimulator, type WeChatSimulator } from './sandbox/server';
import { createWeChatClient } from './wechat/client';
import { resultCache, sharedTokens } from './store/adapters';
import type { Store } from './store/types';

export interface WeChatContext extends ReportContext {
  /** The embedded simulator when running on sandbox data; closed by `close`. */
  sandboxServer?: WeChatSimulator;
  close(): Promise<void>;
}

/** Registers every configured secret with the log redactor. Call once at start-up. */
export function registerConfigSecrets(c: Config): void {
  for (const v of [c.SLACK_BOT_TOKEN, c.SLACK_SIGNING_SECRET, c.SLACK_APP_TOKEN, c.WECHAT_SECRET]) registerSecret(v);
}

/**
 * The WeChat side of every report: the real API when WECHAT_APPID is set, otherwise the
 * embedded simulator on a loopback port (every message then says "sandbox data").
 */
export async function createWeChatContext(c: Config, logger: Logger, shared?: { store: Store; owner: string }): Promise<WeChatContext> {
  // With a store, the token and datacube answers survive restarts and are shared by instances.
  const caching = (appid: string) => (shared ? { sharedTokens: sharedTokens(shared.store, appid, shared.owner), results: resultCache(shared.store, appid) } : {});
  if (c.WECHAT_APPID) {
    const client = createWeChatClient({
      ...caching(c.WECHAT_APPID),
      baseUrl: c.WECHAT_API_BASE_URL,
      appid: c.WECHAT_APPID,
      secret: c.WECHAT_SECRET,
      tokenMode: c.WECHAT_TOKEN_MODE,
      tokenUrl: c.WECHAT_TOKEN_URL,
      logger,
    });
    return { client, appName: c.WECHAT_APP_NAME ?? c.WECHAT_APPID, sandbox: false, timezone: c.REPORT_TIMEZONE, logger, close: async () => {} };
  }
  const sim = await startSimulator();
  logger.warn({ url: sim.url }, 'WECHAT_APPID is not set: serving sandbox data from the embedded WeChat simulator');
  const client = createWeChatClient({
    // Each embedded simulator issues its own tokens: keep them out of a store other runs share.
    ...(shared ? { results: resultCache(shared.store, 'sandbox') } : {}),
    baseUrl: sim.url,
    appid: sim.appid,
    secret: sim.secret,
    tokenMode: c.WECHAT_TOKEN_MODE === 'classic' ? 'classic' : 'stable',
    logger,
  });
  return { client, appName: c.WECHAT_APP_NAME ?? '示例小程序 (sandbox)', sandbox: true, timezone: c.REPORT_TIMEZONE, logger, sandboxServer: sim, close: () => sim.close() };
}
