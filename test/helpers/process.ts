import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WeChatSimulator } from '../../src/sandbox/server';
import type { SlackDouble } from '../doubles/slack-api';
import { SECRETS } from './harness';

export const ROOT = path.join(__dirname, '../..');
export const MAIN = path.join(ROOT, 'dist/src/main.js');

export interface Started {
  /** The process spawned: the bot itself, or npm for `via: 'npm'` (the bot is then npm's child). */
  child: ChildProcess;
  output: () => string;
  /** Resolves when the combined output matches; rejects if the process ends first or time runs out. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<void>;
  /** The exit code, once the process has exited and its output is complete (stdout and stderr closed). */
  exit: Promise<number | null>;
}

export interface StartOptions {
  /**
   * 'node' (default): `node dist/src/main.js`. 'npm': `npm start` in the repository, with the project's
   * npm and none of the caller's npm_config_* / npm_lifecycle_* variables.
   */
  via?: 'node' | 'npm';
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

/** npm itself, quiet and offline: no update check, no funding or audit notes, no debug log files. */
const NPM_ENV: Record<string, string> = {
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  npm_config_logs_max: '0',
};

/** Runs the built bot (`npm start` runs this same file) with the given environment. */
export function startBotProcess(env: Record<string, string>, opts: StartOptions = {}): Started {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does).`);
  // A data directory of its own: a cached token or result from another run must not leak in.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wxa-proc-'));
  const base = { PATH: process.env.PATH ?? '', DATA_DIR: dataDir };
  const child =
    opts.via === 'npm'
      ? spawn('npm', ['start'], {
          cwd: ROOT,
          env: { ...base, HOME: process.env.HOME ?? tmpdir(), ...NPM_ENV, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(process.execPath, [MAIN], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  // 'close', not 'exit': by then every byte the process wrote has been read.
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
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

/** The bot's own pid, from the `owner` (host:pid:random) of its "runtime ready" line. */
export function botPid(output: string): number | undefined {
  const line = output.split('\n').find((l) => l.includes('"msg":"runtime ready"'));
  const m = line ? /"owner":"[^"]*:(\d+):[0-9a-f]+"/.exec(line) : null;
  return m ? Number(m[1]) : undefined;
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

/** Resolves once no process has this pid (kill(pid, 0) fails with ESRCH); rejects at the deadline. */
export async function waitUntilGone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} is still running ${timeoutMs} ms later`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
