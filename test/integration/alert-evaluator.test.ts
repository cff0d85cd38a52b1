import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import { AlertBook } from '../../src/alerts/book';
import { AlertClock, dataDueAt } from '../../src/alerts/clock';
import { AlertEvaluator, alertRunKey } from '../../src/alerts/evaluator';
import type { Alert } from '../../src/alerts/types';
import { addDays, periodContaining } from '../../src/calendar/period';
import { silentLogger } from '../../src/log';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { slackAlertDelivery } from '../../src/slack/alerted';
import { RedisStore } from '../../src/store/redis';
import { SqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/types';
import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis';
import { runnerDeps } from '../helpers/runner-deps';

// The alert evaluator on its own, with a clock the test moves: retries while WeChat's data is not
// ready, exactly one post from several instances sharing a store, and a takeover after a crash.

const FAST_RETRY = { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 };
const SETTINGS = { leaseMs: 60_000, retryIntervalMs: 30 * 60_000, retryWindowMs: 6 * 3_600_000 };
const DAY = periodContaining('daily', '20261124');

const alert: Alert = {
  id: 'a0c0ffe',
  metric: 'visitors',
  granularity: 'daily',
  condition: { kind: 'drops', percent: 30 },
  channel: 'C0REPORTS',
  app: 'test',
  createdBy: 'U0ADMIN',
  createdAt: Date.parse('2026-01-01T00:00:00Z'),
};

interface StoreKind {
  name: string;
  open: () => Promise<{ stores: () => Store; close: () => Promise<void> }>;
}

const kinds: StoreKind[] = [
  {
    name: 'SQLite',
    open: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'wxa-alerts-'));
      const store = new SqliteStore(path.join(dir, 'wxa.sqlite'));
      return {
        stores: () => store,
        close: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
const redisUrl = REDIS_URL;
if (redisUrl) {
  kinds.push({
    name: 'Redis',
    open: async () => {
      const prefix = testPrefix();
      const opened: RedisStore[] = [];
      return {
        // Each instance its own connection, as separate processes would have.
        stores: () => {
          const s = new RedisStore(redisUrl, prefix);
          opened.push(s);
          return s;
        },
        close: async () => {
          await Promise.all(opened.map((s) => s.close()));
          await dropPrefix(prefix);
        },
      };
    },
  });
}

describe.each(kinds)('alert evaluations ($name store)', ({ open }) => {
  let sim: WeChatSimulator;
  let slack: SlackDouble;
  let env: Awaited<ReturnType<StoreKind['open']>>;
  let clock: number;

  beforeEach(async () => {
    sim = await startSimulator();
    slack = await startSlackDouble();
    slack.members.add('C0REPORTS');
    env = await open();
    clock = Date.parse('2026-11-25T02:30:00Z'); // Wednesday 10:30 in Shanghai
  });
  afterEach(async () => {
    await env.close();
    await slack.close();
    await sim.close();
  });

  /** One bot instance: its own store connection, WeChat client, render path and Slack client. */
  function instance(owner: string, store: Store = env.stores(), extra: Partial<ConstructorParameters<typeof AlertEvaluator>[0]> = {}) {
    const deps = runnerDeps({ store, sim, slackApiUrl: slack.apiUrl, retry: FAST_RETRY, logger: silentLogger });
    const client = new WebClient('xoxb-test-token-123', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const evaluator = new AlertEvaluator({
      store,
      programs: deps.programs,
      reports: deps.reports,
      delivery: slackAlertDelivery(client, {}),
      logger: silentLogger,
      owner,
      settings: SETTINGS,
      now: () => clock,
      ...extra,
    });
    return { store, evaluator };
  }
  const alertPosts = () => slack.callsTo('chat.postMessage').filter((c) => /^:rotating_light: /.test(String(c.args.text)));
  const notices = () => slack.callsTo('chat.postMessage').filter((c) => /could not be checked/.test(String(c.args.text)));

  test('three instances evaluate the same alert for the same day at once: one post, one chart', async () => {
    sim.dip(DAY.begin, 0.5);
    const all = [instance('A'), instance('B'), instance('C')];
    const outcomes = await Promise.all(all.map((i) => i.evaluator.evaluate(alert, DAY)));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['fired', 'skipped', 'skipped']);
    expect(alertPosts()).toHaveLength(1);
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
    // Later attempts for the same day, on any instance, post nothing.
    for (const i of all) expect((await i.evaluator.evaluate(alert, DAY)).outcome).toBe('skipped');
    expect(alertPosts()).toHaveLength(1);
  });

  test('an instance that died after claiming: another takes the evaluation over once the lease ran out, and posts it once', async () => {
    sim.dip(DAY.begin, 0.5);
    const { store } = instance('A');
    await store.putDoc('alerts', alert.id, JSON.stringify(alert), alert.createdAt);
    // A claimed the evaluation, then its process died (nothing posted, nothing recorded).
    expect(await store.claimRun(alertRunKey(alert.id, DAY), alert.id, DAY.begin, 'A', SETTINGS.leaseMs, clock)).toBeDefined();
    const b = instance('B');
    const poll = new AlertClock({
      book: new AlertBook(b.store, silentLogger),
      evaluator: b.evaluator,
      store: b.store,
      log: silentLogger,
      time: '10:30',
      pollMs: 60_000,
    });
    await poll.due(new Date(clock));
    expect(alertPosts()).toHaveLength(0); // A's lease still holds
    clock += SETTINGS.leaseMs + 1;
    await poll.due(new Date(clock));
    expect(alertPosts()).toHaveLength(1);
    await poll.due(new Date(clock + 1));
    expect(alertPosts()).toHaveLength(1);
  });

  test('an instance that died after posting the alert but before its chart: the takeover uploads the chart only', async () => {
    sim.dip(DAY.begin, 0.5);
    const a = instance('A');
    // A posted the message and recorded it, then died before the upload.
    const key = alertRunKey(alert.id, DAY);
    await a.store.claimRun(key, alert.id, DAY.begin, 'A', SETTINGS.leaseMs, clock);
    await a.store.updateRun(key, 'A', { delivered: { ts: '1700000000.000100' } }, clock);
    clock += SETTINGS.leaseMs + 1;
    const b = instance('B');
    expect((await b.evaluator.evaluate(alert, DAY)).outcome).toBe('fired');
    expect(alertPosts()).toHaveLength(0);
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
  });

  test('data not ready (61503): tried again every 30 minutes for 6 hours, then one notice; nothing more after it', async () => {
    const a = instance('A');
    const book = new AlertBook(a.store, silentLogger);
    await book.save(alert);
    const poll = new AlertClock({ book, evaluator: a.evaluator, store: a.store, log: silentLogger, time: '10:30', pollMs: 60_000 });
    sim.inject('datacube', { type: 'errcode', errcode: 61503 }, 100_000);
    expect(await a.evaluator.evaluate(alert, DAY)).toMatchObject({ outcome: 'waiting_data', retryAt: clock + SETTINGS.retryIntervalMs });
    for (let i = 0; i < 11; i++) {
      clock += SETTINGS.retryIntervalMs;
      await poll.due(new Date(clock));
      expect((await book.lastEvaluation(alert.id))?.state).toBe('waiting_data');
    }
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    clock += SETTINGS.retryIntervalMs;
    await poll.due(new Date(clock));
    expect((await book.lastEvaluation(alert.id))?.state).toBe('not_ready_notice');
    expect(notices()).toHaveLength(1);
    expect(String(notices()[0].args.text)).toMatch(
      /`a0c0ffe` \(visitors daily drops 30%\) could not be checked for 2026-11-24: WeChat had not published the data after 6 hours/,
    );
    clock += SETTINGS.retryIntervalMs;
    await poll.due(new Date(clock));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  test('WeChat failing (quota): one notice saying it is tried again; when WeChat is back the retry checks quietly and fires once', async () => {
    const a = instance('A');
    const book = new AlertBook(a.store, silentLogger);
    await book.save(alert);
    const poll = new AlertClock({ book, evaluator: a.evaluator, store: a.store, log: silentLogger, time: '10:30', pollMs: 60_000 });
    sim.dip(DAY.begin, 0.5);
    sim.inject('datacube', { type: 'errcode', errcode: 45009 }, 100_000);
    expect((await a.evaluator.evaluate(alert, DAY)).outcome).toBe('retrying');
    expect(notices()).toHaveLength(1);
    expect(String(notices()[0].args.text)).toMatch(/quota is used up.*\. It is tried again every 30 minutes for 6 hours/);
    clock += SETTINGS.retryIntervalMs;
    await poll.due(new Date(clock));
    expect(notices()).toHaveLength(1);
    sim.clearFaults();
    clock += SETTINGS.retryIntervalMs;
    await poll.due(new Date(clock));
    expect((await book.lastEvaluation(alert.id))?.state).toBe('posted');
    expect(alertPosts()).toHaveLength(1);
    expect(notices()).toHaveLength(1);
  });

  test('a check run by hand before the data is due (00:30) keeps its full retry window from ALERT_TIME', async () => {
    clock = Date.parse('2026-11-24T16:30:00Z'); // 00:30 on the 25th in Shanghai: the 24th's data is due at 10:30
    const a = instance('A', env.stores(), { dataDue: (p) => dataDueAt(p, '10:30') });
    const book = new AlertBook(a.store, silentLogger);
    await book.save(alert);
    const poll = new AlertClock({ book, evaluator: a.evaluator, store: a.store, log: silentLogger, time: '10:30', pollMs: 60_000 });
    sim.inject('datacube', { type: 'errcode', errcode: 61503 }, 100_000);
    expect((await a.evaluator.evaluate(alert, DAY)).outcome).toBe('waiting_data');
    // 6 hours later (06:30) the window has not even started: still waiting, no notice.
    while (clock < Date.parse('2026-11-25T02:00:00Z')) {
      clock += SETTINGS.retryIntervalMs;
      await poll.due(new Date(clock));
    }
    expect((await book.lastEvaluation(alert.id))?.state).toBe('waiting_data');
    expect(notices()).toHaveLength(0);
    // WeChat publishes at 11:00: the retry fires the alert.
    sim.clearFaults();
    sim.dip(DAY.begin, 0.5);
    clock += SETTINGS.retryIntervalMs;
    await poll.due(new Date(clock));
    expect(alertPosts()).toHaveLength(1);
  });

  test('an alert removed while its check waits for data: the due poll closes the check instead of retrying it for ever', async () => {
    const a = instance('A');
    const book = new AlertBook(a.store, silentLogger);
    await book.save(alert);
    const poll = new AlertClock({ book, evaluator: a.evaluator, store: a.store, log: silentLogger, time: '10:30', pollMs: 60_000 });
    sim.inject('datacube', { type: 'errcode', errcode: 61503 }, 100_000);
    expect((await a.evaluator.evaluate(alert, DAY)).outcome).toBe('waiting_data');
    await book.remove(alert.id);
    clock += SETTINGS.retryIntervalMs;
    expect((await a.store.dueRuns(clock)).map((r) => r.key)).toContain(alertRunKey(alert.id, DAY));
    await poll.due(new Date(clock));
    expect((await a.store.getRun(alertRunKey(alert.id, DAY)))?.state).toBe('done');
    expect(await a.store.dueRuns(clock + SETTINGS.retryIntervalMs)).toEqual([]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test('the daily sweep checks every alert once; after stop() it checks nothing more', async () => {
    const a = instance('A');
    const book = new AlertBook(a.store, silentLogger);
    const other: Alert = { ...alert, id: 'a0bead5', condition: { kind: 'below', value: 1_000_000_000 } };
    await book.save(alert);
    await book.save(other);
    const sweep = new AlertClock({ book, evaluator: a.evaluator, store: a.store, log: silentLogger, time: '10:30', pollMs: 60_000 });
    sim.dip(DAY.begin, 0.5);
    await sweep.evaluateAll(new Date(clock));
    expect(alertPosts()).toHaveLength(2);
    await sweep.evaluateAll(new Date(clock));
    expect(alertPosts()).toHaveLength(2);
    await sweep.stop(1000);
    clock += 86_400_000;
    sim.dip(addDays(DAY.begin, 1), 0.5);
    await sweep.evaluateAll(new Date(clock));
    await sweep.due(new Date(clock));
    expect(alertPosts()).toHaveLength(2);
  });

  test('the day after a dip, back to normal: posted once, in the firing thread', async () => {
    const a = instance('A');
    sim.dip(DAY.begin, 0.5);
    const fired = await a.evaluator.evaluate(alert, DAY);
    expect(fired.outcome).toBe('fired');
    const ts = (await a.store.getRun(fired.key))?.delivered?.ts;
    const next = periodContaining('daily', addDays(DAY.begin, 1));
    clock += 86_400_000;
    expect((await a.evaluator.evaluate(alert, next)).outcome).toBe('recovered');
    const back = slack.callsTo('chat.postMessage').filter((c) => /Back to normal/.test(String(c.args.text)));
    expect(back).toHaveLength(1);
    expect(back[0].args.thread_ts).toBe(ts);
  });
});
