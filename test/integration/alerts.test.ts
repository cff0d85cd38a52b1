import { evaluatedPeriod } from '../../src/alerts/series';
import { addDays, periodContaining } from '../../src/calendar/period';
import { metric, startHarness, type Harness } from '../helpers/harness';

// /wxa alert end to end: the real app over HTTP, the WeChat simulator (told to dip a day), the
// Slack double. Evaluations go through the same path as the daily check at ALERT_TIME.

const ADMIN = 'U0ADMIN';

const yesterday = () => evaluatedPeriod('visitors', 'daily', new Date());

describe('/wxa alert', () => {
  let h: Harness;
  afterEach(() => h.close());

  const posts = () => h.slack.callsTo('chat.postMessage');
  const alertPosts = () => posts().filter((c) => /^:rotating_light: /.test(String(c.args.text)));

  async function add(text: string, o: { user?: string; channel?: string } = {}) {
    return String((await h.command('/wxa', `alert add ${text}`, { user: o.user ?? ADMIN, channel: o.channel })).json?.text);
  }

  async function run(id = '', responseId = `run-${Math.random()}`) {
    const ack = String((await h.command('/wxa', `alert run ${id}`.trim(), { responseId })).json?.text);
    await h.slack.waitFor(() => h.slack.responses.some((r) => r.id === responseId));
    return { ack, result: String(h.slack.responses.find((r) => r.id === responseId)?.body.text) };
  }

  test('visitors daily drops 30%: on a day WeChat shows half the visitors, one post with the value and the change; a second run posts nothing', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: ADMIN });
    const added = await add('visitors daily drops 30%');
    expect(added).toMatch(/Alert `a[0-9a-f]{6}`: visitors daily drops 30%, in <#C0REPORTS>/);
    const day = yesterday();
    h.sim.dip(day.begin, 0.5);

    const first = await run();
    expect(first.ack).toMatch(/Checking 1 alert/);
    expect(first.result).toMatch(/fired/);
    expect(alertPosts()).toHaveLength(1);
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);

    // The figures are exactly WeChat's: the dipped day against the same weekday a week earlier.
    const client = h.program.client;
    const now = (await client.getVisitTrend(day)).list[0].visitUv ?? 0;
    const before = (await client.getVisitTrend(periodContaining('daily', addDays(day.begin, -7)))).list[0].visitUv ?? 0;
    const text = JSON.stringify(alertPosts()[0].args.blocks);
    expect(text).toContain(now.toLocaleString('en-US'));
    expect(text).toContain(before.toLocaleString('en-US'));
    expect(text).toContain(`▼ ${(Math.abs(now / before - 1) * 100).toFixed(1)}%`);

    const second = await run();
    expect(second.result).toMatch(/already checked for this period/);
    expect(alertPosts()).toHaveLength(1);
    const list = String((await h.command('/wxa', 'alert list', { user: 'U0RANDOM' })).json?.text);
    expect(list).toMatch(/visitors daily drops 30% — fired/);
    const m = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(metric(m, 'wxa_alert_evaluations_total', { outcome: 'fired' })).toBe(1);
    expect(metric(m, 'wxa_alert_evaluations_total', { outcome: 'skipped' })).toBe(0);
    const audit = h.logLines().filter((l) => (l.audit as { outcome?: string } | undefined)?.outcome === 'alert:fired');
    expect(audit).toHaveLength(1);
  });

  test('bad input gets the usage privately and stores nothing; only admins add, remove and mute; anyone lists', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: ADMIN });
    h.slack.gone.add('C0GONE');
    const cases: [string, RegExp][] = [
      ['pageviews daily below 3', /`pageviews` is not a metric/],
      ['visitors drops 150%', /cannot drop more than 100%/],
      ['visitors below -3', /0 or more/],
      ['visitors', /Which condition/],
      ['shares weekly above 3', /shares can be watched daily, not weekly/],
      ['visitors below 3 <#G0SECRET|secret>', /cannot post in <#G0SECRET>/],
      ['visitors below 3 <#C0GONE>', /cannot post in <#C0GONE>/],
      ['visitors below 3 <!channel>', /is not part of an alert|not a metric/],
    ];
    for (const [text, answer] of cases) {
      const reply = await add(text);
      expect(reply).toMatch(answer);
      expect(reply).not.toContain('<!channel>');
    }
    expect(await h.runtime.alerts.book.list()).toEqual([]);
    // Slack slow to say whether the bot can post there: a clear answer inside the ack, nothing stored.
    let release = () => {};
    h.slack.gate('conversations.info', () => new Promise<void>((r) => (release = r)));
    expect(await add('visitors below 3 <#C0SLOW>')).toMatch(/Slack did not say in time whether the bot can post in <#C0SLOW>/);
    release();
    h.slack.gate('conversations.info', undefined);
    expect(await h.runtime.alerts.book.list()).toEqual([]);

    expect(await add('visitors below 3', { user: 'U0RANDOM' })).toMatch(/admin/i);
    expect(await h.runtime.alerts.book.list()).toEqual([]);
    await add('visitors below 3');
    const [a] = await h.runtime.alerts.book.list();
    expect(String((await h.command('/wxa', `alert remove ${a.id}`, { user: 'U0RANDOM' })).json?.text)).toMatch(/admin/i);
    expect(String((await h.command('/wxa', `alert mute ${a.id}`, { user: 'U0RANDOM' })).json?.text)).toMatch(/admin/i);
    expect(String((await h.command('/wxa', 'alert list', { user: 'U0RANDOM' })).json?.text)).toContain(a.id);
    // Another channel's alert is not this channel's to see or remove.
    h.slack.members.add('C0OTHER');
    expect(String((await h.command('/wxa', 'alert list', { channel: 'C0OTHER' })).json?.text)).toMatch(/No alerts in this channel/);
    expect(String((await h.command('/wxa', `alert remove ${a.id}`, { user: ADMIN, channel: 'C0OTHER' })).json?.text)).toMatch(/no alert/);
    expect(String((await h.command('/wxa', `alert remove ${a.id}`, { user: ADMIN })).json?.text)).toMatch(/Removed alert/);
    expect(await h.runtime.alerts.book.list()).toEqual([]);
    expect(posts()).toHaveLength(0);
  });

  test('an anomaly alert on the simulator steady series stays quiet for 8 simulated weeks', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: ADMIN });
    await add('visitors daily anomaly');
    await add('sessions weekly anomaly');
    const alerts = await h.runtime.alerts.book.list();
    const outcomes: string[] = [];
    for (let d = 1; d <= 56; d++) {
      for (const a of alerts) {
        if (a.granularity === 'weekly' && d % 7 !== 0) continue;
        const day = periodContaining('daily', addDays(yesterday().begin, -d));
        const p = a.granularity === 'daily' ? day : periodContaining('weekly', day.begin);
        outcomes.push((await h.runtime.alerts.evaluator.evaluate(a, p)).outcome);
      }
    }
    expect(outcomes).toHaveLength(56 + 8);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    expect(posts()).toHaveLength(0);
  });

  test('a dip fires the anomaly alert; the next normal day posts "back to normal" once, in the firing thread', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: ADMIN });
    await add('visitors daily anomaly');
    const [a] = await h.runtime.alerts.book.list();
    const day = yesterday();
    const before = periodContaining('daily', addDays(day.begin, -1));
    h.sim.dip(before.begin, 0.4);
    const fired = await h.runtime.alerts.evaluator.evaluate(a, before);
    expect(fired.outcome).toBe('fired');
    const firingTs = (await h.runtime.store.getRun(fired.key))?.delivered?.ts;
    expect(firingTs).toBeDefined();
    const firing = alertPosts()[0];
    expect(JSON.stringify(firing.args.blocks)).toMatch(/Outside the expected range/);
    const ts = h.slack.callsTo('chat.postMessage').length;
    expect((await h.runtime.alerts.evaluator.evaluate(a, day)).outcome).toBe('recovered');
    const recovered = posts().slice(ts);
    expect(recovered).toHaveLength(1);
    expect(String(recovered[0].args.text)).toMatch(/Back to normal/);
    expect(recovered[0].args.thread_ts).toBe(firingTs);
    // An older day checked later says nothing about now: no second "back to normal".
    expect((await h.runtime.alerts.evaluator.evaluate(a, periodContaining('daily', addDays(day.begin, -2)))).outcome).toBe('ok');
    expect(posts()).toHaveLength(ts + 1);
  });

  test('a muted alert is checked but posts nothing; the list says muted', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: ADMIN });
    await add('visitors daily drops 30%');
    const [a] = await h.runtime.alerts.book.list();
    const muted = String((await h.command('/wxa', `alert mute ${a.id} for 3d`, { user: ADMIN })).json?.text);
    expect(muted).toMatch(/muted until/);
    h.sim.dip(yesterday().begin, 0.5);
    const r = await run(a.id);
    expect(r.result).toMatch(/would have fired, muted/);
    expect(alertPosts()).toHaveLength(0);
    expect(String((await h.command('/wxa', 'alert list')).json?.text)).toMatch(/muted until/);
    expect(String((await h.command('/wxa', `alert mute ${a.id} for ever`, { user: ADMIN })).json?.text)).toMatch(/not a mute duration/);
  });

  test('WeChat failing: the channel gets one notice saying which alert and why; running again adds none', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: ADMIN });
    await add('visitors daily below 10');
    const [a] = await h.runtime.alerts.book.list();
    h.sim.inject('datacube', { type: 'errcode', errcode: 45009 }, 100);
    const r = await run();
    expect(r.result).toMatch(/could not check/);
    const notices = posts().filter((c) => /could not be checked/.test(String(c.args.text)));
    expect(notices).toHaveLength(1);
    expect(String(notices[0].args.text)).toContain(a.id);
    expect(String(notices[0].args.text)).toMatch(/daily WeChat API quota is used up/);
    await run();
    expect(posts().filter((c) => /could not be checked/.test(String(c.args.text)))).toHaveLength(1);
    expect(String((await h.command('/wxa', 'alert list')).json?.text)).toMatch(
      /could not check: The mini program's daily WeChat API quota/,
    );
  });

  test('in a Chinese channel the alert, its chart and the replies are in Chinese', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: ADMIN });
    await h.command('/wxa', 'lang zh', { user: ADMIN });
    expect(await add('visitors daily drops 30%')).toContain('已创建告警');
    h.sim.dip(yesterday().begin, 0.5);
    const r = await run();
    expect(r.result).toContain('已触发');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    const post = alertPosts()[0];
    expect(String(post.args.text)).toContain('访问人数');
    expect(JSON.stringify(post.args.blocks)).toContain('较一周前同一天');
    expect(h.slack.uploads[0].bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  test('a source share and a page share: the value is that source or page share of the day, from WeChat', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: ADMIN });
    const day = yesterday();
    const dist = await h.program.client.getVisitDistribution(day.begin);
    const source = dist.sourceSessions[0];
    const sourceShare = source.value / dist.sourceSessions.reduce((a, r) => a + r.value, 0);
    const pages = (await h.program.client.getVisitPages(day.begin)).list;
    const page = pages[0];
    const pageShare = (page.pageVisitPv ?? 0) / pages.reduce((a, r) => a + (r.pageVisitPv ?? 0), 0);
    expect(await add(`source_share:${source.key} daily above 0`)).toMatch(/share of sessions from/);
    expect(await add(`page_share:${page.pagePath} daily above 0`)).toMatch(/share of page views on `/);
    await run();
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 2);
    const texts = alertPosts().map((c) => JSON.stringify(c.args.blocks));
    expect(texts.some((t) => t.includes(`*${(sourceShare * 100).toFixed(1)}%*`))).toBe(true);
    expect(texts.some((t) => t.includes(`*${(pageShare * 100).toFixed(1)}%*`))).toBe(true);
    expect(await add('source_share daily above 0')).toMatch(/say which/);
  });
});
