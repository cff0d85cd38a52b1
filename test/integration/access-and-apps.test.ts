import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAppsFile } from '../../src/apps/config';
import { ConfigError } from '../../src/config';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { visitRow } from '../../src/sandbox/data';
import { count } from '../../src/slack/format';
import { SECRETS, startHarness, type Harness } from '../helpers/harness';
import { sendCommand } from '../doubles/slack-requests';

const SHOP = { appid: 'wx1111111111111111', secret: 'shop-secret-1234567890' };
const GAME = { appid: 'wx2222222222222222', secret: 'game-secret-1234567890' };
const WEEK = { granularity: 'weekly' as const, begin: '20170306', end: '20170312' };

describe('who may ask', () => {
  let h: Harness;
  afterEach(() => h.close());

  test('users and channels outside SLACK_ALLOWED_USERS / SLACK_ALLOWED_CHANNELS are refused, and nothing is fetched', async () => {
    h = await startHarness({ SLACK_ALLOWED_USERS: 'U0GROWTH,U0OPS', SLACK_ALLOWED_CHANNELS: 'C0REPORTS' });
    const stranger = await h.command('/retain', 'weekly 2017-03-06', { user: 'U0STRANGER' });
    expect(stranger.json).toMatchObject({ response_type: 'ephemeral' });
    expect(String(stranger.json?.text)).toMatch(/SLACK_ALLOWED_USERS/);
    const elsewhere = await h.command('/retain', 'weekly 2017-03-06', { channel: 'C0RANDOM' });
    expect(String(elsewhere.json?.text)).toMatch(/isn't enabled in this channel/);
    expect(h.sim.stats.tokenRequests + h.sim.stats.datacubeRequests).toBe(0);
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
  });

  test('requests timestamped more than 5 minutes in the future are refused; a small skew is fine', async () => {
    h = await startHarness();
    const future = await sendCommand(
      h.baseUrl,
      SECRETS.signingSecret,
      { command: '/wxa', text: 'help', response_url: h.slack.responseUrl() },
      // Well past the 300 s limit: under load the request can take seconds to be read.
      Math.floor(Date.now() / 1000) + 330,
    );
    expect(future.status).toBe(401);
    const skewed = await sendCommand(
      h.baseUrl,
      SECRETS.signingSecret,
      { command: '/wxa', text: 'help', response_url: h.slack.responseUrl() },
      Math.floor(Date.now() / 1000) + 60,
    );
    expect(skewed.status).toBe(200);
  });

  test('an audit line for every command and schedule change: who, where, what, outcome', async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: 'U0ADMIN', SLACK_ALLOWED_USERS: 'U0ADMIN,U0GROWTH' });
    await h.command('/wxa', 'help');
    await h.command('/retain', 'weekly 2017-02-30');
    await h.command('/retain', 'weekly', { user: 'U0NOPE' });
    await h.command('/wxa', 'schedule add weekly', { user: 'U0ADMIN' });
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    await h.bot.settle(5000);
    const audits = h
      .logLines()
      .filter((l) => l.msg === 'audit')
      .map((l) => l.audit as Record<string, unknown>);
    expect(audits.map((a) => a.outcome)).toEqual(['help', 'rejected', 'refused', 'changed', 'accepted', 'posted']);
    expect(audits[3]).toMatchObject({ who: 'U0ADMIN', where: 'C0REPORTS', what: '/wxa schedule add weekly', scheduleChange: true });
    expect(audits[5]).toMatchObject({ who: 'U0GROWTH', what: '/retain weekly 2017-03-06', app: 'default' });
  });
});

