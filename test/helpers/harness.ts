import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import type { MiniProgram } from '../../src/apps/program';
import { createLogger } from '../../src/log';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime';
import type { Bot } from '../../src/slack/app';
import type { Worker } from '../../src/worker';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';
import { sendCommand, type SlackResponse } from '../doubles/slack-requests';

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
  runtime: Runtime;
  /** The Slack receiver (every harness receives). */
  bot: Bot;
  /** The worker, on the test's thread (JOB_THREADS=0, the harness's default); throws in thread mode. */
  work: Worker;
  program: MiniProgram;
  config: Config;
  logs: LogCapture;
  baseUrl: string;
  command(command: string, text: string, opts?: { channel?: string; responseId?: string; user?: string }): Promise<SlackResponse>;
  /** Parsed log lines (JSON). */
  logLines(): Record<string, unknown>[];
  close(): Promise<void>;
}

/** The real app on the HTTP receiver (127.0.0.1), against the WeChat simulator and the Slack double. */
export async function startHarness(
  env: Record<string, string> = {},
  opts: RuntimeOptions & { sim?: WeChatSimulator; slack?: SlackDouble; dataDir?: string; logs?: LogCapture } = {},
): Promise<Harness> {
  const sim = opts.sim ?? (await startSimulator());
  const slack = opts.slack ?? (await startSlackDouble());
  slack.members.add('C0REPORTS');
  const ownDataDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'wxa-test-'));
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
      DATA_DIR: dataDir,
      // Jobs on the test's thread, so tests can reach the worker; JOB_THREADS=1 runs them as npm start does.
      JOB_THREADS: '0',
      ...env,
    },
    'bot',
  );
  const logs = opts.logs ?? new LogCapture();
  const logger = createLogger({ level: config.LOG_LEVEL, destination: logs });
  const runtime = await startRuntime(config, logger, opts);
  const baseUrl = `http://127.0.0.1:${runtime.port}`;
  const bot = runtime.bot;
  if (!bot) throw new Error('the harness runtime has no Slack receiver');
  return {
    sim,
    slack,
    runtime,
    bot,
    get work(): Worker {
      if (!runtime.work) throw new Error('the worker runs in a job thread here (JOB_THREADS > 0)');
      return runtime.work;
    },
    program: runtime.programs.all[0],
    config,
    logs,
    baseUrl,
    command: (command, text, o = {}) =>
      sendCommand(baseUrl, SECRETS.signingSecret, {
        command,
        text,
        channel_id: o.channel,
        user_id: o.user,
        response_url: slack.responseUrl(o.responseId),
      }),
    logLines: () =>
      logs.text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async close() {
      await runtime.stop();
      if (!opts.slack) await slack.close();
      if (!opts.sim) await sim.close();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One sample's value from Prometheus text (0 when absent). */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(name) && !l.startsWith('#') && want.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').pop()) : 0;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(b: Buffer): { width: number; height: number } {
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
