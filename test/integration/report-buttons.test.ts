import { periodContaining } from '../../src/calendar/period';
import { fetchAndBuild } from '../../src/reports/produce';
import { encodeTarget } from '../../src/slack/report-actions';
import { count } from '../../src/slack/format';
import { createWeChatClient } from '../../src/wechat/client';
import { startHarness, type Harness } from '../helpers/harness';
import { type ClickedMessage, type ClickOptions, clickElement, type Element } from '../helpers/click';

// Buttons under a report, clicked as Slack sends a click: a signed block_actions payload in a
// `payload` form field. The report follows in the thread of the message clicked.

describe('buttons under a report', () => {
  let h: Harness;
  afterEach(() => h.close());

  const click = (message: ClickedMessage, el: Element, o: ClickOptions = {}) => clickElement(h, message, el, o);

  function postsWithButtons() {
    return h.slack.callsTo('chat.postMessage').map((c, i) => {
      const blocks = c.args.blocks as { type: string; elements?: Element[] }[];
      const actions = blocks.find((b) => b.type === 'actions')?.elements ?? [];
      return { i, args: c.args, actions, byId: (id: string) => actions.find((a) => a.action_id === id) as Element };
    });
  }

  async function postWeekly() {
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    const [post] = postsWithButtons();
    // The ts Slack gave the report (any ts: the bot threads under whatever message was clicked).
    return { post, message: { ts: '1489000000.000100', channel: 'C0REPORTS' } };
  }

  function direct(kind: 'retain', g: 'weekly' | 'daily', date: string) {
    const client = createWeChatClient({ baseUrl: h.sim.url, appid: h.sim.appid, secret: h.sim.secret, tokenMode: 'stable' });
    return fetchAndBuild(client, { kind, period: periodContaining(g, date), notes: [] }, { appName: 'x', sandbox: false }, new Date());
  }

  test('◀ Previous posts the previous week in the thread of the report, with WeChat’s figures; later clicks stay in that thread', async () => {
    h = await startHarness();
    const { post, message } = await postWeekly();
    expect(post.actions.map((a) => a.action_id)).toEqual([
      'wxa_nav_prev',
      'wxa_nav_next',
      'wxa_nav_g_daily',
      'wxa_nav_g_monthly',
      'wxa_nav_other',
    ]);
    expect(await click(message, post.byId('wxa_nav_prev'))).toBe(200);
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 2);
    const reply = postsWithButtons()[1];
    expect(reply.args.thread_ts).toBe(message.ts);
    const blocks = JSON.stringify(reply.args.blocks);
    expect(blocks).toContain('2017-02-27 – 2017-03-05');
    const r = await direct('retain', 'weekly', '20170227');
    if (r.kind !== 'retain') throw new Error(r.kind);
    expect(blocks).toContain(count(r.retention?.newUsers.size ?? null));
    expect(h.slack.callsTo('files.completeUploadExternal')[1].args.thread_ts).toBe(message.ts);

    // A click on the reply (inside the thread) posts in the same thread, not a new one.
    const inThread = { ts: '1489000001.000200', thread_ts: message.ts, channel: 'C0REPORTS' };
    await click(inThread, reply.byId('wxa_nav_prev'));
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 3);
    const third = postsWithButtons()[2];
    expect(third.args.thread_ts).toBe(message.ts);
    expect(JSON.stringify(third.args.blocks)).toContain('2017-02-20 – 2017-02-26');
  });

  test('switching to daily posts the daily report for the week’s last day; the menu offers the other reports', async () => {
    h = await startHarness();
    const { post, message } = await postWeekly();
    await click(message, post.byId('wxa_nav_g_daily'));
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 2);
    expect(JSON.stringify(postsWithButtons()[1].args.blocks)).toContain('Daily retention · 2017-03-12');
    const menu = post.byId('wxa_nav_other');
    const kinds = (menu.options ?? []).map((o) => (JSON.parse(o.value) as { k: string }).k);
    expect(kinds).toEqual(['visits', 'sources', 'pages', 'users', 'perf', 'cohorts', 'digest'].filter((k) => kinds.includes(k)));
    expect(kinds).toEqual(expect.arrayContaining(['visits', 'sources', 'pages', 'users', 'cohorts', 'digest']));
    const digest = menu.options?.find((o) => o.value.includes('"digest"'))?.value;
    await click(message, menu, { value: digest });
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 3);
    expect(String(postsWithButtons()[2].args.text)).toMatch(/Weekly digest · 2017-03-06 – 2017-03-12/);
  });

  test('a double click, or two people clicking the same button, posts once', async () => {
    h = await startHarness();
    const { post, message } = await postWeekly();
    const prev = post.byId('wxa_nav_prev');
    await Promise.all([click(message, prev), click(message, prev), click(message, prev, { user: 'U0OTHER' })]);
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 2);
    await h.bot.settle(5000);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  test('a tampered value, a stranger, another mini program: refused privately, nothing fetched', async () => {
    h = await startHarness({ SLACK_ALLOWED_USERS: 'U0GROWTH' });
    const { post, message } = await postWeekly();
    const calls = h.sim.stats.datacubeRequests;
    const prev = post.byId('wxa_nav_prev');
    const forged = [
      'not json',
      JSON.stringify({ v: 1, k: 'retain', a: 'sandbox', g: 'weekly', d: '20990105' }), // the future
      JSON.stringify({ v: 1, k: 'retain', a: '../etc', g: 'weekly', d: '20170227' }),
      JSON.stringify({ v: 1, k: 'sources', a: 'sandbox', g: 'weekly', d: '20170227' }), // sources are daily only
      `${'x'.repeat(3000)}`,
    ];
    for (const [i, value] of forged.entries()) await click(message, prev, { value, responseId: `forged${i}` });
    await click(message, prev, { user: 'U0STRANGER', responseId: 'stranger' });
    const other = encodeTarget({ kind: 'retain', app: 'elsewhere', granularity: 'weekly', date: '20170227' });
    await click(message, prev, { value: other, responseId: 'other-app' });
    await h.slack.waitFor(() => h.slack.responses.length === forged.length + 2);
    const texts = Object.fromEntries(h.slack.responses.map((r) => [r.id, String(r.body.text)]));
    for (let i = 0; i < forged.length; i++) expect(texts[`forged${i}`]).toMatch(/no longer makes sense|Nothing was fetched/);
    expect(texts.stranger).toMatch(/don't have access/);
    expect(texts['other-app']).toMatch(/elsewhere/);
    expect(h.slack.responses.every((r) => r.body.response_type === 'ephemeral')).toBe(true);
    expect(h.sim.stats.datacubeRequests).toBe(calls);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  test('no Next on the latest complete period', async () => {
    h = await startHarness();
    await h.command('/retain', 'weekly');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    const ids = postsWithButtons()[0].actions.map((a) => a.action_id);
    expect(ids).toContain('wxa_nav_prev');
    expect(ids).not.toContain('wxa_nav_next');
  });
});
