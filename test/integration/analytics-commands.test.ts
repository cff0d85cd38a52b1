import { periodContaining } from '../../src/calendar/period';
import { fetchAndBuild } from '../../src/reports/produce';
import type { ReportRequest } from '../../src/reports/model';
import { count } from '../../src/slack/format';
import { sourceLabel } from '../../src/wechat/labels';
import { createWeChatClient } from '../../src/wechat/client';
import { PNG_SIGNATURE, pngSize, startHarness, type Harness } from '../helpers/harness';

// Each analytics command end to end: signed slash command -> ack -> WeChat simulator -> Report ->
// Block Kit and PNG in the Slack double. The figures must be WeChat's: the test builds the same
// report straight from the simulator through a client of its own and looks for its numbers.

describe('analytics commands end to end', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  /** Sends the command, waits for its chart, and returns the posted message and the PNG. */
  async function post(command: string, text: string, uploads = 1) {
    const res = await h.command(command, text);
    expect(res.status).toBe(200);
    expect(String(res.json?.text)).toMatch(/Preparing/);
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === uploads);
    const posts = h.slack.callsTo('chat.postMessage');
    const p = posts[posts.length - 1];
    const png = h.slack.uploads[h.slack.uploads.length - 1].bytes;
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngSize(png).width).toBe(1600);
    return { blocks: JSON.stringify(p.args.blocks), text: String(p.args.text), png };
  }

  /** The same report built directly from the simulator. */
  function direct(req: ReportRequest) {
    const client = createWeChatClient({ baseUrl: h.sim.url, appid: h.sim.appid, secret: h.sim.secret, tokenMode: 'stable' });
    return fetchAndBuild(client, req, { appName: 'x', sandbox: false }, new Date());
  }

  test('/wxa sources 2017-03-13: sessions by source with WeChat’s figures, against 2017-03-06', async () => {
    const { blocks, text } = await post('/wxa', 'sources 2017-03-13');
    const r = await direct({ kind: 'sources', period: periodContaining('daily', '20170313'), notes: [] });
    if (r.kind !== 'sources') throw new Error(r.kind);
    expect(text).toMatch(/visit sources/i);
    expect(blocks).toContain('2017-03-13');
    for (const s of r.sources.slice(0, 5)) {
      expect(blocks).toContain(sourceLabel(s.key).en);
      expect(blocks).toContain(count(s.sessions.value));
    }
    expect(h.sim.stats.byPath['/datacube/getweanalysisappidvisitdistribution']).toBe(4); // 2 days, the bot and us
  });

  test('/wxa pages 2017-03-13: the top pages with their views and visitors; hostile paths escaped', async () => {
    const { blocks } = await post('/wxa', 'pages 2017-03-13');
    const r = await direct({ kind: 'pages', period: periodContaining('daily', '20170313'), notes: [] });
    if (r.kind !== 'pages') throw new Error(r.kind);
    for (const p of r.pages.slice(0, 10)) {
      expect(blocks).toContain(count(p.pageViews));
      expect(blocks).toContain(count(p.visitors));
    }
    expect(blocks).not.toMatch(/<!channel>|<script>/);
  });

  test('/wxa users 7d 2017-03-12: who the users are, WeChat’s names and counts', async () => {
    const { blocks } = await post('/wxa', 'users 7d 2017-03-12');
    const r = await direct({ kind: 'users', period: periodContaining('daily', '20170312'), span: 7, notes: [] });
    if (r.kind !== 'users') throw new Error(r.kind);
    expect(blocks).toContain(count(r.activeUsers.total));
    expect(blocks).toContain(count(r.newUsers.total));
    for (const p of r.activeUsers.provinces.slice(0, 3)) expect(blocks).toContain(p.name);
    expect(h.sim.stats.byPath['/datacube/getweanalysisappiduserportrait']).toBe(2);
  });

  test('/wxa perf 7d: launch time and memory over the last 7 days', async () => {
    const { blocks } = await post('/wxa', 'perf 7d');
    expect(blocks).toMatch(/[Ll]aunch/);
    expect(blocks).toMatch(/MB/);
    expect(h.sim.stats.byPath['/wxa/business/performance/boot']).toBe(4); // one call per module
  });

  test('/retain cohorts weekly 2017-03-06: a heatmap of 8 weekly cohorts; one failed week is a gap, not a failure', async () => {
    h.sim.inject('datacube', { type: 'errcode', errcode: 45009 }, 1);
    const { blocks } = await post('/retain', 'cohorts weekly 2017-03-06');
    const r = await direct({ kind: 'cohorts', period: periodContaining('weekly', '20170306'), notes: [] });
    if (r.kind !== 'cohorts') throw new Error(r.kind);
    expect(r.cohorts).toHaveLength(8);
    const shown = r.cohorts.filter((c) => blocks.includes(count(c.size)));
    expect(shown.length).toBe(7); // the bot's first call hit the quota: that week is blank
    expect(blocks).toMatch(/could not be fetched/);
  });

  test('/wxa digest weekly 2017-03-06: headline figures, retention, sources and pages in one message', async () => {
    const { blocks, text } = await post('/wxa', 'digest weekly 2017-03-06');
    const r = await direct({ kind: 'digest', period: periodContaining('weekly', '20170306'), notes: [] });
    if (r.kind !== 'digest') throw new Error(r.kind);
    expect(text).toMatch(/Weekly digest/);
    for (const f of r.kpis.filter((k) => k.unit === 'count')) expect(blocks).toContain(count(f.value));
    for (const s of r.sources) expect(blocks).toContain(count(s.sessions.value));
    for (const p of r.pages) expect(blocks).toContain(count(p.pageViews));
    expect(blocks).toContain(count(r.retention?.size ?? null));
    expect(r.notes).toEqual([]);
  });

  test('a digest of an old week asked again makes no WeChat call: every day it needs is cached', async () => {
    await post('/wxa', 'digest weekly 2017-03-06');
    const first = h.sim.stats.datacubeRequests;
    expect(first).toBe(8 + 2 + 14 + 14); // 8 weeks of trend, 2 retention weeks, 14 days of sources and of pages
    await post('/wxa', 'digest weekly 2017-03-06', 2);
    expect(h.sim.stats.datacubeRequests).toBe(first);
  });

  test.each([
    ['/wxa', 'users 5d', /1d.*7d.*30d/],
    ['/wxa', 'sources weekly', /daily/],
    ['/wxa', 'digest monthly', /weekly|daily/],
    ['/wxa', 'pages 2099-01-01', /today or later/],
  ])('%s %s is refused privately and nothing is fetched', async (command, text, why) => {
    const res = await h.command(command, text);
    expect(res.json?.response_type).toBe('ephemeral');
    expect(String(res.json?.text)).toMatch(why);
    expect(h.sim.stats.datacubeRequests).toBe(0);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test('/wxa help lists every report', async () => {
    const res = await h.command('/wxa', 'help');
    for (const k of ['digest', 'sources', 'pages', 'users', 'perf', 'cohorts', '/retain', '/visits'])
      expect(String(res.json?.text)).toContain(k);
  });
});
