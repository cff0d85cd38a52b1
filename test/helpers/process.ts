import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WeChatSimulator } from '../../src/sandbox/server';
import type { SlackDouble } from '../../src/sandbox/slack-api';
import { SECRETS } from './harness';

export const MAIN = path.join(__dirname, '../../dist/src/main.js');

export interface Started {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the combined output matches; rejects if the process exits first or time runs out. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<void>;
  exit: Promise<number | null>;
}

/** The environment of a bot talking to the local doubles on `port`. */
export function botEnv(sim: WeChatSimulator, slack: SlackDouble, port: number): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_SIGNING_SECRET: SECRETS.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    WECHAT_APPID: sim.appid,
    WECHAT_SECRET: sim.secret,
    WECHAT_API_BASE_URL: sim.url,
  };
}

/** Runs the built bot (`npm start` runs this same file) with the given environment. */
export function startBotProcess(env: Record<string, string>): Started {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does).`);
  // A data directory of its own: a cached token or result from another run must not leak in.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wxa-proc-'));
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  return {
    child,
    output: () => out,
    exit,
    waitForOutput(re, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!re.test(out)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${re}; output so far:\n${out}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        void exit.then((code) => {
          if (!re.test(out)) {
            done();
            reject(new Error(`process exited (${code}) before ${re}; output:\n${out}`));
          }
        });
        listeners.add(check);
        check();
      });
    },
  };
}
