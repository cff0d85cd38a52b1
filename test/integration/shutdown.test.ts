import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';
import { SECRETS } from '../helpers/harness';
import { botEnv, startBotProcess } from '../helpers/process';
import { freePort, sendCommand } from '../doubles/slack-requests';

describe('SIGTERM while reports are running', () => {
  let sim: WeChatSimulator;
  let slack: SlackDouble;
  let dir: string;
  beforeEach(async () => {
    sim = await startSimulator();
    slack = await startSlackDouble();
    slack.members.add('C0REPORTS');
    dir = mkdtempSync(path.join(tmpdir(), 'wxa-term-'));
  });
  afterEach(async () => {
    await slack.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('stops taking new work, finishes what runs, releases locks, exits 0 within 25 s', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const bot = startBotProcess({
      ...botEnv(sim, slack, port),
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
    });
    try {
      await bot.waitForOutput(/"msg":"runtime ready"/);
      sim.inject('datacube', { type: 'delay', ms: 3000 }, 27); // three reports' worth of slow calls
      const send = (week: string) =>
        sendCommand(url, SECRETS.signingSecret, { command: '/retain', text: `weekly ${week}`, response_url: slack.responseUrl() });
      // Weeks months apart: none shares a WeChat answer with another (shared answers make one call).
      const acks = await Promise.all(['2017-03-06', '2017-06-05', '2017-09-04'].map(send));
      expect(acks.every((a) => a.status === 200)).toBe(true);
      await sim.waitForRequests(27);

      const t0 = Date.now();
      bot.child.kill('SIGTERM');
      await bot.waitForOutput(/"msg":"shutting down"/);
      const late = await send('2017-03-27').catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      // Either refused while draining (503) or the port is already closed.
      if (!(late instanceof Error)) expect(late.status).toBe(503);

      expect(await bot.exit).toBe(0);
      expect(Date.now() - t0).toBeLessThan(25_000);
      expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(3); // in-flight work finished
      expect(bot.output()).toMatch(/"msg":"stopped"/);
      const db = new Database(path.join(dir, 'wxa.sqlite'), { readonly: true });
      try {
        expect(db.prepare('SELECT COUNT(*) AS n FROM locks').get()).toEqual({ n: 0 });
      } finally {
        db.close();
      }
    } finally {
      if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    }
  }, 60_000);
});
