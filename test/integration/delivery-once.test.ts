import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/log';
import { runDue } from '../../src/schedule/recover';
import { ScheduleRunner, type RunnerSettings } from '../../src/schedule/runner';
import { periodForFire, runKey } from '../../src/schedule/spec';
import { runnerDeps } from '../helpers/runner-deps';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';
import { freePort, sendCommand } from '../doubles/slack-requests';
import { RedisStore } from '../../src/store/redis';
import { SqliteStore } from '../../src/store/sqlite';
import type { Schedule, Store } from '../../src/store/types';
import { canMountTmpfs, mountSmallDisk, type SmallDisk } from '../helpers/full-disk';
import { SECRETS } from '../helpers/harness';
import { botEnv, startBotProcess, type Started } from '../helpers/process';
import { describeRedis, testPrefix } from '../helpers/redis';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server';

const FAST_WECHAT = { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 };
const LEASE = 60_000;

const schedule: Schedule = {
  id: 'sonce',
  report: 'summary',
  granularity: 'weekly',
  time: '10:00',
  weekday: 1,
  timezone: 'Asia/Shanghai',
  channel: 'C0REPORTS',
  app: 'test',
  createdBy: 'U0ADMIN',
  createdAt: Date.parse('2026-01-01T00:00:00Z'),
};

/** Log lines as they are written, with a hook a test can act on at that very line. */
class Lines {
  readonly all: Record<string, unknown>[] = [];
  onLine?: (l: Record<string, unknown>) => void;
  write(s: string): void {
    const l = JSON.parse(s) as Record<string, unknown>;
    this.all.push(l);
    this.onLine?.(l);
  }
  has(msg: string): boolean {
    return this.all.some((l) => l.msg === msg);
  }
}

interface World {
  sim: WeChatSimulator;
  slack: SlackDouble;
  store: Store;
  lines: Lines;
  clock: number;
  runner(owner: string, settings?: Partial<RunnerSettings>): ScheduleRunner;
  /** Closes the store and both doubles (and whatever `cleanup` adds). */
  close(): Promise<void>;
}

async function world(store: Store, cleanup: () => unknown = () => undefined): Promise<World> {
  const sim = await startSimulator();
  const slack = await startSlackDouble();
  slack.members.add('C0REPORTS');
  await store.saveSchedule(schedule);
  const lines = new Lines();
  const logger = createLogger({ level: 'debug', destination: lines });
  const w: World = {
    sim,
    slack,
    store,
    lines,
    clock: Date.parse('2026-11-23T02:00:00Z'), // Monday 10:00 in Shanghai
    async close() {
      await store.close();
      await slack.close();
      await sim.close();
      await cleanup();
    },
    runner(owner, settings = {}) {
      return new ScheduleRunner({
        store,
        ...runnerDeps({ store, sim, slackApiUrl: slack.apiUrl, retry: FAST_WECHAT, logger }),
        logger,
        owner,
        settings: {
          leaseMs: LEASE,
          retryIntervalMs: 30 * 60_000,
          retryWindowMs: 6 * 3_600_000,
          storeRetry: { attempts: 50, initialDelayMs: 5, maxDelayMs: 20 },
          ...settings,
        },
        now: () => w.clock,
      });
    },
  };
  return w;
}

/** A world on a SQLite file in a temporary directory of its own, removed on close. */
function sqliteWorld(): Promise<World> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wxa-once-'));
  return world(new SqliteStore(path.join(dir, 'wxa.sqlite')), () => rmSync(dir, { recursive: true, force: true }));
}

const period = (w: World) => periodForFire(schedule, new Date(w.clock));
const posts = (w: World) => w.slack.callsTo('chat.postMessage');
const charts = (w: World) => w.slack.callsTo('files.completeUploadExternal');

const fullDiskSupported = canMountTmpfs();
if (!fullDiskSupported) process.stdout.write('[wxa] not root or no tmpfs: skipping the full-disk delivery tests (CI runs them as root).\n');
const describeFullDisk = fullDiskSupported ? describe : describe.skip;

