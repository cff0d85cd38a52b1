import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type WeChatSimulator } from '../src/sandbox/server';
import { startSlackDouble, type SlackDouble } from '../src/sandbox/slack-api';
import { freePort, sendCommand } from '../src/sandbox/slack-requests';
import { createWeChatClient } from '../src/wechat/client';
import { addDays, isoDate } from '../src/wechat/period';
import { percentile, round } from './stats';

// npm run bench: everything on loopback, in one run. Prints a table and writes bench/results.json.
const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-0000-token';
const ROOT = path.resolve(__dirname, '../..');
const weeks = (n: number, from = 0) => Array.from({ length: n }, (_, i) => isoDate(addDays('20170102', 7 * (from + i))));

function startProcess(file: string, env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [file], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let isReady = false;
    const onData = (d: Buffer) => {
      if (isReady) return; // keep draining the pipe, stop keeping the text
      out += d.toString();
      if (ready.test(out)) {
        isReady = true;
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}):\n${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

interface Ctx {
  sim: WeChatSimulator;
  slack: SlackDouble;
}

let channelSeq = 0;
/** Sends one command to its own channel and resolves with ack and end-to-end latency (ms). */
async function report(ctx: Ctx, url: string, text: string, waitUpload: boolean): Promise<{ ack: number; e2e: number }> {
  const channel = `C${String(channelSeq++).padStart(8, '0')}`;
  ctx.slack.members.add(channel);
  const t0 = performance.now();
  const uploaded = waitUpload
    ? ctx.slack.waitFor(() => ctx.slack.calls.some((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === channel), 120_000)
    : Promise.resolve();
  const res = await sendCommand(url, SECRET, { command: '/retain', text, channel_id: channel, response_url: ctx.slack.responseUrl() });
  if (res.status !== 200) throw new Error(`command answered HTTP ${res.status}`);
  const ack = performance.now() - t0;
  await uploaded;
  return { ack, e2e: performance.now() - t0 };
}

async function burst(ctx: Ctx, url: string, texts: string[], waitUpload: boolean) {
  return Promise.all(texts.map((t) => report(ctx, url, t, waitUpload)));
}

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const summary = (xs: number[]) => ({ p50: round(percentile(xs, 50)), p99: round(percentile(xs, 99)), n: xs.length });

async function main(): Promise<void> {
  const results: Record<string, unknown> = { date: new Date().toISOString(), cpus: availableParallelism(), cpu: cpus()[0]?.model, node: process.version };
  const sim = await startSimulator();
  const slack = await startSlackDouble({ keepUploadBytes: false });
  const ctx = { sim, slack };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wxa-bench-'));
  const common = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, HOST: '127.0.0.1' };

  progress('ack latency: bare Bolt');
  // 1. Ack latency under load, next to bare Bolt.
  const barePort = await freePort();
  const bare = await startProcess(path.join(ROOT, 'dist/bench/bare-bolt.js'), { ...common, PORT: String(barePort) }, /bare bolt ready/);
  const bareAcks: number[] = [];
  for (let round = 0; round < 5; round++) bareAcks.push(...(await burst(ctx, `http://127.0.0.1:${barePort}`, weeks(50), false)).map((r) => r.ack));
  await stop(bare);

  progress('ack latency: the bot');
  const botPort = await freePort();
  const bot = await startProcess(
    path.join(ROOT, 'dist/src/main.js'),
    { ...common, PORT: String(botPort), WECHAT_APPID: sim.appid, WECHAT_SECRET: sim.secret, WECHAT_API_BASE_URL: sim.url, DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    /runtime ready/,
  );
  const url = `http://127.0.0.1:${botPort}`;
  const botAcks: number[] = [];
  const cold = await burst(ctx, url, weeks(50, 0).map((w) => `weekly ${w}`), true); // empty caches
  botAcks.push(...cold.map((r) => r.ack));
  for (let round = 1; round < 5; round++) botAcks.push(...(await burst(ctx, url, weeks(50, 50 * round).map((w) => `weekly ${w}`), true)).map((r) => r.ack));
  const bareS = summary(bareAcks);
  const botS = summary(botAcks);
  results.ack = { bot: botS, bareBolt: bareS, p99Ratio: round(botS.p99 / bareS.p99, 2), p50Ratio: round(botS.p50 / bareS.p50, 2) };

  progress('end to end, warm');
  // 2. End to end: cold (the first burst above, empty caches) and warm (cached data, one at a time).
  const warm: number[] = [];
  for (const w of weeks(50, 0)) warm.push((await report(ctx, url, `weekly ${w}`, true)).e2e);
  results.endToEnd = { cold: summary(cold.map((r) => r.e2e)), warm: summary(warm) };

  progress('sustained, 30 s');
  // 3. Sustained reports per second (warm data, 16 in flight) for 30 s.
  const pool = weeks(250, 0);
  const until = performance.now() + 30_000;
  let completed = 0;
  const lanes = Array.from({ length: 16 }, async (_, lane) => {
    for (let i = lane; performance.now() < until; i += 16) {
      await report(ctx, url, `weekly ${pool[i % pool.length]}`, true);
      completed++;
    }
  });
  const t0 = performance.now();
  await Promise.all(lanes);
  results.sustained = { reports: completed, seconds: round((performance.now() - t0) / 1000), perSecond: round(completed / ((performance.now() - t0) / 1000)) };
  await stop(bot);

  progress('token requests');
  // 4. Token requests for 1000 concurrent WeChat calls on a cold cache.
  const tokenSim = await startSimulator();
  const client = createWeChatClient({ baseUrl: tokenSim.url, appid: tokenSim.appid, secret: tokenSim.secret, tokenMode: 'stable' });
  const calls = weeks(400);
  await Promise.all(Array.from({ length: 1000 }, (_, i) => client.getWeeklyVisitTrend({ beginDate: calls[i % calls.length].replace(/-/g, ''), endDate: addDays(calls[i % calls.length].replace(/-/g, ''), 6) })));
  results.tokenRequests = { concurrentCalls: 1000, tokenRequests: tokenSim.stats.tokenRequests, datacubeRequests: tokenSim.stats.datacubeRequests };
  await tokenSim.close();

  progress('RSS over 10000 renders');
  // 5. RSS after 200, 2000 and 10000 rendered reports (a process of its own, rendering on the pool).
  const rss = await new Promise<{ rss: Record<string, number>; seconds: number; threads: number }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', path.join(ROOT, 'dist/bench/render-rss.js'), '200,2000,10000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { rss: Record<string, number>; seconds: number; threads: number }) : reject(new Error(`render-rss exited ${code}`))));
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

  await slack.close();
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });

  const a = results.ack as { bot: ReturnType<typeof summary>; bareBolt: ReturnType<typeof summary>; p99Ratio: number };
  const e = results.endToEnd as { cold: ReturnType<typeof summary>; warm: ReturnType<typeof summary> };
  const s = results.sustained as { perSecond: number };
  const t = results.tokenRequests as { tokenRequests: number };
  const r = results.rss as { after200MB: number; after2000MB: number; after10000MB: number; growth2000to10000Pct: number };
  const rows: [string, string, string, boolean][] = [
    ['ack p50 / p99, bot (250 commands, bursts of 50)', `${a.bot.p50} / ${a.bot.p99} ms`, '', true],
    ['ack p50 / p99, bare Bolt (same load)', `${a.bareBolt.p50} / ${a.bareBolt.p99} ms`, '', true],
    ['ack p99 ratio bot / bare Bolt', `${a.p99Ratio}x`, '<= 2x', a.p99Ratio <= 2],
    ['end-to-end cold p50 / p99 (50 at once, empty caches)', `${e.cold.p50} / ${e.cold.p99} ms`, '', true],
    ['end-to-end warm p50 / p99 (one at a time)', `${e.warm.p50} / ${e.warm.p99} ms`, 'p50 < 60 ms', e.warm.p50 < 60],
    ['sustained weekly summaries per second (30 s)', `${s.perSecond}`, '>= 40', s.perSecond >= 40],
    ['token requests for 1000 concurrent calls (cold)', `${t.tokenRequests}`, '1', t.tokenRequests === 1],
    ['RSS after 200 / 2000 / 10000 reports', `${r.after200MB} / ${r.after2000MB} / ${r.after10000MB} MB`, '', true],
    ['RSS growth 2000 -> 10000', `${r.growth2000to10000Pct}%`, '< 10%', r.growth2000to10000Pct < 10],
  ];
  results.targetsMet = Object.fromEntries(rows.filter((x) => x[2]).map((x) => [x[0], x[3]]));
  writeFileSync(path.join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const lines = rows.map(([k, v, target, ok]) => `| ${k.padEnd(w0)} | ${v.padEnd(w1)} | ${target ? `${target} ${ok ? 'met' : 'NOT met'}` : ''} |`);
  process.stdout.write(`\n| ${'measure'.padEnd(w0)} | ${'result'.padEnd(w1)} | target |\n|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|---|\n${lines.join('\n')}\n\n`);
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
