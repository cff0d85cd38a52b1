import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';
import { freePort, sendCommand } from '../doubles/slack-requests';
import { SECRETS } from '../helpers/harness';
import { botEnv, botPid, isAlive, startBotProcess, waitUntilGone, type Started } from '../helpers/process';

const STRAY_PRELOAD = path.join(__dirname, '../fixtures/stray-failure.js');

// The bot as a process: how it starts, what it says when it cannot, and how it ends.
describe('the bot process', () => {
  let sim: WeChatSimulator;
  let slack: SlackDouble;
  let dir: string;
  const procs: Started[] = [];
  const pids: number[] = [];

  beforeEach(async () => {
    sim = await startSimulator();
    slack = await startSlackDouble();
    slack.members.add('C0REPORTS');
    dir = mkdtempSync(path.join(tmpdir(), 'wxa-life-'));
  });
  afterEach(async () => {
    // Whatever a failed test left running: bots known by pid first (an orphan of npm holds npm's output
    // pipes open, so npm's `exit` would wait for it), then the processes spawned.
    for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const p of procs.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exit;
    }
    await slack.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}, via: 'node' | 'npm' = 'node'): Promise<{ bot: Started; url: string }> {
    const port = await freePort();
    const bot = startBotProcess({ ...botEnv(sim, slack, port), DATA_DIR: dir, RENDER_THREADS: '0', ...env }, { via });
    procs.push(bot);
    return { bot, url: `http://127.0.0.1:${port}` };
  }

  const retain = (url: string, week: string) =>
    sendCommand(url, SECRETS.signingSecret, { command: '/retain', text: `weekly ${week}`, response_url: slack.responseUrl() });

  test('SIGTERM sent to the pid of `npm start` reaches the bot: the report in flight is delivered, the bot logs its stop, npm exits and no bot process is left', async () => {
    const { bot: npm, url } = await start({ LOG_LEVEL: 'info', RENDER_THREADS: '1' }, 'npm');
    await npm.waitForOutput(/"msg":"runtime ready"/, 30_000);
    const pid = botPid(npm.output());
    expect(pid).toBeDefined();
    pids.push(pid!);
    expect(pid).not.toBe(npm.child.pid); // npm runs the bot as its child
    const npmExited = new Promise<number | null>((resolve) => npm.child.once('exit', (code) => resolve(code)));

    sim.inject('datacube', { type: 'hold' }, 1); // the report stays in flight until released
    expect((await retain(url, '2017-03-06')).status).toBe(200);
    await sim.waitForRequests(1);

    process.kill(npm.child.pid!, 'SIGTERM'); // what Docker (PID 1) or `kill <pid>` does: the main process only
    // Before the fix npm died at once, its shell with it, and the bot never heard of the signal.
    await Promise.race([
      npm.waitForOutput(/"msg":"shutting down"/),
      npmExited.then((code) => {
        throw new Error(`npm exited (${code}) and the bot never began shutting down; output:\n${npm.output()}`);
      }),
    ]);
    expect(isAlive(pid!)).toBe(true);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);

    sim.releaseHeld();
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 1, 20_000);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(await npmExited).toBe(0);
    await waitUntilGone(pid!, 10_000);
    expect(await npm.exit).toBe(0);
    expect(npm.output()).toMatch(/"msg":"report delivered"/);
    expect(npm.output()).toMatch(/"signal":"SIGTERM".*"msg":"shutting down"/);
    expect(npm.output()).toMatch(/"msg":"stopped"/);
  }, 60_000);

  test('a stray promise rejection is logged with its reason, redacted, and the bot keeps serving', async () => {
    const { bot, url } = await start({ NODE_OPTIONS: `--require "${STRAY_PRELOAD}"`, STRAY: 'rejection' });
    await bot.waitForOutput(/"msg":"runtime ready"/);
    bot.child.kill('SIGUSR2');
    await bot.waitForOutput(
      /"level":50.*"msg":"unhandled promise rejection \(the bot keeps running\): Error: stray rejection carrying \[REDACTED\]"/,
    );

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await retain(url, '2017-03-06')).status).toBe(200);
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 1);
    expect(bot.child.exitCode).toBeNull();
    expect(bot.output()).not.toContain(SECRETS.botToken);

    bot.child.kill('SIGTERM');
    expect(await bot.exit).toBe(0);
  });

  test('an uncaught exception is logged as fatal, redacted; the bot stops gracefully and exits 1', async () => {
    const { bot } = await start({ NODE_OPTIONS: `--require "${STRAY_PRELOAD}"`, STRAY: 'exception' });
    await bot.waitForOutput(/"msg":"runtime ready"/);
    bot.child.kill('SIGUSR2');
    expect(await bot.exit).toBe(1);
    const out = bot.output();
    expect(out).toMatch(/"level":60.*"msg":"uncaught exception, stopping: Error: stray exception carrying \[REDACTED\]"/);
    // In this order: the fatal line first (written synchronously), then the graceful stop.
    expect(out).toMatch(
      /"level":60.*"msg":"uncaught exception, stopping[^\n]*\n[\s\S]*"reason":"uncaughtException".*"msg":"shutting down"[\s\S]*"msg":"stopped"/,
    );
    expect(out).not.toContain(SECRETS.botToken);
  });

  test('a second bot on the same DATA_DIR exits 1 saying what to do; after SIGKILL of the first, a new one starts', async () => {
    const { bot: first } = await start();
    await first.waitForOutput(/"msg":"runtime ready"/);

    const { bot: second } = await start();
    expect(await second.exit).toBe(1);
    const said = second.output();
    expect(said).toContain(`The bot could not start: Another bot process is already using DATA_DIR (${dir})`);
    expect(said).toContain(path.join(dir, 'wxa.lock'));
    expect(said).toMatch(/Stop the other process first, give this one another DATA_DIR, or set REDIS_URL to run several instances/);
    expect(first.child.exitCode).toBeNull(); // the first one is untouched

    first.child.kill('SIGKILL'); // a crash: no close(), the OS releases the lock
    await first.exit;
    const { bot: third, url } = await start();
    await third.waitForOutput(/"msg":"runtime ready"/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    third.child.kill('SIGTERM');
    expect(await third.exit).toBe(0);
  });

  test('a DATA_DIR that is a file, or under one: exit 1 naming DATA_DIR, the path and what to do', async () => {
    const file = path.join(dir, 'not-a-dir');
    writeFileSync(file, 'x');

    const { bot: onFile } = await start({ DATA_DIR: file });
    expect(await onFile.exit).toBe(1);
    expect(onFile.output()).toContain(
      `The bot could not start: DATA_DIR (${file}) is a file, not a directory, so the SQLite database ${path.join(file, 'wxa.sqlite')} cannot be opened. Point DATA_DIR at a directory`,
    );

    const under = path.join(file, 'data');
    const { bot: underFile } = await start({ DATA_DIR: under });
    expect(await underFile.exit).toBe(1);
    expect(underFile.output()).toContain(
      `The bot could not start: Could not open the SQLite database ${path.join(under, 'wxa.sqlite')} (DATA_DIR is ${under}): ENOTDIR`,
    );
    expect(underFile.output()).toMatch(
      /Check that DATA_DIR exists, is a directory that the user the bot runs as \(.+\) can write to, and that its disk has free space\./,
    );
  });

  test('REDIS_URL where no Redis answers: exit 1 within seconds, naming Redis, REDIS_URL (password masked) and what to do', async () => {
    const port = await freePort();
    const password = 'redis-password-0123456789';
    const t0 = Date.now();
    const { bot } = await start({ REDIS_URL: `redis://:${password}@127.0.0.1:${port}/0` });
    expect(await bot.exit).toBe(1);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const out = bot.output();
    expect(out).toContain(
      `The bot could not start: Could not reach Redis at redis://:***@127.0.0.1:${port}/0 (REDIS_URL): connect ECONNREFUSED 127.0.0.1:${port}. Start Redis, or fix REDIS_URL`,
    );
    expect(out).not.toContain(password);
    expect(out).not.toMatch(/max retries per request/);
  });
});
