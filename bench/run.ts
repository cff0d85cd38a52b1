import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, setPriority, tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { startSimulator } from '../src/sandbox/server';
import { freePort, sendCommand } from '../test/doubles/slack-requests';
import { createWeChatClient } from '../src/wechat/client';
import { addDays } from '../src/calendar/period';
import { isoDate } from '../src/calendar/labels';
import type { FromDoubles, ToDoubles } from './doubles';
import { benchDigest } from './digest';
import { percentile, round } from './stats';

// npm run bench: everything on loopback, in one run. Prints a table and writes bench/results.json.
const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-0000-token';
const ROOT = path.resolve(__dirname, '../..');
const weeks = (n: number, from = 0) => Array.from({ length: n }, (_, i) => isoDate(addDays('20170102', 7 * (from + i))));

/**
 * Starts a process and resolves with it and its output up to the line matching `ready`. After that
 * its output is drained, and only handed line by line to `onLine` when given.
 */
function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  o: { cwd?: string; onLine?: (line: string) => void } = {},
): Promise<{ child: ChildProcess; out: string }> {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd: o.cwd });
  return new Promise((resolve, reject) => {
    let out = '';
    let isReady = false;
    let partial = '';
    const onData = (d: Buffer) => {
      if (isReady) {
        if (!o.onLine) return; // keep draining the pipe, stop keeping the text
        const lines = (partial + d.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) o.onLine(line);
        return;
      }
      out += d.toString();
      if (ready.test(out)) {
        isReady = true;
        resolve({ child, out });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}):\n${out}`)));
  });
}

/** A compiled node file of this project in a process of its own (BENCH_NODE_ARGS, e.g. "--cpu-prof", profiles it). */
function startNode(file: string, env: Record<string, string>, ready: RegExp, onLine?: (line: string) => void) {
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return startProcess(process.execPath, [...nodeArgs, file], env, ready, { onLine });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return; // exited, or killed by a signal
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

interface Ctx {
  doubles: ChildProcess;
  /** The Slack double's base URL (response_url lives there). */
  slackUrl: string;
  /** Per channel, what to call when its chart upload completes (one map lookup per call, not a scan). */
  uploaded: Map<string, () => void>;
  /** While set, what reached each channel (each report has its own): messages posted, uploads completed. */
  tally?: Map<string, Tally>;
}

interface Tally {
  posts: number;
  uploads: number;
  /** performance.now() when the first upload completed. */
  firstUploadAt?: number;
}

/** Starts bench/doubles.js and resolves once its servers listen. */
function startDoubles(): Promise<{ child: ChildProcess; ready: Extract<FromDoubles, { type: 'ready' }> }> {
  const child = fork(path.join(ROOT, 'dist/bench/doubles.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // They stand in for Slack's and WeChat's servers, which use none of this machine's CPU: at a lower
  // priority they take only what the processes under test leave.
  if (child.pid !== undefined) setPriority(child.pid, DOUBLES_NICE);
  return new Promise((resolve, reject) => {
    child.once('message', (m: FromDoubles) =>
      m.type === 'ready' ? resolve({ child, ready: m }) : reject(new Error(`doubles said ${m.type} first`)),
    );
    child.once('exit', (code) => reject(new Error(`the doubles process exited (${code})`)));
  });
}

function tellDoubles(ctx: Ctx, m: ToDoubles): Promise<void> {
  return new Promise((resolve) => void ctx.doubles.send(m, () => resolve()));
}

const DOUBLES_NICE = 10;
let channelSeq = 0;
let responseSeq = 0;
const UPLOAD_TIMEOUT_MS = 120_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when the channel's chart upload completes; rejects, naming the channel, after UPLOAD_TIMEOUT_MS. */
function uploadTo(ctx: Ctx, channel: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no chart reached ${channel} within ${UPLOAD_TIMEOUT_MS} ms`)), UPLOAD_TIMEOUT_MS);
    ctx.uploaded.set(channel, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Sends one command to a channel of its own; resolves with the channel, when it was sent and its ack latency (ms). */
async function send(ctx: Ctx, url: string, text: string, beforeSend?: (channel: string) => void) {
  const channel = `C${String(channelSeq++).padStart(8, '0')}`;
  beforeSend?.(channel);
  const t0 = performance.now();
  const res = await sendCommand(url, SECRET, {
    command: '/retain',
    text,
    channel_id: channel,
    response_url: `${ctx.slackUrl}/respond/${responseSeq++}`,
  });
  if (res.status !== 200) throw new Error(`command answered HTTP ${res.status}`);
  return { channel, t0, ack: performance.now() - t0 };
}

/** Sends one command and resolves with ack and end-to-end latency (ms): end to end is until its chart upload completes. */
async function report(ctx: Ctx, url: string, text: string, waitUpload: boolean): Promise<{ ack: number; e2e: number }> {
  let uploaded: Promise<void> = Promise.resolve();
  const { t0, ack } = await send(ctx, url, text, (channel) => {
    if (waitUpload) uploaded = uploadTo(ctx, channel);
  });
  await uploaded;
  return { ack, e2e: performance.now() - t0 };
}

async function burst(ctx: Ctx, url: string, texts: string[], waitUpload: boolean) {
  return Promise.all(texts.map((t) => report(ctx, url, t, waitUpload)));
}

/**
 * Calls `call` n times, one every `intervalMs` by the clock. The generator never catches up: when a
 * send goes out more than half an interval late (the generator's own loop was busy, or its timer
 * fired late), the schedule restarts from that send, so no two commands ever leave closer than half
 * an interval, never as a queued burst. Returns the results and the gaps between sends as they
 * happened (their minimum, median, maximum and rate are reported).
 */
async function paced<T>(n: number, intervalMs: number, call: (i: number) => Promise<T>): Promise<{ results: T[]; gaps: number[] }> {
  const all: Promise<T>[] = [];
  const gaps: number[] = [];
  let due = performance.now();
  let last: number | undefined;
  for (let i = 0; i < n; i++) {
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const now = performance.now();
    if (last !== undefined) gaps.push(now - last);
    last = now;
    all.push(call(i));
    // Nearly on time: keep the clock's schedule. Late: start again from now, the missed sends dropped, not queued.
    due = (now - due > intervalMs / 2 ? now : due) + intervalMs;
  }
  return { results: await Promise.all(all), gaps };
}

const gapSummary = (gaps: number[]) => ({
  min: round(Math.min(...gaps)),
  p50: round(percentile(gaps, 50)),
  max: round(Math.max(...gaps)),
  perSecond: round(gaps.length / (gaps.reduce((a, b) => a + b, 0) / 1000)),
});

/** A steady stream: one command every STEADY_INTERVAL_MS (see paced); resolves with the acks once every report is done. */
async function stream(ctx: Ctx, url: string, texts: string[], waitUpload: boolean) {
  const { results, gaps } = await paced(texts.length, STEADY_INTERVAL_MS, (i) => report(ctx, url, texts[i], waitUpload));
  return { acks: results.map((r) => r.ack), gaps };
}

const STEADY_INTERVAL_MS = Number(process.env.STEADY_INTERVAL_MS ?? 10);
// Rounds x per round stays under 400 weeks: the warm-up's weeks (400-449) are cached, later ones not yet complete.
const STEADY_PER_ROUND = Number(process.env.STEADY_PER_ROUND ?? 80);
const STEADY_ROUNDS = Number(process.env.STEADY_ROUNDS ?? 5);

/**
 * Issue 15's measure: bare Bolt and the bot take the same steady stream in alternating rounds; each
 * bot command is a different week (an uncached report, its chart drawn; the bot must have seen none of
 * weeks 0-399). A bot round ends when its last chart is uploaded, so the next bare round meets an idle
 * bot. The median of the rounds' p99 ratios, with every round's ratio for the spread.
 */
async function steadyRounds(ctx: Ctx, bareUrl: string, botUrl: string) {
  const ratios: number[] = [];
  const rounds: { bare: Summary; bot: Summary; bareGapsMs: ReturnType<typeof gapSummary>; botGapsMs: ReturnType<typeof gapSummary> }[] = [];
  for (let n = 0; n < STEADY_ROUNDS; n++) {
    const texts = weeks(STEADY_PER_ROUND, n * STEADY_PER_ROUND).map((w) => `weekly ${w}`);
    const bare = await stream(ctx, bareUrl, texts, false);
    const bot = await stream(ctx, botUrl, texts, true);
    rounds.push({ bare: summary(bare.acks), bot: summary(bot.acks), bareGapsMs: gapSummary(bare.gaps), botGapsMs: gapSummary(bot.gaps) });
    ratios.push(round2(percentile(bot.acks, 99) / percentile(bare.acks, 99)));
  }
  return {
    intervalMs: STEADY_INTERVAL_MS,
    perRound: STEADY_PER_ROUND,
    wechatCallsPerMinute: wechatQuota(),
    p99RatioMedian: percentile(ratios, 50),
    p99RatioByRound: ratios,
    rounds,
  };
}
type Steady = Awaited<ReturnType<typeof steadyRounds>>;

const SHARED_COMMANDS = Number(process.env.SHARED_COMMANDS ?? 300);
const SHARED_KILL_AFTER = Number(process.env.SHARED_KILL_AFTER ?? Math.floor(SHARED_COMMANDS / 2));
const SHARED_LEASE_MS = Number(process.env.SHARED_LEASE_MS ?? 3000);
/** How long the shared part waits, after its last command, for every report to be delivered. */
const SHARED_WAIT_MS = 180_000;

/** The file's full path if `bin` is on PATH. */
function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, bin))) return path.join(dir, bin);
  }
  return undefined;
}

