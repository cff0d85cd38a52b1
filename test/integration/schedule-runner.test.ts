import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/log';
import { catchUp, runDue } from '../../src/schedule/recover';
import { ScheduleRunner, type RunnerSettings } from '../../src/schedule/runner';
import { periodForFire, runKey } from '../../src/schedule/spec';
import { runnerDeps } from '../helpers/runner-deps';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { SqliteStore } from '../../src/store/sqlite';
import type { Schedule } from '../../src/store/types';
import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';

const FAST_RETRY = { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 };

describe('scheduled runs (SQLite store, WeChat simulator, Slack double)', () => {
  let dir: string;
  let sim: WeChatSimulator;
  let slack: SlackDouble;
  let store: SqliteStore;
  let clock: number;
  const schedule: Schedule = {
    id: 'sweek',
    report: 'summary',
    granularity: 'weekly',
    time: '10:00',
    weekday: 1,
    timezone: 'Asia/Shanghai',
    channel: 'C0REPORTS',
    createdBy: 'U0ADMIN',
    createdAt: Date.parse('2026-01-01T00:00:00Z'),
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wxa-runner-'));
    sim = await startSimulator();
    slack = await startSlackDouble();
    slack.members.add('C0REPORTS');
    store = new SqliteStore(path.join(dir, 'wxa.sqlite'));
    await store.saveSchedule(schedule);
    clock = Date.parse('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai
  });
  afterEach(async () => {
    await store.close();
    await slack.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function runner(owner: string, settings: Partial<RunnerSettings> = {}): ScheduleRunner {
    return new ScheduleRunner({
      store,
      ...runnerDeps({ store, sim, slackApiUrl: slack.apiUrl, retry: FAST_RETRY, logger: silentLogger }),
      logger: silentLogger,
      owner,
      settings: { leaseMs: 60_000, retryIntervalMs: 30 * 60_000, retryWindowMs: 6 * 3_600_000, ...settings },
      now: () => clock,
    });
  }
  const period = () => periodForFire(schedule, new Date(clock));
  const posts = () => slack.callsTo('chat.postMessage');

  test('three instances firing the same schedule and period post once', async () => {
    const outcomes = await Promise.all(['A', 'B', 'C'].map((o) => runner(o).run(schedule, period())));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['posted', 'skipped', 'skipped']);
    expect(posts()).toHaveLength(1);
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(JSON.stringify(posts()[0].args.blocks)).toContain('2026-11-16 – 2026-11-22');
    expect(await store.lastRun('sweek')).toMatchObject({ state: 'posted' });
    // Firing again later for the same period does nothing.
    expect((await runner('D').run(schedule, period())).outcome).toBe('skipped');
    expect(posts()).toHaveLength(1);
  });

  test('data not ready (61503): retried every interval, then posted once it is there', async () => {
    sim.inject('datacube', { type: 'errcode', errcode: 61503 }, 100);
    const r = runner('A');
    expect(await r.run(schedule, period())).toMatchObject({ outcome: 'waiting_data', retryAt: clock + 30 * 60_000 });
    expect(posts()).toHaveLength(0);
    clock += 29 * 60_000;
    await runDue(store, r, new Date(clock));
    expect(await store.lastRun('sweek')).toMatchObject({ state: 'waiting_data', attempts: 1 });
    clock += 60_000;
    await runDue(store, runner('B'), new Date(clock));
    expect(await store.lastRun('sweek')).toMatchObject({ state: 'waiting_data', attempts: 2 });
    // WeChat catches up.
    sim.clearFaults();
    clock += 30 * 60_000;
    await runDue(store, runner('C'), new Date(clock));
    expect(await store.lastRun('sweek')).toMatchObject({ state: 'posted', attempts: 3 });
    expect(posts()).toHaveLength(1);
  });

  test('a digest with one part not ready (61503 past the retries of one call) waits and retries instead of posting with a hole in it', async () => {
    const digest: Schedule = { ...schedule, id: 'sdigest', report: 'digest' };
    await store.saveSchedule(digest);
    // The first 8 calls (the trend weeks, 8 at a time) get 61503, then the first retry too: one week's
    // trend fails after its 2 attempts, so the headline figures are not ready; every other call succeeds.
    sim.inject('datacube', { type: 'errcode', errcode: 61503 }, 9);
    const r = runner('A');
    expect(await r.run(digest, period())).toMatchObject({ outcome: 'waiting_data' });
    expect(posts()).toHaveLength(0);
    clock += 30 * 60_000;
    await runDue(store, r, new Date(clock));
    expect(await store.lastRun('sdigest')).toMatchObject({ state: 'posted' });
    expect(posts()).toHaveLength(1);
    const text = JSON.stringify(posts()[0].args.blocks);
    expect(text).toContain('Top 5 sources');
    expect(text).not.toMatch(/could not be fetched/);
  });

  test('an empty list for the period that just closed counts as not ready; after the window a notice is posted instead of wrong figures', async () => {
    sim.inject('datacube', { type: 'empty' }, 1000);
    const r = runner('A', { retryIntervalMs: 30 * 60_000, retryWindowMs: 6 * 3_600_000 });
    expect((await r.run(schedule, period())).outcome).toBe('waiting_data');
    for (let i = 0; i < 20 && (await store.lastRun('sweek'))?.state === 'waiting_data'; i++) {
      clock += 30 * 60_000;
      await runDue(store, r, new Date(clock));
    }
    const last = await store.lastRun('sweek');
    expect(last).toMatchObject({ state: 'not_ready_notice', attempts: 13 }); // first try + 12 retries over 6 hours
    expect(posts()).toHaveLength(1);
    expect(String(posts()[0].args.text)).toMatch(
      /not available.*no data for 2026-11-16 – 2026-11-22 after 6 hours.*\/wxa schedule run sweek/,
    );
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(0);
  });

  test('after downtime only the latest missed period is posted, once', async () => {
    clock = Date.parse('2026-11-25T08:00:00Z'); // Wednesday: the Monday fire was missed; so were earlier ones
    const r = runner('A');
    await catchUp(store, r, new Date(clock), silentLogger);
    await catchUp(store, runner('B'), new Date(clock), silentLogger);
    expect(posts()).toHaveLength(1);
    expect(JSON.stringify(posts()[0].args.blocks)).toContain('2026-11-16 – 2026-11-22');
    expect(await store.getRun(runKey('sweek', { granularity: 'weekly', begin: '20261109', end: '20261115' }))).toBeUndefined();
  });

  test('a schedule created after its last fire time is not caught up', async () => {
    await store.saveSchedule({ ...schedule, id: 'snew', createdAt: Date.parse('2026-11-24T00:00:00Z') });
    await store.deleteSchedule('sweek');
    await catchUp(store, runner('A'), new Date(Date.parse('2026-11-25T08:00:00Z')), silentLogger);
    expect(posts()).toHaveLength(0);
  });

  test('a run whose owner died is taken over once the lease runs out, and posted once', async () => {
    const key = runKey('sweek', period());
    await store.claimRun(key, 'sweek', period().begin, 'dead-instance', 60_000, clock);
    clock += 59_000;
    await runDue(store, runner('B'), new Date(clock));
    expect(posts()).toHaveLength(0);
    clock += 1_000;
    await runDue(store, runner('B'), new Date(clock));
    expect(posts()).toHaveLength(1);
    expect(await store.getRun(key)).toMatchObject({ state: 'posted', owner: 'B', attempts: 2 });
  });

  test('a hard failure (quota) is recorded and told to the channel, without retry loops', async () => {
    sim.inject('datacube', { type: 'errcode', errcode: 45009 }, 100);
    expect((await runner('A').run(schedule, period())).outcome).toBe('failed');
    expect(String(posts()[0].args.text)).toMatch(/could not be posted: .*daily WeChat API quota/);
    expect(await store.lastRun('sweek')).toMatchObject({ state: 'failed' });
    expect(await store.dueRuns(clock + 10 * 3_600_000)).toHaveLength(0);
  });
});
