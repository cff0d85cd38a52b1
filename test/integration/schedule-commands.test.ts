import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type WeChatSimulator } from '../../src/sandbox/server';
import { nextMinute } from '../helpers/clock';
import { startHarness, type Harness } from '../helpers/harness';

const ADMIN = 'U0ADMIN';

describe('/wxa schedule, embedded mode (SQLite + croner)', () => {
  let dir: string;
  let sim: WeChatSimulator;
  const open: Harness[] = [];
  const start = async () => {
    const h = await startHarness({ SLACK_ADMIN_USERS: `${ADMIN},U0OTHER` }, { sim, dataDir: dir });
    open.push(h);
    return h;
  };
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wxa-sched-'));
    sim = await startSimulator();
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close().catch(() => undefined);
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('only admins change schedules; anyone may list; bad input stores nothing', async () => {
    const h = await start();
    const refused = await h.command('/wxa', 'schedule add weekly', { user: 'U0RANDOM' });
    expect(refused.json?.response_type).toBe('ephemeral');
    expect(String(refused.json?.text)).toMatch(/Only the bot's admins/);
    for (const bad of [
      'schedule add summary weekly at 25:00',
      'schedule add tz Mars/Base',
      'schedule add newsletter',
      'schedule add daily on monday',
    ]) {
      const r = await h.command('/wxa', bad, { user: ADMIN });
      expect(String(r.json?.text)).toMatch(/not a time|time zone|not something I understand|only applies to weekly/);
    }
    expect(await h.runtime.store.listSchedules()).toEqual([]);
    const list = await h.command('/wxa', 'schedule list', { user: 'U0RANDOM' });
    expect(String(list.json?.text)).toMatch(/No schedules yet/);
  });

  test('add with defaults confirms the next fire time in the schedule zone; remove; run posts now', async () => {
    const h = await start();
    const added = await h.command('/wxa', 'schedule add weekly', { user: ADMIN });
    expect(String(added.json?.text)).toMatch(
      /Scheduled `s[0-9a-f]{6}`: weekly digest, Mondays at 10:00 Asia\/Shanghai, in <#C0REPORTS>\. Next: \d{4}-\d\d-\d\d 10:00 \(Mon\) Asia\/Shanghai/,
    );
    const [s] = await h.runtime.store.listSchedules();
    const run = await h.command('/wxa', `schedule run ${s.id}`, { user: ADMIN });
    expect(String(run.json?.text)).toMatch(/Posting schedule/);
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    const list = await h.command('/wxa', 'schedule list', { user: 'U0RANDOM' });
    expect(String(list.json?.text)).toContain(s.id);
    expect(String(list.json?.text)).toMatch(/last: posted/);
    const removed = await h.command('/wxa', `schedule remove ${s.id}`, { user: ADMIN });
    expect(String(removed.json?.text)).toMatch(/Removed schedule/);
    expect(await h.runtime.store.listSchedules()).toEqual([]);
    const missing = await h.command('/wxa', `schedule run ${s.id}`, { user: ADMIN });
    expect(String(missing.json?.text)).toMatch(/There is no schedule/);
  });

  test('a weekly schedule one minute ahead survives a restart, posts the digest once at that minute, and list shows the outcome', async () => {
    const first = await start();
    const { hhmm, weekday, at } = nextMinute('Asia/Shanghai');
    const added = await first.command('/wxa', `schedule add weekly at ${hhmm} on ${weekday}`, { user: ADMIN });
    expect(String(added.json?.text)).toMatch(/weekly digest/);
    expect(String(added.json?.text)).toMatch(/Scheduled/);
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await start(); // every instance restarted
    await second.slack.waitFor(() => second.slack.callsTo('files.completeUploadExternal').length === 1, 90_000);
    const [post] = second.slack.callsTo('chat.postMessage');
    expect(post.args.channel).toBe('C0REPORTS');
    expect(String(post.args.text)).toMatch(/Weekly digest/);
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime() - 1000);
    const list = await second.command('/wxa', 'schedule list');
    expect(String(list.json?.text)).toMatch(/last: posted/);
    expect(second.slack.callsTo('chat.postMessage')).toHaveLength(1);
  }, 120_000);
});