/** What a worker process's log says it did (pino's JSON lines, one count per message). */
function logCounter() {
  const wanted = {
    delivered: '"msg":"report delivered"',
    failed: '"msg":"report failed"',
    alreadyDone: '"msg":"job already finished by another worker"',
    attemptFailed: '"msg":"job attempt failed"',
    givenUp: '"msg":"job given up"',
    threadDied: '"msg":"a job thread died',
  };
  const counts = Object.fromEntries(Object.keys(wanted).map((k) => [k, 0])) as Record<keyof typeof wanted, number>;
  const onLine = (line: string) => {
    for (const [k, needle] of Object.entries(wanted)) if (line.includes(needle)) counts[k as keyof typeof wanted]++;
  };
  return { counts, onLine };
}

/**
 * Shared mode: a redis-server of our own, one WXA_ROLE=web process and two WXA_ROLE=worker processes
 * (JOB_LEASE_MS=SHARED_LEASE_MS). After an unmeasured warm-up burst through the web, the steady
 * stream (SHARED_COMMANDS uncached weekly reports, one every STEADY_INTERVAL_MS) goes to the web, and
 * the first worker is SIGKILLed as command SHARED_KILL_AFTER is sent. Every report's channel is then
 * counted at the Slack double: one chat.postMessage and one completed upload each, or it is lost or
 * duplicated.
 */
