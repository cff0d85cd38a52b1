import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';
import { freePort, sendCommand } from '../doubles/slack-requests';
import { clickElement, type Element } from '../helpers/click';
import { nextMinute } from '../helpers/clock';
import { metric, SECRETS } from '../helpers/harness';
import { botEnv, startBotProcess, type Started } from '../helpers/process';
import { describeRedis, dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis';

const ADMIN = 'U0ADMIN';

interface Bot {
  role: 'web' | 'worker';
  proc: Started;
  url: string;
}

/** `d` (YYYY-MM-DD) plus `days`, as YYYY-MM-DD (UTC arithmetic: dates only). */
function addDays(d: string, days: number): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** How a weekly report names its week in its blocks: "2017-03-06 – 2017-03-12". */
const weekRange = (monday: string) => `${monday} – ${addDays(monday, 6)}`;

/** How many log lines with this msg a process wrote. */
const lines = (b: Bot, msg: string) =>
  b.proc
    .output()
    .split('\n')
    .filter((l) => l.includes(`"msg":"${msg}"`)).length;

/** The job ids on a process's log lines with this msg (every report job's lines carry its id). */
const jobsLogged = (b: Bot, msg: string) =>
  b.proc
    .output()
    .split('\n')
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .map((l) => {
      try {
        return (JSON.parse(l) as { job?: string }).job;
      } catch {
        return undefined; // a line cut short by SIGKILL
      }
    })
    .filter((j): j is string => typeof j === 'string');

/** Polls `fn` until it holds (a condition, not a fixed sleep); rejects with `what` at the deadline. */
async function until(fn: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
};

// `npm start` in its split roles: one WXA_ROLE=web process receiving Slack's requests and two
// WXA_ROLE=worker processes running the report jobs, sharing a BullMQ queue and a store on Redis.
describeRedis('WXA_ROLE=web and WXA_ROLE=worker processes on Redis', () => {
  let sim: WeChatSimulator;
  let slack: SlackDouble;
  let prefix: string;
  let bots: Bot[] = [];

  async function start(role: Bot['role']): Promise<Bot> {
    const port = await freePort();
    const proc = startBotProcess({
      ...botEnv(sim, slack, port),
      WXA_ROLE: role,
      SLACK_ADMIN_USERS: ADMIN,
      REDIS_URL: REDIS_URL!,
      REDIS_PREFIX: prefix,
      JOB_LEASE_MS: '2000',
      SCHEDULER_LEASE_MS: '3000',
    });
    const bot = { role, proc, url: `http://127.0.0.1:${port}` };
    bots.push(bot);
    await proc.waitForOutput(/"msg":"runtime ready"/, 30_000);
    return bot;
  }

  /** Resolves once the web process sees `n` worker processes on the queue. */
  const workersSeen = (web: Bot, n: number) =>
    until(async () => metric((await get(`${web.url}/metrics`)).text, 'wxa_job_workers') === n, `wxa_job_workers ${n}`);

  /** Resolves once the shared queue has nothing waiting or running (every job finished). */
  const queueSettled = (web: Bot, timeoutMs = 20_000) =>
    until(
      async () => {
        const text = (await get(`${web.url}/metrics`)).text;
        return (
          text.includes('wxa_report_jobs') &&
          metric(text, 'wxa_report_jobs', { state: 'waiting' }) === 0 &&
          metric(text, 'wxa_report_jobs', { state: 'running' }) === 0
        );
      },
      'the job queue to settle',
      timeoutMs,
    );

  const command = (b: Bot, cmd: string, text: string, o: { user?: string; responseId?: string } = {}) =>
    sendCommand(b.url, SECRETS.signingSecret, {
      command: cmd,
      text,
      user_id: o.user ?? 'U0GROWTH',
      response_url: slack.responseUrl(o.responseId),
    });

  const posts = () => slack.callsTo('chat.postMessage');
  const uploads = () => slack.callsTo('files.completeUploadExternal');
  /** The posts of this week's report, by their header block ("Weekly retention · 2017-03-06 – 2017-03-12"). */
  const postsOfWeek = (monday: string) =>
    posts().filter((c) =>
      ((c.args.blocks ?? []) as { type: string; text?: { text?: string } }[]).some(
        (b) => b.type === 'header' && b.text?.text === `Weekly retention · ${weekRange(monday)}`,
      ),
    );
  /** The completed uploads of this week's chart, by the file's title. */
  const uploadsOfWeek = (monday: string) =>
    uploads().filter((c) =>
      ((c.args.files ?? []) as { title?: string }[]).some((f) => String(f.title).startsWith(`Weekly retention · ${weekRange(monday)}`)),
    );
  const kill = async (b: Bot) => {
    b.proc.child.kill('SIGKILL');
    await b.proc.exit;
  };

  beforeEach(async () => {
    prefix = testPrefix();
    sim = await startSimulator();
    slack = await startSlackDouble();
    slack.members.add('C0REPORTS');
  });
  afterEach(async () => {
    await Promise.all(
      bots.map(async (b) => {
        if (b.proc.child.exitCode === null && b.proc.child.signalCode === null) b.proc.child.kill('SIGKILL');
        await b.proc.exit;
      }),
    );
    bots = [];
    await slack.close();
    await sim.close();
    await dropPrefix(prefix);
  });

  test('slash commands sent to the web process are posted once each by the workers; health, readiness and metrics of every role', async () => {
    const [web, ...workers] = await Promise.all([start('web'), start('worker'), start('worker')]);
    await workersSeen(web, 2);
    const ready = await get(`${web.url}/readyz`);
    expect({ status: ready.status, body: ready.text }).toMatchObject({ status: 200 });

    const weeks = Array.from({ length: 6 }, (_, i) => addDays('2017-03-06', 7 * i));
    const acks = await Promise.all(weeks.map((w) => command(web, '/retain', `weekly ${w}`)));
    for (const a of acks) {
      expect(a.status).toBe(200);
      expect(String(a.json?.text)).toMatch(/Preparing/);
    }
    await slack.waitFor(() => uploads().length >= weeks.length, 30_000);
    await queueSettled(web);
    expect(posts()).toHaveLength(weeks.length);
    expect(uploads()).toHaveLength(weeks.length);
    for (const w of weeks) {
      expect([w, postsOfWeek(w).length]).toEqual([w, 1]);
      expect([w, uploadsOfWeek(w).length]).toEqual([w, 1]);
    }

    // The work happened in the workers: the web process produced nothing.
    expect(lines(web, 'report produced')).toBe(0);
    expect(workers.map((w) => lines(w, 'report produced')).reduce((a, b) => a + b, 0)).toBe(weeks.length);

    expect(metric((await get(`${web.url}/metrics`)).text, 'wxa_job_workers')).toBe(2);
    let fetched = 0;
    for (const w of workers) {
      expect((await get(`${w.url}/healthz`)).status).toBe(200);
      const m = await get(`${w.url}/metrics`);
      expect(m.status).toBe(200);
      expect(m.text).toContain('wxa_job_stage_seconds');
      // Each worker's job thread counted the stages of the reports it made; together, every report.
      fetched += metric(m.text, 'wxa_job_stage_seconds_count', { stage: 'fetch' });
      expect(metric(m.text, 'wxa_job_stage_seconds_count', { stage: 'upload' })).toBe(lines(w, 'report produced'));
    }
    expect(fetched).toBe(weeks.length);
  }, 90_000);

  test('/wxa schedule run from the web process is posted by a worker; the admin hears the outcome through the response_url', async () => {
    const [web, ...workers] = await Promise.all([start('web'), start('worker'), start('worker')]);
    await workersSeen(web, 2);
    // Schedules whose cron is 12 hours away: none fires by itself during the test.
    const { hhmm, weekday } = nextMinute('Asia/Shanghai', 12 * 3_600_000);
    const added = await command(web, '/wxa', `schedule add summary weekly at ${hhmm} on ${weekday}`, { user: ADMIN });
    expect(String(added.json?.text)).toMatch(/Scheduled `(s[0-9a-f]{6})`/);
    const id = /`(s[0-9a-f]{6})`/.exec(String(added.json?.text))![1];

    const run = await command(web, '/wxa', `schedule run ${id}`, { user: ADMIN, responseId: 'run-ok' });
    expect(run.status).toBe(200);
    expect(String(run.json?.text)).toContain(`Posting schedule \`${id}\``);
    await slack.waitFor(() => uploads().length === 1, 30_000);
    expect(posts()).toHaveLength(1);
    expect(posts()[0].args.channel).toBe('C0REPORTS');
    // The web process waited for the worker's outcome through the queue, then audited it.
    await web.proc.waitForOutput(/"outcome":"run:posted"/, 20_000);
    expect(lines(web, 'scheduled run started')).toBe(0);
    expect(workers.map((w) => lines(w, 'scheduled run started')).reduce((a, b) => a + b, 0)).toBe(1);

    // A run that fails (another report, so nothing of it is cached; WeChat's quota used up): the
    // outcome comes back from the worker and is told in words.
    const other = await command(web, '/wxa', `schedule add visits daily at ${hhmm}`, { user: ADMIN });
    const otherId = /`(s[0-9a-f]{6})`/.exec(String(other.json?.text))?.[1];
    expect(otherId).toBeDefined();
    sim.inject('datacube', { type: 'errcode', errcode: 45009 }, 200);
    const failing = await command(web, '/wxa', `schedule run ${otherId}`, { user: ADMIN, responseId: 'run-failed' });
    expect(String(failing.json?.text)).toContain(`Posting schedule \`${otherId}\``);
    await slack.waitFor(() => slack.responses.some((r) => r.id === 'run-failed'), 30_000);
    const told = slack.responses.filter((r) => r.id === 'run-failed');
    expect(told).toHaveLength(1);
    expect(String(told[0].body.text)).toBe('Schedule run finished: it could not be posted; the channel was told why.');
    expect(told[0].body.response_type).toBe('ephemeral');
    expect(posts().some((c) => /could not be posted/.test(String(c.args.text)))).toBe(true);
    // A posted run needs no follow-up: the ack said it was being posted.
    expect(slack.responses.filter((r) => r.id === 'run-ok')).toEqual([]);
    expect(lines(web, 'scheduled run started')).toBe(0);
  }, 90_000);

  test('a button click sent to the web process is posted in the clicked thread by a worker', async () => {
    const [web, ...workers] = await Promise.all([start('web'), start('worker'), start('worker')]);
    await workersSeen(web, 2);
    await command(web, '/retain', 'weekly 2017-03-06');
    await slack.waitFor(() => uploads().length === 1, 30_000);
    const blocks = posts()[0].args.blocks as { type: string; elements?: Element[] }[];
    const prev = blocks.find((b) => b.type === 'actions')?.elements?.find((e) => e.action_id === 'wxa_nav_prev');
    expect(prev).toBeDefined();
    // The ts Slack gave the report (any ts: the bot threads under whatever message was clicked).
    const ts = '1489000000.000100';
    expect(await clickElement({ slack, baseUrl: web.url }, { ts, channel: 'C0REPORTS' }, prev!)).toBe(200);
    await slack.waitFor(() => uploads().length === 2, 30_000);
    await queueSettled(web);
    expect(posts()).toHaveLength(2);
    const reply = posts()[1];
    expect(reply.args.thread_ts).toBe(ts);
    expect(JSON.stringify(reply.args.blocks)).toContain(weekRange('2017-02-27'));
    expect(uploads()[1].args.thread_ts).toBe(ts);
    expect(lines(web, 'report produced')).toBe(0);
    expect(workers.map((w) => lines(w, 'report produced')).reduce((a, b) => a + b, 0)).toBe(2);
  }, 90_000);

  test('a worker killed (SIGKILL) mid-job: another worker takes the job over and finishes it without posting the message again', async () => {
    const web = await start('web');
    // Nobody to run its jobs yet: the web process is not ready, and says why.
    const alone = await get(`${web.url}/readyz`);
    expect(alone.status).toBe(503);
    expect(alone.text).toContain('no worker is taking jobs');
    // A command meanwhile is refused in its ack, and nothing is queued for later.
    const refused = await command(web, '/retain', 'weekly 2017-02-27');
    expect(String(refused.json?.text)).toMatch(/No worker is running to prepare reports right now, so nothing was done/);
    const first = await start('worker');
    await workersSeen(web, 1);
    // Hold the chart's upload: the message is in the channel (and recorded) when the worker dies.
    const { arrived: uploading, release } = slack.hold('files.getUploadURLExternal');
    await command(web, '/retain', 'weekly 2017-03-06');
    await uploading;
    expect(posts()).toHaveLength(1);

    const second = await start('worker');
    await kill(first);
    release();
    const killedAt = Date.now();
    await slack.waitFor(() => uploads().length === 1, 30_000);
    const tookOverMs = Date.now() - killedAt;
    await queueSettled(web);
    expect(posts()).toHaveLength(1);
    expect(uploads()).toHaveLength(1);
    expect(uploadsOfWeek('2017-03-06')).toHaveLength(1);
    // The upload was the second worker's: it asked for an upload URL again (the first's is lost with it).
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(2);
    expect(lines(first, 'report delivered')).toBe(0);
    // The very job the first worker was cut off in, finished by the second.
    const [cut] = jobsLogged(first, 'report produced');
    expect(cut).toBeDefined();
    expect(jobsLogged(second, 'report delivered')).toEqual([cut]);
    process.stdout.write(`[roles-redis] takeover after SIGKILL: chart uploaded ${tookOverMs} ms after the kill\n`);
  }, 90_000);

  test('a worker killed while Slack is taking its message (answered, not yet recorded): the takeover finds the tagged message and does not post it again', async () => {
    const web = await start('web');
    const first = await start('worker');
    await workersSeen(web, 1);
    // Hold chat.postMessage: the worker has recorded that it is posting (with the message's tag), Slack has the call.
    const { arrived: posting, release } = slack.hold('chat.postMessage');
    await command(web, '/retain', 'weekly 2017-03-06');
    await posting;
    const second = await start('worker');
    await kill(first);
    // Slack now takes the message: it is in the channel, but its worker is gone and never recorded its ts.
    release();
    await slack.waitFor(() => uploads().length === 1, 30_000);
    await queueSettled(web);
    expect(slack.messages.filter((m) => m.channel === 'C0REPORTS' && !m.files)).toHaveLength(1);
    expect(posts()).toHaveLength(1);
    expect(slack.callsTo('conversations.history').length).toBeGreaterThanOrEqual(1);
    expect(uploadsOfWeek('2017-03-06')).toHaveLength(1);
    expect(lines(second, 'report delivered')).toBe(1);
  }, 90_000);

  test('a steady stream of 20 commands while a worker is SIGKILLed mid-stream: every week posted once, every chart uploaded once', async () => {
    const [web, ...workers] = await Promise.all([start('web'), start('worker'), start('worker')]);
    await workersSeen(web, 2);
    const weeks = Array.from({ length: 20 }, (_, i) => addDays('2017-03-06', 7 * i));
    const started = Date.now();
    let killed: Bot | undefined;
    let postsAtKill = 0;
    const killer = slack
      .waitFor(() => posts().length >= 5, 60_000)
      .then(async () => {
        // Killed wherever it is: mid-fetch, mid-post (Slack may have the message, its record not yet: the
        // takeover finds it by its tag) or mid-upload. The worker with the most reports in hand goes.
        const inHand = (w: Bot) => lines(w, 'report produced') - lines(w, 'report delivered');
        killed = workers.reduce((a, b) => (inHand(b) > inHand(a) ? b : a));
        postsAtKill = posts().length;
        await kill(killed);
      });
    void killer.catch(() => undefined); // awaited below; its failure is reported there
    // A steady stream: at most 4 commands ahead of what is posted, so sending goes on past the kill.
    for (const [i, w] of weeks.entries()) {
      await slack.waitFor(() => posts().length >= i - 4, 60_000);
      const ack = await command(web, '/retain', `weekly ${w}`);
      expect(ack.status).toBe(200);
    }
    await killer;
    await slack.waitFor(() => uploads().length >= weeks.length, Math.max(1_000, 60_000 - (Date.now() - started)));
    await queueSettled(web);
    const elapsed = Date.now() - started;
    expect(postsAtKill).toBeLessThan(weeks.length);
    const counted = weeks.map((w) => [w, postsOfWeek(w).length, uploadsOfWeek(w).length]);
    expect(counted).toEqual(weeks.map((w) => [w, 1, 1]));
    expect(slack.messages.filter((m) => m.channel === 'C0REPORTS' && !m.files)).toHaveLength(weeks.length);
    expect(uploads()).toHaveLength(weeks.length);
    // The survivor took over every job the killed worker had in hand.
    const survivor = workers.find((w) => w !== killed)!;
    const finished = jobsLogged(killed!, 'report delivered');
    const cut = jobsLogged(killed!, 'report produced').filter((j) => !finished.includes(j));
    const resumed = jobsLogged(survivor, 'report delivered');
    const alreadyDone = jobsLogged(survivor, 'job already finished by another worker');
    for (const j of cut) expect([j, resumed.includes(j) || alreadyDone.includes(j)]).toEqual([j, true]);
    expect(lines(web, 'report produced')).toBe(0);
    process.stdout.write(`[roles-redis] 20-week stream with a SIGKILL after ${postsAtKill} posts: ${elapsed} ms\n`);
  }, 120_000);

  test('WXA_ROLE=worker without REDIS_URL stops at start and says why, naming WXA_ROLE', async () => {
    const port = await freePort();
    const proc = startBotProcess({ ...botEnv(sim, slack, port), WXA_ROLE: 'worker' });
    let stderr = '';
    proc.child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    bots.push({ role: 'worker', proc, url: `http://127.0.0.1:${port}` });
    const code = await proc.exit;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(stderr).toContain('WXA_ROLE');
    expect(stderr).toMatch(/REDIS_URL/);
    expect(proc.output()).not.toContain('runtime ready');
  }, 30_000);
});
