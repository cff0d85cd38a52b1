import { loadConfig, type Config } from '../../src/config';
import { createWeChatContext, registerConfigSecrets, type WeChatContext } from '../../src/context';
import { createLogger } from '../../src/log';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { createBot, type Bot } from '../../src/slack/app';
import { startSlackDouble, type SlackDouble } from '../doubles/slack';
import { sendCommand, type SlackResponse } from './slack-request';

export const SECRETS = {
  botToken: 'xoxb-1111-2222-TESTBOTTOKENabcdef',
  signingSecret: 'test-signing-secret-0123456789abcdef',
};

/** Collects every log line the app writes. */
export class LogCapture {
  readonly lines: string[] = [];
  write(s: string): void {
    this.lines.push(s);
  }
  get text(): string {
    return this.lines.join('');
  }
}

export interface Harness {
  sim: WeChatSimulator;
  slack: SlackDouble;
  bot: Bot;
  wechat: WeChatContext;
  config: Config;
  logs: LogCapture;
  baseUrl: string;
  command(command: string, text: string, opts?: { channel?: string; responseId?: string }): Promise<SlackResponse>;
  close(): Promise<void>;
}

/** The real app on the HTTP receiver (127.0.0.1), against the WeChat simulator and the Slack double. */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const sim = await startSimulator();
  const slack = await startSlackDouble();
  slack.members.add('C0REPORTS');
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: SECRETS.botToken,
      SLACK_SIGNING_SECRET: SECRETS.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      WECHAT_APPID: sim.appid,
      WECHAT_SECRET: sim.secret,
      WECHAT_API_BASE_URL: sim.url,
      LOG_LEVEL: 'debug',
      ...env,
    },
    'bot',
  );
  registerConfigSecrets(config);
  const logs = new LogCapture();
  const logger = createLogger({ level: config.LOG_LEVEL, destination: logs });
  const wechat = await createWeChatContext(config, logger);
  const bot = createBot({ config, reports: wechat, logger });
  const port = await bot.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    sim,
    slack,
    bot,
    wechat,
    config,
    logs,
    baseUrl,
    command: (command, text, opts = {}) =>
      sendCommand(baseUrl, SECRETS.signingSecret, {
        command,
        text,
        channel_id: opts.channel,
        response_url: slack.responseUrl(opts.responseId),
      }),
    async close() {
      await bot.stop();
      await wechat.close();
      await slack.close();
      await sim.close();
    },
  };
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(b: Buffer): { width: number; height: number } {
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
