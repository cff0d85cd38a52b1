import { startHarness, type Harness } from '../helpers/harness';

// A channel's language, chosen by an admin with /wxa lang: its reports (text, buttons, chart) and
// the replies there follow it; other channels keep REPORT_LANGUAGE.

describe('/wxa lang', () => {
  let h: Harness;
  afterEach(() => h.close());

  test('an admin switches a channel to Chinese: its reports come in Chinese, other channels stay English', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: 'U0ADMIN' });
    h.slack.members.add('C0OTHER');
    const set = await h.command('/wxa', 'lang zh', { user: 'U0ADMIN' });
    expect(String(set.json?.text)).toContain('简体中文');
    const current = await h.command('/wxa', 'lang');
    expect(String(current.json?.text)).toContain('简体中文');

    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    const zh = h.slack.callsTo('chat.postMessage')[0];
    expect(String(zh.args.text)).toContain('每周留存 · 2017年3月6日–12日');
    expect(JSON.stringify(zh.args.blocks)).toContain('◀ 上一期');

    await h.command('/retain', 'weekly 2017-03-06', { channel: 'C0OTHER' });
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 2);
    const en = h.slack.callsTo('chat.postMessage')[1];
    expect(String(en.args.text)).toContain('Weekly retention · 2017-03-06 – 2017-03-12');
    // The two charts differ: the Chinese one has Chinese words.
    expect(Buffer.compare(h.slack.uploads[0].bytes, h.slack.uploads[1].bytes)).not.toBe(0);
  });

  test('only admins choose; an unknown language gets the usage; nothing changes', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: 'U0ADMIN' });
    const refused = await h.command('/wxa', 'lang zh', { user: 'U0RANDOM' });
    expect(String(refused.json?.text)).toMatch(/admin/i);
    const bad = await h.command('/wxa', 'lang fr', { user: 'U0ADMIN' });
    expect(String(bad.json?.text)).toMatch(/Usage: `\/wxa lang zh`/);
    const current = await h.command('/wxa', 'lang');
    expect(String(current.json?.text)).toMatch(/in English/);
  });

  test('REPORT_LANGUAGE=zh: a channel nobody set gets Chinese', async () => {
    h = await startHarness({ REPORT_LANGUAGE: 'zh' });
    await h.command('/visits', 'daily 2017-03-13');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    expect(String(h.slack.callsTo('chat.postMessage')[0].args.text)).toContain('2017年3月13日');
  });

  test('in a Chinese channel, a failing report and /wxa schedule list answer in Chinese', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: 'U0ADMIN' });
    await h.command('/wxa', 'lang zh', { user: 'U0ADMIN' });
    h.sim.inject('datacube', { type: 'errcode', errcode: 45009 }, 100);
    await h.command('/retain', 'weekly 2017-03-06', { responseId: 'quota' });
    await h.slack.waitFor(() => h.slack.responses.some((r) => r.id === 'quota' && /额度/.test(String(r.body.text))));
    const text = String(h.slack.responses.find((r) => r.id === 'quota' && /额度/.test(String(r.body.text)))?.body.text);
    expect(text).toContain('小程序今天的微信接口调用额度已用完');
    expect(text).toContain('微信错误码 45009');
    expect(text).not.toMatch(/quota|Try again/);
    const list = await h.command('/wxa', 'schedule list');
    expect(String(list.json?.text)).toContain('此频道还没有定时报表');
  });

  test('a scheduled run that failed is explained by /wxa schedule list in the channel language, whatever language it failed in', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: 'U0ADMIN' });
    await h.command('/wxa', 'schedule add weekly', { user: 'U0ADMIN' });
    const [s] = await h.runtime.store.listSchedules();
    h.sim.inject('datacube', { type: 'errcode', errcode: 45009 }, 200);
    // The run fails while the channel is still English; the list is read after it turned Chinese.
    await h.command('/wxa', `schedule run ${s.id}`, { user: 'U0ADMIN', responseId: 'run' });
    // The command's follow-up comes once the run is recorded.
    await h.slack.waitFor(() => h.slack.responses.some((r) => r.id === 'run' && /could not be posted/.test(String(r.body.text))));
    expect(h.slack.callsTo('chat.postMessage').some((c) => /could not be posted/.test(String(c.args.text)))).toBe(true);
    const en = String((await h.command('/wxa', 'schedule list')).json?.text);
    expect(en).toMatch(/last: failed .* — The mini program's daily WeChat API quota is used up/);

    await h.command('/wxa', 'lang zh', { user: 'U0ADMIN' });
    const zh = String((await h.command('/wxa', 'schedule list')).json?.text);
    expect(zh).toContain('失败 — 小程序今天的微信接口调用额度已用完');
    expect(zh).toContain('微信错误码 45009');
    expect(zh).not.toMatch(/quota|Try again/);
  });
});
