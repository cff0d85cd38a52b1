import { DEFAULT_REPORT_CONCURRENCY, QueueClosedError, ReportQueue } from '../../src/reports/queue';
import { metric, startHarness, type Harness } from '../helpers/harness';

async function metricsWhen(h: Harness, ok: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
    if (ok(text) || Date.now() > deadline) return text;
    await new Promise((r) => setImmediate(r));
  }
}

describe('report jobs run a few at a time (REPORT_CONCURRENCY); acks never wait for them', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  test('with one slot, a second report is acked at once, waits its turn (and says so), and is posted after the first', async () => {
    h = await startHarness({ REPORT_CONCURRENCY: '1' }, { stillWorkingMs: 300 });
    h.sim.inject('datacube', { type: 'hold' }); // the first report's first WeChat call waits for releaseHeld()
    expect((await h.command('/retain', 'weekly 2017-03-06')).status).toBe(200);
    await h.sim.waitForRequests(1);

    const second = await h.command('/retain', 'weekly 2017-03-13', { responseId: 'second' });
    expect(second.status).toBe(200);
    expect(String(second.json?.text)).toContain('Preparing');
    const text = await metricsWhen(h, (t) => metric(t, 'wxa_report_jobs', { state: 'waiting' }) === 1);
    expect(metric(text, 'wxa_report_jobs', { state: 'waiting' })).toBe(1);
    expect(metric(text, 'wxa_report_jobs', { state: 'running' })).toBe(1);
    await h.slack.waitFor(() => h!.slack.responses.some((r) => r.id === 'second'));
    expect(String(h.slack.responses.find((r) => r.id === 'second')?.body.text)).toMatch(
      /Busy: your report is in the queue \(1 waiting\)\. It will follow/,
    );

    h.sim.releaseHeld();
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 2);
    const posted = h.slack
      .callsTo('chat.postMessage')
      .map((c) => (JSON.stringify(c.args.blocks).includes('2017-03-13') ? 'second' : 'first'));
    expect(posted).toEqual(['first', 'second']);
  });

  test('a report still queued at shutdown is refused and its author told to ask again; the running one is posted', async () => {
    h = await startHarness({ REPORT_CONCURRENCY: '1' });
    h.sim.inject('datacube', { type: 'hold' });
    await h.command('/retain', 'weekly 2017-03-06', { responseId: 'first' });
    await h.sim.waitForRequests(1);
    await h.command('/retain', 'weekly 2017-03-13', { responseId: 'second' });
    await metricsWhen(h, (t) => metric(t, 'wxa_report_jobs', { state: 'waiting' }) === 1);

    h.work.queue.close(); // what stop() does once its budget is spent
    await h.slack.waitFor(() => h!.slack.responses.some((r) => r.id === 'second'));
    expect(String(h.slack.responses.find((r) => r.id === 'second')?.body.text)).toMatch(
      /restarted before your report was ready\. Run the command again/,
    );
    h.sim.releaseHeld();
    await h.slack.waitFor(() => h!.slack.callsTo('files.completeUploadExternal').length === 1);
    expect(JSON.stringify(h.slack.callsTo('chat.postMessage')[0].args.blocks)).toContain('2017-03-06');
  });

  test('without REPORT_CONCURRENCY a worker runs DEFAULT_REPORT_CONCURRENCY jobs at once (CPU is bounded by the render threads)', async () => {
    h = await startHarness({ RENDER_THREADS: '3' });
    expect(h.work.queue.concurrency).toBe(DEFAULT_REPORT_CONCURRENCY);
    expect(DEFAULT_REPORT_CONCURRENCY).toBeGreaterThanOrEqual(16);
  });
});

describe('ReportQueue', () => {
  test('never more than `concurrency` at once; every job runs, in order', async () => {
    const jobs = new ReportQueue(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const all = Array.from({ length: 6 }, (_, i) =>
      jobs.run(async () => {
        running++;
        most = Math.max(most, running);
        order.push(i);
        await new Promise<void>((r) => gates.push(r));
        running--;
        return i;
      }),
    );
    while (order.length < 6) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    for (const g of gates) g();
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('after close, waiting and new jobs fail with QueueClosedError; the running one finishes', async () => {
    const jobs = new ReportQueue(1);
    let release: () => void = () => undefined;
    let began: () => void = () => undefined;
    const started = new Promise<void>((r) => (began = r));
    const running = jobs.run(
      () =>
        new Promise<string>((r) => {
          release = () => r('done');
          began();
        }),
    );
    const waiting = jobs.run(async () => 'never');
    await started;
    jobs.close();
    await expect(waiting).rejects.toBeInstanceOf(QueueClosedError);
    await expect(jobs.run(async () => 'late')).rejects.toBeInstanceOf(QueueClosedError);
    release();
    await expect(running).resolves.toBe('done');
  });
});