async function sharedMode(ctx: Ctx, botEnv: (dataDir: string) => Record<string, string>): Promise<Shared> {
  const redisBin = onPath('redis-server');
  if (!redisBin) return { skipped: 'redis-server is not installed' };
  const dir = mkdtempSync(path.join(tmpdir(), 'wxa-bench-shared-'));
  const redisPort = await freePort();
  const redis = await startProcess(
    redisBin,
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {},
    /Ready to accept connections/,
    { cwd: dir },
  );
  const started: ChildProcess[] = [];
  try {
    const env = (role: string, sub: string) => ({
      ...botEnv(path.join(dir, sub)),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      WXA_ROLE: role,
      JOB_LEASE_MS: String(SHARED_LEASE_MS),
    });
    const web = await startBot(env('web', 'web'));
    started.push(web.child);
    const logs = [logCounter(), logCounter()];
    const workers: Awaited<ReturnType<typeof startBot>>[] = [];
    for (const [i, log] of logs.entries()) {
      const w = await startBot(env('worker', `worker${i}`), log.onLine);
      started.push(w.child);
      workers.push(w);
    }
    progress(`shared mode: warm-up burst through the web (${warmUpTexts.length})`);
    const warmUp = await burst(ctx, web.url, warmUpTexts, true);

    progress(
      `shared mode: ${SHARED_COMMANDS} commands, one every ${STEADY_INTERVAL_MS} ms, the first worker SIGKILLed after ${SHARED_KILL_AFTER}`,
    );
    const tally = new Map<string, Tally>();
    ctx.tally = tally;
    await tellDoubles(ctx, { type: 'countPosts', on: true });
    const texts = weeks(SHARED_COMMANDS, 0).map((w) => `weekly ${w}`);
    let killedAt = Number.NaN;
    const { results: sent, gaps } = await paced(SHARED_COMMANDS, STEADY_INTERVAL_MS, (i) => {
      if (i === SHARED_KILL_AFTER) {
        workers[0].child.kill('SIGKILL');
        killedAt = performance.now();
      }
      return send(ctx, web.url, texts[i]);
    });
    const streamEnded = performance.now();
    const done = () => sent.every((s) => (tally.get(s.channel)?.uploads ?? 0) > 0);
    while (!done() && performance.now() - streamEnded < SHARED_WAIT_MS) await sleep(200);
    const allDoneMs = performance.now() - streamEnded;
    // As long again as a takeover takes (the lock lapsing, then the stalled-job check), for late duplicates.
    await sleep(3 * SHARED_LEASE_MS + 2_000);
    ctx.tally = undefined;
    await tellDoubles(ctx, { type: 'countPosts', on: false });
    const bull = await bullJobs(redisPort);

    const of = (s: { channel: string }) => tally.get(s.channel) ?? { posts: 0, uploads: 0 };
    const lost = sent.filter((s) => of(s).posts === 0 || of(s).uploads === 0);
    const duplicated = sent.filter((s) => of(s).posts > 1 || of(s).uploads > 1);
    const e2e = sent.flatMap((s) => {
      const at = of(s).firstUploadAt;
      return at === undefined ? [] : [at - s.t0];
    });
    return {
      web: 1,
      workers: 2,
      jobLeaseMs: SHARED_LEASE_MS,
      wechatCallsPerMinute: wechatQuota(),
      intervalMs: STEADY_INTERVAL_MS,
      commands: SHARED_COMMANDS,
      killedAfter: SHARED_KILL_AFTER,
      killedAtMs: round(killedAt - sent[0].t0),
      sendGapsMs: gapSummary(gaps),
      warmUp: { ack: summary(warmUp.map((r) => r.ack)), endToEnd: summary(warmUp.map((r) => r.e2e)) },
      ack: summary(sent.map((s) => s.ack)),
      endToEnd: summary(e2e),
      lastDeliveredAfterStreamMs: round(allDoneMs),
      lost: lost.length,
      duplicated: duplicated.length,
      missingPosts: sent.filter((s) => of(s).posts === 0).length,
      missingUploads: sent.filter((s) => of(s).uploads === 0).length,
      doublePosts: sent.filter((s) => of(s).posts > 1).length,
      doubleUploads: sent.filter((s) => of(s).uploads > 1).length,
      // BullMQ's own record (warm-up included): jobs found stalled (their worker killed) and taken over, jobs tried again.
      bullJobs: bull,
      // From each worker's log (warm-up included); the killed one's stops at the kill.
      workerLogs: logs.map((l) => l.counts),
    };
  } finally {
    ctx.tally = undefined;
    for (const c of started.reverse()) await stop(c);
    await stop(redis.child);
    rmSync(dir, { recursive: true, force: true });
  }
}
/** BullMQ's jobs on the bench's Redis: how many, how many were taken over after stalling (`stc`), how many tried more than once (`atm`). */
async function bullJobs(port: number): Promise<{ jobs: number; takenOver: number; triedAgain: number }> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  try {
    await redis.connect();
    const out = { jobs: 0, takenOver: 0, triedAgain: 0 };
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'wxa:bull:wxa-jobs:*', 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        if (!/:[0-9a-f]{40}$/.test(key)) continue; // a job's hash (its id is a SHA-1), not the queue's lists and sets
        const [stc, atm] = await redis.hmget(key, 'stc', 'atm');
        out.jobs++;
        if (Number(stc ?? 0) > 0) out.takenOver++;
        if (Number(atm ?? 0) > 1) out.triedAgain++;
      }
    } while (cursor !== '0');
    return out;
  } finally {
    redis.disconnect();
  }
}

