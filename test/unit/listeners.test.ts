import { WebClient } from '@slack/web-api';
import { ProgramDirectory } from '../../src/apps/directory';
import type { MiniProgram } from '../../src/apps/program';
import { silentLogger } from '../../src/log';
import { Metrics } from '../../src/metrics';
import { createChartRenderer } from '../../src/render/pool';
import { ReportQueue } from '../../src/reports/queue';
import { ReportService } from '../../src/reports/service';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import type { CommandArgs, CommandDeps } from '../../src/slack/listeners/kit';
import { guarded } from '../../src/slack/listeners';
import { runReportJob } from '../../src/slack/report-job';
import { InlineJobs } from '../../src/jobs/inline';
import { SqliteStore } from '../../src/store/sqlite';
import { InFlight } from '../../src/util/in-flight';
import { createWeChatClient } from '../../src/wechat/client';
import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';

/**
 * Each listener called the way Bolt calls it, with a fake ack and respond that record what they
 * were given; WeChat and Slack's Web API are the usual doubles on 127.0.0.1.
 */
interface Said {
  acks: { text: string }[];
  responds: { text: string }[];
}

function args(
  command: string,
  text: string,
  said: Said,
  o: { user?: string; channel?: string; client: WebClient; responseUrl?: string },
): CommandArgs {
  const fields = {
    command,
    text,
    user_id: o.user ?? 'U0GROWTH',
    channel_id: o.channel ?? 'C0REPORTS',
    response_url: o.responseUrl ?? 'http://127.0.0.1:9/unused',
  };
  return {
    command: fields,
    body: fields,
    payload: fields,
    ack: async (r?: unknown) => void said.acks.push(r as { text: string }),
    respond: async (r: unknown) => void said.responds.push(r as { text: string }),
    say: async () => ({}),
    client: o.client,
    context: {},
    logger: silentLogger,
    next: async () => {},
  } as unknown as CommandArgs;
}

describe('command listeners with a fake ack and respond', () => {
  let sim: WeChatSimulator;
  let slack: SlackDouble;
  let store: SqliteStore;
  let deps: CommandDeps;
  let client: WebClient;
  let said: Said;
  beforeEach(async () => {
    sim = await startSimulator();
    slack = await startSlackDouble();
    slack.members.add('C0REPORTS');
    store = new SqliteStore(':memory:');
    const program = (name: string, channels?: string[]): MiniProgram => ({
      name,
      displayName: name.toUpperCase(),
      channels: channels && new Set(channels),
      client: createWeChatClient({
        baseUrl: sim.url,
        appid: sim.appid,
        secret: sim.secret,
        tokenMode: 'stable',
        retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
      }),
      sandbox: false,
      close: async () => {},
    });
    client = new WebClient('xoxb-test-token-123', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const programs = new ProgramDirectory([program('shop'), program('game', ['C0GAMES'])], store);
    const reports = new ReportService({ charts: createChartRenderer(0, 0), queue: new ReportQueue(1), logger: silentLogger });
    const metrics = new Metrics();
    const reportDeps = {
      programs,
      reports,
      client,
      store,
      metrics,
      logger: silentLogger,
      timezone: 'Asia/Shanghai',
      stillWorkingMs: 60_000,
    };
    deps = {
      programs,
      // Report jobs run inline, by the worker's own code: the receiver's hand-over is what is tested.
      jobs: new InlineJobs(async (job) => {
        if (job.type !== 'report') throw new Error(`unexpected ${job.type} job`);
        return runReportJob(job, reportDeps);
      }),
      timezone: 'Asia/Shanghai',
      logger: silentLogger,
      metrics,
      access: {},
      admins: new Set(['U0ADMIN']),
      now: () => new Date('2026-11-26T08:00:00Z'),
      inFlight: new InFlight(),
    };
    said = { acks: [], responds: [] };
  });
  afterEach(async () => {
    await store.close();
    await slack.close();
    await sim.close();
  });

  test('report: acked with "Preparing" for the only program visible here, then posted into the channel', async () => {
    await guarded(args('/retain', 'weekly 2017-03-06', said, { client }), deps, 'req-1');
    expect(said.acks).toHaveLength(1);
    expect(said.acks[0].text).toMatch(/Preparing the weekly retention · 2017-03-06 – 2017-03-12 for SHOP/);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
  });

  test("report: a WeChat failure after the ack reaches the user through the command's response_url, in words", async () => {
    sim.inject('datacube', { type: 'errcode', errcode: 45009 }, 10);
    await guarded(args('/retain', 'weekly 2017-03-06', said, { client, responseUrl: slack.responseUrl('r2') }), deps, 'req-2');
    expect(slack.responses.map((r) => String(r.body.text)).join('\n')).toMatch(/daily WeChat API quota is used up/);
    expect(slack.responses[0].body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test('report: bad input is answered in the ack and fetches nothing', async () => {
    await guarded(args('/retain', 'weekly 2017-02-30', said, { client }), deps, 'req-3');
    expect(said.acks[0].text).toMatch(/2017-02-30/);
    expect(sim.stats.datacubeRequests).toBe(0);
  });

  test('programs: list shows what this channel may see; default is for admins only', async () => {
    await guarded(args('/wxa', 'app list', said, { client, channel: 'C0GAMES' }), deps, 'req-4');
    expect(said.acks[0].text).toMatch(/`shop`/);
    expect(said.acks[0].text).toMatch(/`game`/);
    await guarded(args('/wxa', 'app default game', said, { client, channel: 'C0REPORTS' }), deps, 'req-5');
    expect(said.acks[1].text).toMatch(/Only the bot's admins/);
    await guarded(args('/wxa', 'app default game', said, { client, channel: 'C0REPORTS', user: 'U0ADMIN' }), deps, 'req-6');
    expect(said.acks[2].text).toMatch(/`game` is not available in this channel/);
    expect(await store.kvGet('channel-app:C0REPORTS')).toBeUndefined();
  });

  test('schedule: without a schedule service the command says so', async () => {
    await guarded(args('/wxa', 'schedule list', said, { client }), deps, 'req-7');
    expect(said.acks[0].text).toMatch(/Scheduling is not enabled/);
  });

  test('any failure before the ack is still answered, with the request id', async () => {
    await store.close();
    await guarded(args('/retain', 'weekly 2017-03-06', said, { client }), deps, 'req-8');
    expect(said.acks).toHaveLength(1);
    expect(said.acks[0].text).toMatch(/storage is unavailable.*req-8/s);
    store = new SqliteStore(':memory:');
  });
});
