import type { SandboxSecurityFiles } from '../sandbox/security';
import type { WeChatClient } from '../wechat/client';

/** One mini program the bot reports on: its WeChat client and how people know it. */
export interface MiniProgram {
  /** The name used in `app:<name>` and WECHAT_APPS_FILE ("default" for WECHAT_APPID, "sandbox" without one). */
  readonly name: string;
  /** Shown in messages and charts. */
  readonly displayName: string;
  /** Channels allowed to see it; undefined = every channel. */
  readonly channels?: ReadonlySet<string>;
  readonly client: WeChatClient;
  /** Served by the embedded simulator: every report says "sandbox data". */
  readonly sandbox: boolean;
  /** The sandbox in API security mode (SANDBOX_SECURITY=1): where its keys and settings are. */
  readonly sandboxSecurity?: SandboxSecurityFiles;
  /** Releases what it holds (the embedded simulator). */
  close(): Promise<void>;
}