type Shared =
  | { skipped: string }
  | {
      commands: number;
      killedAfter: number;
      jobLeaseMs: number;
      intervalMs: number;
      ack: Summary;
      endToEnd: Summary;
      lost: number;
      duplicated: number;
      bullJobs: Awaited<ReturnType<typeof bullJobs>>;
      [k: string]: unknown;
    };

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const round2 = (x: number) => round(x, 2);
const summary = (xs: number[]) => ({ p50: round(percentile(xs, 50)), p99: round(percentile(xs, 99)), n: xs.length });
type Summary = ReturnType<typeof summary>;

/** Tuning knobs the bot under test takes from the bench's own environment, when set. */
const passThrough = Object.fromEntries(
  ['RENDER_THREADS', 'RENDER_CACHE_MB', 'REPORT_CONCURRENCY', 'JOB_THREADS', 'WECHAT_CALLS_PER_MINUTE'].flatMap((k) =>
    process.env[k] ? [[k, process.env[k] as string]] : [],
  ),
);

const BENCH_WECHAT_CALLS_PER_MINUTE = '100000';
/** The WeChat call quota each bot process under test has (per process; job threads share it). */
const wechatQuota = () => Number(passThrough.WECHAT_CALLS_PER_MINUTE ?? BENCH_WECHAT_CALLS_PER_MINUTE);

/** The same 50 weekly reports each freshly started app gets first, unmeasured (weeks 400-449, far from the measured ones). */
const warmUpTexts = weeks(50, 400).map((w) => `weekly ${w}`);

/** How the bot under test is started (set once the doubles listen). */
let botEnv: (dataDir: string) => Record<string, string> = () => ({});

/** Starts the bot as `npm start` runs it (its environment from botEnv, then `extra`). */
async function startBot(extra: Record<string, string>, onLine?: (line: string) => void) {
  const port = await freePort();
  const { child, out } = await startNode(
    path.join(ROOT, 'dist/src/main.js'),
    { PORT: String(port), ...passThrough, ...extra },
    /runtime ready/,
    onLine,
  );
  const setting = (name: string) => Number(new RegExp(`"${name}":(\\d+)`).exec(out)?.[1]);
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    jobThreads: setting('jobThreads'),
    renderThreads: setting('renderThreads'),
    reportConcurrency: setting('reportConcurrency'),
  };
}

const SUSTAIN_MS = 30_000;
const SUSTAIN_LANES = Number(process.env.SUSTAIN_LANES ?? 16);

/** Reports per second for SUSTAIN_MS, SUSTAIN_LANES commands in flight, each counted once its chart is uploaded. */
async function sustain(ctx: Ctx, target: string) {
  const pool = weeks(250, 0);
  const until = performance.now() + SUSTAIN_MS;
  let completed = 0;
  const lanes = Array.from({ length: SUSTAIN_LANES }, async (_, lane) => {
    for (let i = lane; performance.now() < until; i += SUSTAIN_LANES) {
      await report(ctx, target, `weekly ${pool[i % pool.length]}`, true);
      completed++;
    }
  });
  const t0 = performance.now();
  await Promise.all(lanes);
  const seconds = (performance.now() - t0) / 1000;
  return { reports: completed, seconds: round(seconds), perSecond: round(completed / seconds), inFlight: SUSTAIN_LANES };
}

/** Linux's clock ticks per second for /proc's CPU times (USER_HZ, 100 on every common kernel). */
const CLK_TCK = 100;

/**
 * CPU seconds so far of a process's threads: `main` (the receiving thread in the bot), then the others
 * by their nice value (Linux, where nice is per thread): in the bot, nice0 is V8's and libuv's helper
 * threads (the process's GC and compiler helpers serve every thread), nice5 (JOB_NICE) the job thread,
 * nice15 its render threads (10 below the job thread that starts them). Threads that exited are not
 * counted. Undefined where there is no /proc.
 */
