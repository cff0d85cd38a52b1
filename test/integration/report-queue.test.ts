import { metric, startHarness, type Harness } from '../helpers/harness';

describe('report jobs run a few at a time (REPORT_CONCURRENCY); acks never wait for them', () => {
  let h: Harness;
  afterEach(() => h.close());

  test('with one slot, a second report is acked at once, waits its turn, and is posted after the first', async () => {
    h = await startHarness({ REPORT_CONCURRENCY: '1' });
    h.sim.inject('datacube', { type: 'delay', ms: 3000 }); // holds the first report's first WeChat call
    expect((await h.command('/retain', 'weekly 2017-03-06')).status).toBe(200);
    await h.sim.waitForRequests(1);

    const second = await h.command('/retain', 'weekly 2017-03-13');
    expect(second.status).toBe(200);
    expect(String(second.json?.text)).toContain('Preparing');
    let text = '';
    for (let tries = 0; tries < 100 && metric(text, 'wxa_report_jobs', { state: 'waiting' }) !== 1; tries++) {
      text = await (await fetch(`${h.baseUrl}/metrics`)).text();
    }
    expect(metric(text, 'wxa_report_jobs', { state: 'waiting' })).toBe(1);
    expect(metric(text, 'wxa_report_jobs', { state: 'running' })).toBe(1);

    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 2);
    const posted = h.slack.callsTo('chat.postMessage').map((c) => (JSON.stringify(c.args.blocks).includes('2017-03-13') ? 'second' : 'first'));
    expect(posted).toEqual(['first', 'second']);
  });

  test('the default is two jobs per render thread', async () => {
    h = await startHarness({ RENDER_THREADS: '1' });
    expect(h.runtime.jobs.concurrency).toBe(2);
  });
});
