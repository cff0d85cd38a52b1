import { periodContaining } from '../../src/calendar/period';
import type { ThreadJobs } from '../../src/jobs/threads';
import type { Schedule } from '../../src/store/types';
import { type Element, clickElement } from '../helpers/click';
import { metric, startHarness, type Harness } from '../helpers/harness';

// The default embedded mode, as `npm start` runs it: the receiving thread acks and hands each report
// to a job thread (JOB_THREADS=1), which fetches, draws (on its own render threads) and posts.
describe('embedded mode: report jobs in a job thread', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const start = (env: Record<string, string> = {}) =>
    startHarness({ JOB_THREADS: '1', RENDER_THREADS: '1', LOG_LEVEL: 'warn', SLACK_ADMIN_USERS: 'U0ADMIN', ...env });
  const threads = (x: Harness) => x.runtime.jobs as ThreadJobs;

  test('a command is acked by the receiver and posted by the job thread: message and chart, once', async () => {
    h = await start();
    expect(h.runtime.jobs.mode).toBe('threads');
    expect(h.runtime.work).toBeUndefined(); // nothing of the worker on the receiving thread
    const res = await h.command('/retain', 'weekly 2017-03-06');
    expect(res.status).toBe(200);
    expect(String(res.json?.text)).toContain('Preparing');
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 1);
    const posts = h.slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0].args.blocks)).toContain('2017-03-06');
  });

  test("/metrics sums the job thread's counts: wait, fetch, render and upload stages, workers", async () => {
    h = await start();
    await h.command('/retain', 'weekly 2017-03-13');
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 1);
    // The thread counts the report once it is posted; /metrics asks the thread each time.
    let text = '';
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      text = await (await fetch(`${h.baseUrl}/metrics`)).text();
      if (metric(text, 'wxa_commands_total', { command: '/retain', outcome: 'posted' }) === 1) break;
    }
    expect(metric(text, 'wxa_commands_total', { command: '/retain', outcome: 'posted' })).toBe(1);
    for (const stage of ['fetch', 'render', 'upload']) expect(metric(text, 'wxa_job_stage_seconds_count', { stage })).toBe(1);
    expect(metric(text, 'wxa_job_wait_seconds_count')).toBe(1);
    expect(metric(text, 'wxa_job_workers')).toBe(1);
    // The receiver's own: the ack, and the process metrics.
    expect(metric(text, 'wxa_ack_seconds_count', { command: '/retain' })).toBe(1);
    expect(text).toContain('wxa_process_resident_memory_bytes');
  });

  test('a WeChat failure is told through the response_url by the job thread, in words; nothing posted', async () => {
    h = await start();
    h.sim.inject('datacube', { type: 'errcode', errcode: 45009 }, 10);
    await h.command('/retain', 'weekly 2017-03-06', { responseId: 'fail' });
    await h.slack.waitFor(() => h!.slack.responses.some((r) => r.id === 'fail'));
    expect(String(h.slack.responses.find((r) => r.id === 'fail')?.body.text)).toMatch(/daily WeChat API quota is used up/);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test('a button click is posted by the job thread in the clicked thread', async () => {
    h = await start();
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 1);
    const first = h.slack.callsTo('chat.postMessage')[0];
    const blocks = first.args.blocks as { type: string; elements?: Element[] }[];
    const previous = blocks.find((b) => b.type === 'actions')?.elements?.find((e) => e.action_id.endsWith('prev')) as Element;
    expect(previous).toBeDefined();
    // The ts Slack gave the report (any ts: the bot threads under whatever message was clicked).
    const ts = '1489000000.000100';
    expect(await clickElement(h, { ts, channel: 'C0REPORTS' }, previous)).toBe(200);
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 2);
    const inThread = h.slack.callsTo('chat.postMessage')[1];
    expect(inThread.args.thread_ts).toBe(ts);
    expect(JSON.stringify(inThread.args.blocks)).toContain('2017-02-27');
  });

  test('a scheduled run and an alert check go to the job thread and come back with their outcome', async () => {
    h = await start();
    const s: Schedule = {
      id: 'sthread',
      report: 'retain',
      granularity: 'weekly',
      time: '09:00',
      weekday: 1,
      timezone: 'Asia/Shanghai',
      channel: 'C0REPORTS',
      createdBy: 'U0ADMIN',
      createdAt: 0,
    };
    await h.runtime.store.saveSchedule(s);
    const outcome = await h.runtime.runner.run(s, periodContaining('weekly', '20170306'));
    expect(outcome.outcome).toBe('posted');
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 1);
    const added = await h.command('/wxa', 'alert add visitors daily below 1', { user: 'U0ADMIN' });
    expect(String(added.json?.text)).toMatch(/alert/i);
    const [alert] = await h.runtime.alerts.book.list();
    const checked = await h.runtime.alerts.evaluator.evaluate(alert, periodContaining('daily', '20170306'));
    expect(checked.outcome).toBe('ok');
  });

  test('a job thread that dies mid-job is replaced and the job finished there: the message is not posted twice', async () => {
    h = await start();
    // Hold the chart's upload: the summary is in the channel (and recorded) when the thread dies.
    const { arrived: uploading, release } = h.slack.hold('files.getUploadURLExternal');
    await h.command('/retain', 'weekly 2017-03-06');
    await uploading;
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    const [thread] = threads(h).threads;
    await thread.terminate();
    release();
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 1);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    // The replacement thread takes new jobs too.
    await h.command('/retain', 'weekly 2017-03-13');
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 2);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  test('a job thread that dies while Slack is taking its message: the job run again finds the tagged message, nothing posted twice', async () => {
    h = await start();
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 1);
    // The thread dies after its chat.postMessage reached Slack and before the answer came back; Slack
    // then keeps the message (the gate returns once the thread is gone).
    h.slack.gate('chat.postMessage', async () => {
      h?.slack.gate('chat.postMessage', undefined);
      const [thread] = threads(h as Harness).threads;
      await thread.terminate();
    });
    await h.command('/retain', 'weekly 2017-03-13');
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 2);
    expect(h.slack.messages.filter((m) => !m.files)).toHaveLength(2);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(h.slack.callsTo('conversations.history')).toHaveLength(1);
  });

  test('a job thread that dies while Slack is sharing its chart: the job run again finds the shared file, no second chart', async () => {
    h = await start();
    h.slack.gate('files.completeUploadExternal', async () => {
      h?.slack.gate('files.completeUploadExternal', undefined);
      const [thread] = threads(h as Harness).threads;
      await thread.terminate();
    });
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h!.slack.callsTo('conversations.history').length === 1);
    await h.bot.settle(10_000);
    expect(h.slack.messages.filter((m) => !m.files)).toHaveLength(1);
    expect(h.slack.messages.filter((m) => m.files)).toHaveLength(1);
    expect(h.slack.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(h.slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
  });
});