function cpuByNice(pid: number | undefined): Record<string, number> | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/task`)) return undefined;
  const out: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
      const key = tid === String(pid) ? 'main' : `nice${f[16]}`;
      out[key] = (out[key] ?? 0) + (Number(f[11]) + Number(f[12])) / CLK_TCK;
    } catch {
      // the thread exited meanwhile
    }
  }
  return out;
}

/** The machine's CPU time so far (all cores): busy and total seconds, from /proc/stat. */
function machineCpu(): { busy: number; total: number } | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: (total - f[3] - f[4]) / CLK_TCK, total: total / CLK_TCK };
}

/**
 * Where the CPU goes while `work` runs: per unit of work (`units()` when it is done), in ms, for each
 * process given (by thread nice value), this load generator, and how busy the machine was.
 */
async function cpuDuring<T>(
  processes: Record<string, number | undefined>,
  units: (r: T) => number,
  work: () => Promise<T>,
): Promise<{ result: T; cpu?: Record<string, unknown> }> {
  const before = Object.fromEntries(Object.entries(processes).map(([k, pid]) => [k, cpuByNice(pid)]));
  const m0 = machineCpu();
  const self0 = process.cpuUsage();
  const result = await work();
  const self = process.cpuUsage(self0);
  const m1 = machineCpu();
  if (!m0 || !m1) return { result };
  const n = units(result);
  const perUnit = (seconds: number) => round((seconds * 1000) / n, 2);
  const msPerUnit: Record<string, unknown> = {};
  for (const [k, pid] of Object.entries(processes)) {
    const a = before[k] ?? {};
    const b = cpuByNice(pid) ?? {};
    msPerUnit[k] = Object.fromEntries(Object.keys(b).map((key) => [key, perUnit(b[key] - (a[key] ?? 0))]));
  }
  msPerUnit.loadGenerator = perUnit((self.user + self.system) / 1e6);
  return { result, cpu: { msPerUnit, machineBusyPct: round(((m1.busy - m0.busy) / (m1.total - m0.total)) * 100) } };
}

type Row = [measure: string, result: string, target: string, met: boolean | undefined];

/** The table as Markdown: each target followed by `met`, `NOT met`, or `not measured`. */
function table(rows: Row[]): string {
  const w0 = Math.max('measure'.length, ...rows.map((x) => x[0].length));
  const w1 = Math.max('result'.length, ...rows.map((x) => x[1].length));
  const verdict = (target: string, ok: boolean | undefined) =>
    target ? `${target} ${ok === undefined ? 'not measured' : ok ? 'met' : 'NOT met'}` : '';
  const lines = rows.map(([k, v, target, ok]) => `| ${k.padEnd(w0)} | ${v.padEnd(w1)} | ${verdict(target, ok)} |`);
  return `\n| ${'measure'.padEnd(w0)} | ${'result'.padEnd(w1)} | target |\n|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|---|\n${lines.join('\n')}\n\n`;
}

type DrawnCpu = {
  msPerUnit: { bot?: Record<string, number>; doubles?: Record<string, number>; loadGenerator: number };
  machineBusyPct: number;
};

/** Where a drawn report's CPU went (Linux only). */
function drawnCpuRows(cpu: DrawnCpu | undefined): Row[] {
  if (!cpu) return [];
  const bot = cpu.msPerUnit.bot ?? {};
  const sum = (o: Record<string, number> | undefined) => round(Object.values(o ?? {}).reduce((a, b) => a + b, 0));
  const render = round(Object.entries(bot).reduce((a, [k, v]) => (k.startsWith('nice') && Number(k.slice(4)) > 5 ? a + v : a), 0));
  return [
    [
      '  CPU ms per drawn report: render threads / job thread / receiving thread / V8 and libuv helpers / doubles / load generator; machine busy',
      `${render} / ${round(bot.nice5 ?? 0)} / ${round(bot.main ?? 0)} / ${round(bot.nice0 ?? 0)} / ${sum(cpu.msPerUnit.doubles)} / ${round(cpu.msPerUnit.loadGenerator)}; ${cpu.machineBusyPct}%`,
      '',
      true,
    ],
  ];
}

const STEADY_TARGET = 1.5;

function steadyRows(st: Steady): Row[] {
  const range = (xs: number[], unit = '') => `${Math.min(...xs)}${unit}-${Math.max(...xs)}${unit}`;
  return [
    [
      `steady stream: ack p99 bot / bare Bolt, median of ${st.rounds.length} rounds (${st.perRound} uncached weekly, one every ${st.intervalMs} ms)`,
      `${st.p99RatioMedian}x (rounds ${range(st.p99RatioByRound, 'x')})`,
      `<= ${STEADY_TARGET}x`,
      st.p99RatioMedian <= STEADY_TARGET,
    ],
    [
      '  steady stream: ack p99 per round, bot / bare Bolt',
      `${range(st.rounds.map((r) => r.bot.p99))} / ${range(st.rounds.map((r) => r.bare.p99))} ms`,
      '',
      true,
    ],
  ];
}

function sharedRows(sh: Shared): Row[] {
  const name = 'shared mode (1 web + 2 workers on Redis), worker SIGKILLed mid-stream: reports lost / duplicated';
  if ('skipped' in sh) return [[name, `skipped: ${sh.skipped}`, '0 / 0', undefined]];
  return [
    [
      `shared mode (1 web + 2 workers on Redis), ${sh.commands} uncached weekly, one every ${sh.intervalMs} ms, a worker SIGKILLed after ${sh.killedAfter} (JOB_LEASE_MS=${sh.jobLeaseMs}): reports lost / duplicated`,
      `${sh.lost} / ${sh.duplicated}`,
      '0 / 0',
      sh.lost === 0 && sh.duplicated === 0,
    ],
    ['  shared mode: jobs the killed worker held, taken over by the other (BullMQ stalled jobs)', `${sh.bullJobs.takenOver}`, '', true],
    ['  shared mode: web ack p50 / p99', `${sh.ack.p50} / ${sh.ack.p99} ms`, '', true],
    [`  shared mode: end-to-end p50 / p99 (${sh.endToEnd.n} delivered)`, `${sh.endToEnd.p50} / ${sh.endToEnd.p99} ms`, '', true],
  ];
}

/**
 * `npm run bench -- ack` runs only the ack bursts (for quick iteration); `-- steady` the steady-stream
 * rounds (STEADY_INTERVAL_MS, STEADY_PER_ROUND, STEADY_ROUNDS); `-- shared` the shared mode on Redis
 * (SHARED_COMMANDS, SHARED_KILL_AFTER, SHARED_LEASE_MS); `-- digest` the weekly digest. No results.json then.
 */
const only = process.argv[2];

async function main(): Promise<void> {
  if (only === 'digest') {
    process.stdout.write(`${JSON.stringify(await benchDigest())}\n`);
    return;
  }
  if (only !== undefined && !['ack', 'steady', 'shared'].includes(only))
    throw new Error(`unknown part ${only}: ack, steady, shared or digest`);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    cpus: availableParallelism(),
    cpu: cpus()[0]?.model,
    node: process.version,
  };
  const { child: doubles, ready: sim } = await startDoubles();
  const ctx: Ctx = { doubles, slackUrl: sim.slackUrl, uploaded: new Map() };
  doubles.on('message', (m: FromDoubles) => {
    if (m.type !== 'posted' && m.type !== 'uploaded') return;
    if (ctx.tally) {
      const t = ctx.tally.get(m.channel) ?? { posts: 0, uploads: 0 };
      if (m.type === 'posted') t.posts++;
      else {
        t.uploads++;
        t.firstUploadAt ??= performance.now();
      }
      ctx.tally.set(m.channel, t);
    }
    if (m.type !== 'uploaded') return;
    ctx.uploaded.get(m.channel)?.();
    ctx.uploaded.delete(m.channel);
  });
  const closeDoubles = async () => {
    const exited = new Promise((r) => doubles.once('exit', r));
    await tellDoubles(ctx, { type: 'close' });
    await exited;
  };
  const common = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: sim.apiUrl, HOST: '127.0.0.1' };
  botEnv = (dataDir: string) => ({
    ...common,
    WECHAT_APPID: sim.appid,
    WECHAT_SECRET: sim.secret,
    WECHAT_API_BASE_URL: sim.simUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    // The simulator has no quota. At the default 600 calls a minute, an uncached weekly report (about 7
    // calls: its retention week and trend weeks) would be paced by the bot's own quota at ~1.4 a second:
    // the job thread would mostly wait, and the acks be measured beside an idle worker. Lifted, every
    // report is worked on as it arrives (WECHAT_CALLS_PER_MINUTE=600 in the bench's environment restores it).
    WECHAT_CALLS_PER_MINUTE: BENCH_WECHAT_CALLS_PER_MINUTE,
  });
  // Each bot started below gets a DATA_DIR of its own (empty caches) unless said otherwise.
  const dataDirs: string[] = [];
  const freshDataDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'wxa-bench-'));
    dataDirs.push(d);
    return d;
  };
  const cleanUp = async () => {
    await closeDoubles();
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
  };

  if (only === 'shared') {
    progress('shared mode: redis-server, one web and two worker processes');
    const sh = await sharedMode(ctx, botEnv);
    await cleanUp();
    process.stdout.write(table(sharedRows(sh)));
    process.stdout.write(`${JSON.stringify(sh)}\n`);
    return;
  }

  const barePort = await freePort();
  const bare = await startNode(path.join(ROOT, 'dist/bench/bare-bolt.js'), { ...common, PORT: String(barePort) }, /bare bolt ready/);
  const bareUrl = `http://127.0.0.1:${barePort}`;
  /** The steady stream's rounds on a bot of its own (empty caches), warmed up first (and bare Bolt too when asked). */
  const steadyPart = async (warmBare: boolean): Promise<Steady> => {
    const bot = await startBot(botEnv(freshDataDir()));
    if (warmBare) await burst(ctx, bareUrl, warmUpTexts, false);
    await burst(ctx, bot.url, warmUpTexts, true);
    progress(`steady stream: one command every ${STEADY_INTERVAL_MS} ms, ${STEADY_PER_ROUND} per round, bare Bolt and the bot in turn`);
    const st = await steadyRounds(ctx, bareUrl, bot.url);
    await stop(bot.child);
    return st;
  };

  if (only === 'steady') {
    const st = await steadyPart(true);
    await stop(bare.child);
    await cleanUp();
    process.stdout.write(table(steadyRows(st)));
    process.stdout.write(`${JSON.stringify(st)}\n`);
    return;
  }

  progress('ack latency: bare Bolt and the bot, bursts taken in turn');
  // 1. Ack latency under load, next to bare Bolt. Both run at once and take their bursts in turn
  // (bare, bot, bare, bot...), so both see the machine in the same state; the bot's burst counts
  // until its last chart is uploaded, so the next bare burst meets an idle bot. Each freshly started
  // app first gets one unmeasured burst, the same 50 weekly reports for both, so neither is measured
  // while V8 still interprets its code for the first time (kept as `warmUp`). Its weeks (2024-25)
  // and their trend weeks are far from the measured ones (2017-22), whose caches stay empty; the
  // bot's access_token is fetched then.
  const dataDir = freshDataDir();
  const first = await startBot(botEnv(dataDir));
  const { child: bot, url } = first;
  results.settings = {
    jobThreads: first.jobThreads,
    renderThreads: first.renderThreads,
    reportConcurrency: first.reportConcurrency,
    wechatCallsPerMinute: wechatQuota(),
    overrides: passThrough,
  };
  const bareWarmUp = await burst(ctx, bareUrl, warmUpTexts, false);
  const botWarmUp = await burst(ctx, url, warmUpTexts, true);
  const bareAcks: number[] = [];
  const botAcks: number[] = [];
  const ratios: number[] = [];
  let cold: { ack: number; e2e: number }[] = [];
  // CPU per command of each process, summed over the bursts (the bot's includes the reports' work).
  const burstCpu = { bare: [] as Record<string, unknown>[], bot: [] as Record<string, unknown>[] };
  const cpuPids = { bot: bot.pid, bareBolt: bare.child.pid, doubles: ctx.doubles.pid };
  for (let n = 0; n < 5; n++) {
    const texts = weeks(50, 50 * n).map((w) => `weekly ${w}`);
    const bareRun = await cpuDuring(
      cpuPids,
      (r) => r.length,
      () => burst(ctx, bareUrl, texts, false),
    );
    const botRun = await cpuDuring(
      cpuPids,
      (r) => r.length,
      () => burst(ctx, url, texts, true),
    ); // round 0: empty caches
    if (bareRun.cpu) burstCpu.bare.push(bareRun.cpu);
    if (botRun.cpu) burstCpu.bot.push(botRun.cpu);
    const b = bareRun.result.map((r) => r.ack);
    const mine = botRun.result;
    if (n === 0) cold = mine;
    bareAcks.push(...b);
    botAcks.push(...mine.map((r) => r.ack));
    ratios.push(
      round2(
        percentile(
          mine.map((r) => r.ack),
          99,
        ) / percentile(b, 99),
      ),
    );
  }
  const bareS = summary(bareAcks);
  const botS = summary(botAcks);
  results.ack = {
    bot: botS,
    bareBolt: bareS,
    p99Ratio: round2(botS.p99 / bareS.p99),
    p50Ratio: round2(botS.p50 / bareS.p50),
    p99RatioByBurst: ratios,
    // Per burst, CPU ms per command by process and thread nice value, during bare Bolt's burst and the bot's.
    cpuPerCommand: burstCpu,
    warmUp: { bot: summary(botWarmUp.map((r) => r.ack)), bareBolt: summary(bareWarmUp.map((r) => r.ack)) },
  };
  if (only === 'ack') {
    process.stdout.write(`${JSON.stringify({ ack: results.ack, cold: summary(cold.map((r) => r.e2e)) })}\n`);
    await stop(bare.child);
    await stop(bot);
    await cleanUp();
    return;
  }

  progress('end to end, warm');
  // 2. End to end: cold (the first burst above, empty caches) and warm (cached data, one at a time).
  const warm: number[] = [];
  for (const w of weeks(50, 0)) warm.push((await report(ctx, url, `weekly ${w}`, true)).e2e);
  results.endToEnd = { cold: summary(cold.map((r) => r.e2e)), warm: summary(warm) };

  progress(`sustained, ${SUSTAIN_MS / 1000} s`);
  // 3. Sustained reports per second (WeChat answers and PNGs cached: weeks 0-249 were all asked above).
  results.sustained = await sustain(ctx, url);

  progress('a burst while WeChat is slow');
  // What the job queue costs when the time goes to waiting, not CPU: 50 reports of weeks not asked
  // for before, every WeChat call answered 200 ms late (as from far away).
  await tellDoubles(ctx, { type: 'slowWeChat', ms: 200 });
  const slow = await burst(
    ctx,
    url,
    weeks(50, 300).map((w) => `weekly ${w}`),
    true,
  );
  await tellDoubles(ctx, { type: 'slowWeChat', ms: 0 });
  results.slowWeChat = { delayMs: 200, ack: summary(slow.map((r) => r.ack)), endToEnd: summary(slow.map((r) => r.e2e)) };
  await stop(bot);

  // 4. Issue 15's steady stream (as `-- steady`), on a bot of its own whose caches hold none of its weeks.
  results.steady = await steadyPart(false);
  await stop(bare.child);

  progress(`sustained, ${SUSTAIN_MS / 1000} s, every chart drawn`);
  // 5. Uncached reports per second: the PNG cache off, so every chart is drawn; WeChat's answers
  // still cached (the first bot's DATA_DIR, weeks 0-249), so WeChat's own latency is not in it.
  // After an unmeasured warm-up burst, as every other part.
  const drawing = await startBot({ ...botEnv(dataDir), RENDER_CACHE_MB: '0' });
  await burst(ctx, drawing.url, warmUpTexts, true);
  const drawn = await cpuDuring(
    { bot: drawing.child.pid, doubles: ctx.doubles.pid },
    (r) => r.reports,
    () => sustain(ctx, drawing.url),
  );
  results.sustainedDrawn = { ...drawn.result, cpuPerReport: drawn.cpu };
  await stop(drawing.child);

  progress('shared mode: redis-server, one web and two worker processes');
  // 6. Shared mode on Redis, a worker SIGKILLed mid-stream (as `-- shared`).
  results.shared = await sharedMode(ctx, botEnv);

  progress('token requests');
  // 7. Token requests for 1000 concurrent WeChat calls on a cold cache.
  const tokenSim = await startSimulator();
  const client = createWeChatClient({ baseUrl: tokenSim.url, appid: tokenSim.appid, secret: tokenSim.secret, tokenMode: 'stable' });
  const calls = weeks(400);
  await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      client.getWeeklyVisitTrend({
        beginDate: calls[i % calls.length].replace(/-/g, ''),
        endDate: addDays(calls[i % calls.length].replace(/-/g, ''), 6),
      }),
    ),
  );
  results.tokenRequests = {
    concurrentCalls: 1000,
    tokenRequests: tokenSim.stats.tokenRequests,
    datacubeRequests: tokenSim.stats.datacubeRequests,
  };
  await tokenSim.close();

  progress('weekly digests, cold and warm');
  results.digest = await benchDigest();

  progress('RSS over 10000 renders');
  // 8. RSS after 200, 2000 and 10000 rendered reports (a process of its own, rendering on the pool).
  const rss = await new Promise<{ rss: Record<string, number>; seconds: number; threads: number }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', path.join(ROOT, 'dist/bench/render-rss.js'), '200,2000,10000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as { rss: Record<string, number>; seconds: number; threads: number })
        : reject(new Error(`render-rss exited ${code}`)),
    );
  });
  const mb = (b: number) => round(b / 1048576);
  results.rss = {
    after200MB: mb(rss.rss['200']),
    after2000MB: mb(rss.rss['2000']),
    after10000MB: mb(rss.rss['10000']),
    growth2000to10000Pct: round(((rss.rss['10000'] - rss.rss['2000']) / rss.rss['2000']) * 100),
    renderThreads: rss.threads,
    rendersPerSecond: round(10000 / rss.seconds),
  };

  await cleanUp();

  const a = results.ack as { bot: Summary; bareBolt: Summary; p99Ratio: number; warmUp: { bot: Summary; bareBolt: Summary } };
  const e = results.endToEnd as { cold: Summary; warm: Summary };
  const s = results.sustained as { perSecond: number; inFlight: number };
  const sd = results.sustainedDrawn as { perSecond: number; inFlight: number; cpuPerReport?: DrawnCpu };
  const sw = results.slowWeChat as { ack: Summary; endToEnd: Summary };
  const t = results.tokenRequests as { tokenRequests: number };
  type Spread = { p50: number; max: number };
  const dg = results.digest as { coldMs: Spread; warmMs: Spread; wechatCallsCold: Spread; wechatCallsWarm: Spread };
  const r = results.rss as { after200MB: number; after2000MB: number; after10000MB: number; growth2000to10000Pct: number };
  const rows: Row[] = [
    ['bursts: ack p50 / p99, bot (250 commands, bursts of 50)', `${a.bot.p50} / ${a.bot.p99} ms`, '', true],
    ['bursts: ack p50 / p99, bare Bolt (same load)', `${a.bareBolt.p50} / ${a.bareBolt.p99} ms`, '', true],
    ['bursts: ack p99 ratio bot / bare Bolt', `${a.p99Ratio}x`, '<= 2x', a.p99Ratio <= 2],
    ['unmeasured warm-up burst (first 50 after start), bot / bare p99', `${a.warmUp.bot.p99} / ${a.warmUp.bareBolt.p99} ms`, '', true],
    ...steadyRows(results.steady as Steady),
    ['end-to-end cold p50 / p99 (50 at once, empty caches)', `${e.cold.p50} / ${e.cold.p99} ms`, '', true],
    ['end-to-end warm p50 / p99 (one at a time)', `${e.warm.p50} / ${e.warm.p99} ms`, 'p50 < 60 ms', e.warm.p50 < 60],
    [
      `weekly reports per second, end to end, PNGs and WeChat answers cached (${s.inFlight} in flight, 30 s)`,
      `${s.perSecond}`,
      '>= 40',
      s.perSecond >= 40,
    ],
    [
      `uncached weekly reports per second, end to end, every chart drawn (PNG cache off; WeChat answers cached) (${sd.inFlight} in flight, 30 s)`,
      `${sd.perSecond}`,
      '>= 55',
      sd.perSecond >= 55,
    ],
    ...drawnCpuRows(sd.cpuPerReport),
    [
      'WeChat +200 ms per call, 50 uncached at once: ack p99 / end-to-end p50 / p99',
      `${sw.ack.p99} / ${sw.endToEnd.p50} / ${sw.endToEnd.p99} ms`,
      'p99 < 2 s',
      sw.endToEnd.p99 < 2000,
    ],
    ...sharedRows(results.shared as Shared),
    ['weekly digest, cold / warm p50 (10 weeks, chart drawn, no Slack)', `${dg.coldMs.p50} / ${dg.warmMs.p50} ms`, '', true],
    ['WeChat calls per weekly digest, cold / warm', `${dg.wechatCallsCold.p50} / ${dg.wechatCallsWarm.p50}`, '', true],
    ['token requests for 1000 concurrent calls (cold)', `${t.tokenRequests}`, '1', t.tokenRequests === 1],
    ['RSS after 200 / 2000 / 10000 reports', `${r.after200MB} / ${r.after2000MB} / ${r.after10000MB} MB`, '', true],
    ['RSS growth 2000 -> 10000', `${r.growth2000to10000Pct}%`, '< 10%', r.growth2000to10000Pct < 10],
  ];
  results.targetsMet = Object.fromEntries(rows.filter((x) => x[2]).map((x) => [x[0], x[3] ?? 'not measured']));
  writeFileSync(path.join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(table(rows));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