describe('several mini programs', () => {
  let dir: string;
  let sim: WeChatSimulator;
  let h: Harness;
  const appsFile = (body: string, name = 'apps.yaml') => {
    const f = path.join(dir, name);
    writeFileSync(f, body);
    return f;
  };
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wxa-apps-'));
    sim = await startSimulator({ appid: SHOP.appid, secret: SHOP.secret, extraApps: [GAME] });
    process.env.SHOP_SECRET = SHOP.secret;
    process.env.GAME_SECRET = GAME.secret;
  });
  afterEach(async () => {
    await h?.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const YAML = `
apps:
  shop:
    appid: ${SHOP.appid}
    secret_env: SHOP_SECRET
    display_name: 商城小程序
  game:
    appid: ${GAME.appid}
    secret_env: GAME_SECRET
    display_name: Game
    channels: [C0REPORTS, C0GAMES]
`;

  test('app:<name> picks the mini program; without it the channel default applies; channels restrict who sees what', async () => {
    h = await startHarness(
      { WECHAT_APPS_FILE: appsFile(YAML), WECHAT_APPID: '', WECHAT_SECRET: '', SLACK_ADMIN_USERS: 'U0ADMIN' },
      { sim },
    );
    // Two apps visible in C0REPORTS and no default: the user is asked to choose.
    const ambiguous = await h.command('/retain', 'weekly 2017-03-06');
    expect(String(ambiguous.json?.text)).toMatch(/Several mini programs.*app:shop.*app:game/);

    await h.command('/retain', 'weekly 2017-03-06 app:game');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    const gamePost = JSON.stringify(h.slack.callsTo('chat.postMessage')[0].args.blocks);
    expect(gamePost).toContain('Game');
    expect(gamePost).not.toContain(count(visitRow(WEEK).visit_pv)); // not the shop's figures

    const notAdmin = await h.command('/wxa', 'app default shop');
    expect(String(notAdmin.json?.text)).toMatch(/Only the bot's admins/);
    const set = await h.command('/wxa', 'app default shop', { user: 'U0ADMIN' });
    expect(String(set.json?.text)).toMatch(/now default to `shop`/);
    await h.command('/retain', 'weekly 2017-03-06');
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 2);
    const shopPost = JSON.stringify(h.slack.callsTo('chat.postMessage')[1].args.blocks);
    expect(shopPost).toContain('商城小程序');
    expect(shopPost).toContain(count(visitRow(WEEK).visit_pv));

    // game is not allowed in C0OTHER, shop is the only one visible there.
    const hidden = await h.command('/retain', 'weekly 2017-03-06 app:game', { channel: 'C0OTHER' });
    expect(String(hidden.json?.text)).toMatch(/not available in this channel/);
    const list = await h.command('/wxa', 'app list', { channel: 'C0OTHER' });
    expect(String(list.json?.text)).toContain('`shop`');
    expect(String(list.json?.text)).not.toContain('`game`');
    expect(sim.stats.tokenRequests).toBe(2); // one per AppID
  });

  test('the apps file is validated; secrets come from the variables it names, never from the file', () => {
    const ok = loadAppsFile(appsFile(YAML), process.env);
    expect(ok.apps.map((a) => [a.name, a.secret])).toEqual([
      ['shop', SHOP.secret],
      ['game', GAME.secret],
    ]);
    const json = appsFile(
      JSON.stringify({ default: 'shop', apps: { shop: { appid: SHOP.appid, secret_env: 'SHOP_SECRET' } } }),
      'apps.json',
    );
    expect(loadAppsFile(json, process.env).defaultApp).toBe('shop');
    const bad = (body: string, msg: RegExp) => {
      const f = appsFile(body, `bad-${Math.random()}.yaml`);
      expect(() => loadAppsFile(f, process.env)).toThrow(ConfigError);
      expect(() => loadAppsFile(f, process.env)).toThrow(msg);
    };
    bad(`apps:\n  shop:\n    appid: ${SHOP.appid}\n    secret: ${SHOP.secret}\n`, /Unrecognized key.*secret/);
    bad(`apps:\n  shop:\n    appid: ${SHOP.appid}\n    secret_env: NOT_SET_ANYWHERE\n`, /NOT_SET_ANYWHERE, which is not set/);
    bad(`apps:\n  shop:\n    appid: nope\n    secret_env: SHOP_SECRET\n`, /apps\.shop\.appid must be a mini program AppID/);
    bad(`default: other\napps:\n  shop:\n    appid: ${SHOP.appid}\n    secret_env: SHOP_SECRET\n`, /default names "other"/);
    expect(() => loadAppsFile(path.join(dir, 'missing.yaml'), process.env)).toThrow(/cannot be read/);
  });
});
