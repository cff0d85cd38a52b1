import { registerSecret } from '../log';
import type { Config } from './index';

/**
 * Registers every configured secret with the log redactor. Call once at start-up. (The API security
 * private keys are registered when their files are read, with every form a log line could carry.)
 */
export function registerConfigSecrets(c: Config): void {
  for (const v of [c.SLACK_BOT_TOKEN, c.SLACK_SIGNING_SECRET, c.SLACK_APP_TOKEN, c.WECHAT_SECRET, c.WECHAT_SECURITY_SYM_KEY?.trim()]) {
    registerSecret(v);
  }
}