describeFullDisk('a scheduled report is posted once when the disk fills up (SQLite on a real, small tmpfs)', () => {
  let disk: SmallDisk;
  let w: World;
  beforeEach(async () => {
    disk = mountSmallDisk(8);
    w = await world(new SqliteStore(path.join(disk.dir, 'wxa.sqlite')), () => disk.unmount());
  });
  afterEach(() => w.close());

  test('the disk fills right after the summary is posted and frees up during the retries: one summary, one chart, no failure notice, the run recorded', async () => {
    w.slack.gate('chat.postMessage', async () => disk.fill());
    w.lines.onLine = (l) => {
      if (l.msg === 'store write failed; retrying') disk.free();
    };
    const outcome = await w.runner('A').run(schedule, period(w));
    expect(outcome.outcome).toBe('posted');
    expect(w.lines.has('store write failed; retrying')).toBe(true);
    expect(posts(w)).toHaveLength(1);
    expect(charts(w)).toHaveLength(1);
    const run = await w.store.getRun(runKey(schedule.id, period(w)));
    expect(run).toMatchObject({ state: 'posted' });
    expect(run?.delivered?.ts).toBeTruthy();
    expect(run?.delivered?.fileIds).toHaveLength(1);
    // Long after the lease, other instances find nothing to do.
    w.clock += 2 * LEASE;
    await runDue(w.store, w.runner('B'), new Date(w.clock));
    expect(posts(w)).toHaveLength(1);
    expect(charts(w)).toHaveLength(1);
  });

  test('the disk stays full through every retry: still no failure notice; once it frees, the retake marks the run without posting again', async () => {
    w.slack.gate('chat.postMessage', async () => disk.fill());
    const runner = w.runner('A', { storeRetry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 } });
    expect((await runner.run(schedule, period(w))).outcome).toBe('posted');
    expect(w.lines.has('store write failed for good; the report is in Slack but the run record is behind')).toBe(true);
    expect(posts(w)).toHaveLength(1); // no "could not be posted" notice
    expect(charts(w)).toHaveLength(1);
    expect((await w.store.getRun(runKey(schedule.id, period(w))))?.state).toBe('running');

    disk.free();
    w.slack.gate('chat.postMessage', undefined);
    w.clock += LEASE + 1;
    await runDue(w.store, runner, new Date(w.clock));
    expect(posts(w)).toHaveLength(1);
    expect(charts(w)).toHaveLength(1);
    // Marked by the retake, or already by the background retry: either way once, and nothing re-posted.
    expect(await w.store.getRun(runKey(schedule.id, period(w)))).toMatchObject({ state: 'posted' });
  });

  test('the disk stays full past the inline retries: the record lands in the background once it frees, so another instance does not post again', async () => {
    w.slack.gate('chat.postMessage', async () => disk.fill());
    const runner = w.runner('A', { storeRetry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 } });
    expect((await runner.run(schedule, period(w))).outcome).toBe('posted');
    disk.free();
    await waitFor(() => w.lines.has('run record caught up with what was delivered'));
    w.clock += LEASE + 1;
    await runDue(w.store, w.runner('B'), new Date(w.clock));
    expect(posts(w)).toHaveLength(1);
    expect(charts(w)).toHaveLength(1);
    expect(await w.store.getRun(runKey(schedule.id, period(w)))).toMatchObject({ state: 'posted', attempts: 1 });
  });

  test('a full disk when the schedule fires: the claim is retried, and the fire is not lost', async () => {
    disk.fill();
    w.lines.onLine = (l) => {
      if (l.msg === 'store write failed; retrying') disk.free();
    };
    expect((await w.runner('A').run(schedule, period(w))).outcome).toBe('posted');
    expect(posts(w)).toHaveLength(1);
  });
});

describe('scheduled failure notices', () => {
  let w: World;
  beforeEach(async () => {
    w = await sqliteWorld();
  });
  afterEach(() => w.close());

  test("WeChat's errmsg in a public notice is escaped: no channel ping, no disguised link", async () => {
    w.sim.inject('datacube', { type: 'errcode', errcode: 47001, errmsg: '<!channel> <https://evil.example|reset here>' }, 10);
    expect((await w.runner('A').run(schedule, period(w))).outcome).toBe('failed');
    const notice = String(posts(w)[0]?.args.text);
    expect(notice).toMatch(/could not be posted/);
    expect(notice).not.toMatch(/<!channel>|<https:/);
    expect(notice).toContain('&lt;!channel&gt; &lt;https://evil.example|reset here&gt;');
  });
});

describe('the summary is posted but the chart is not', () => {
  let w: World;
  beforeEach(async () => {
    w = await sqliteWorld();
  });
  afterEach(() => w.close());

  test('a failed upload is retried later with the chart only; nobody is told the report failed', async () => {
    w.slack.fail('files.getUploadURLExternal', { status: 500 });
    const runner = w.runner('A');
    expect(await runner.run(schedule, period(w))).toMatchObject({ outcome: 'retrying', retryAt: w.clock + 30 * 60_000 });
    expect(posts(w)).toHaveLength(1); // the summary, and no notice
    expect(await w.store.getRun(runKey(schedule.id, period(w)))).toMatchObject({ state: 'retrying' });
    w.clock += 30 * 60_000;
    await runDue(w.store, w.runner('B'), new Date(w.clock));
    expect(posts(w)).toHaveLength(1);
    expect(charts(w)).toHaveLength(1);
    expect(await w.store.getRun(runKey(schedule.id, period(w)))).toMatchObject({ state: 'posted', attempts: 2 });
  });

  test('Slack refusing the token for the chart: the channel hears the summary is there, the chart is not, and that the admin must act', async () => {
    w.slack.fail('files.completeUploadExternal', { error: 'token_revoked' });
    expect((await w.runner('A').run(schedule, period(w))).outcome).toBe('failed');
    const notice = String(posts(w)[1]?.args.text);
    expect(notice).toMatch(
      /the summary is posted, but its chart could not be uploaded: Slack no longer accepts the bot's token \(`token_revoked`\)/,
    );
    expect(notice).toMatch(/reinstall the app or update SLACK_BOT_TOKEN/);
    expect(notice).not.toMatch(/could not be posted|in a minute/);
  });
});

/** Resolves once the condition holds; rejects after the deadline. */
async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeRedis('a scheduled report is posted once through a Redis restart', () => {
  let redis: PrivateRedis;
  let w: World;
  beforeEach(async () => {
    redis = await startPrivateRedis();
    w = await world(new RedisStore(redis.url, testPrefix()), () => redis.close());
  });
  afterEach(() => w.close());

  test('Redis goes down right after the summary is posted and comes back during the retries: one summary, one chart, no notice, the run recorded', async () => {
    let restarted: Promise<void> | undefined;
    w.slack.gate('chat.postMessage', () => redis.stop());
    w.lines.onLine = (l) => {
      if (l.msg === 'store write failed; retrying') restarted ??= redis.start();
    };
    const outcome = await w.runner('A').run(schedule, period(w));
    await restarted;
    expect(outcome.outcome).toBe('posted');
    expect(w.lines.has('store write failed; retrying')).toBe(true);
    expect(posts(w)).toHaveLength(1);
    expect(charts(w)).toHaveLength(1);
    const run = await w.store.getRun(runKey(schedule.id, period(w)));
    expect(run).toMatchObject({ state: 'posted' });
    expect(run?.delivered?.fileIds).toHaveLength(1);
    w.clock += 2 * LEASE;
    await runDue(w.store, w.runner('B'), new Date(w.clock));
    expect(posts(w)).toHaveLength(1);
  });
});

describe('a bot killed between the summary and the chart', () => {
  let sim: WeChatSimulator;
  let slack: SlackDouble;
  let dataDir: string;
  const procs: Started[] = [];
  beforeEach(async () => {
    sim = await startSimulator();
    slack = await startSlackDouble();
    slack.members.add('C0REPORTS');
    dataDir = mkdtempSync(path.join(tmpdir(), 'wxa-kill-'));
  });
  afterEach(async () => {
    for (const p of procs) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exit;
    }
    await slack.close();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<{ proc: Started; url: string }> {
    const port = await freePort();
    const proc = startBotProcess({
      ...botEnv(sim, slack, port),
      DATA_DIR: dataDir,
      SLACK_ADMIN_USERS: 'U0ADMIN',
      SCHEDULER_LEASE_MS: '1000',
      LOG_LEVEL: 'debug',
    });
    procs.push(proc);
    await proc.waitForOutput(/"msg":"runtime ready"/);
    return { proc, url: `http://127.0.0.1:${port}` };
  }
  const command = (url: string, text: string) =>
    sendCommand(url, SECRETS.signingSecret, { command: '/wxa', text, user_id: 'U0ADMIN', response_url: slack.responseUrl() });

  test('SIGKILL after the summary: the next process resumes and posts only the chart', async () => {
    const first = await start();
    const added = await command(first.url, 'schedule add summary weekly');
    const id = /Scheduled `(s[0-9a-f]+)`/.exec(String(added.json?.text))?.[1];
    expect(id).toBeDefined();
    // The bot dies the moment it asks for the chart's upload URL: the summary is out, the chart is not.
    slack.gate('files.getUploadURLExternal', async () => {
      first.proc.child.kill('SIGKILL');
      await first.proc.exit;
    });
    await command(first.url, `schedule run ${id}`);
    await first.proc.exit;
    slack.gate('files.getUploadURLExternal', undefined);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(0);

    const second = await start();
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 1, 30_000);
    await second.proc.waitForOutput(/"msg":"scheduled run posted"/);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.callsTo('files.completeUploadExternal')[0].args.channel_id).toBe('C0REPORTS');
    // What the first process recorded: the summary's ts (after the tag it was posted with), no chart.
    expect(second.proc.output()).toMatch(/"resumed":\{"posting":\{"at":\d+,"tag":"[0-9a-f-]{36}"\},"ts":"[0-9.]+"\}/);
  });
});
