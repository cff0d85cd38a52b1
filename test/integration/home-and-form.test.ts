import { latestComplete } from '../../src/calendar/period';
import type { ReportRequest, TrendReport } from '../../src/reports/model';
import { figureLine } from '../../src/slack/format';
import { POST_FIELD, POST_REPORT_ID } from '../../src/slack/views/home';
import { FIELD, SCHEDULE_FORM_ID } from '../../src/slack/views/schedule-form';
import { appHomeOpened, homeButton, sendEvent, sendInteraction, type SubmittedValues, viewSubmission } from '../doubles/slack-requests';
import { type Harness, SECRETS, startHarness } from '../helpers/harness';

const ADMIN = 'U0ADMIN';

/** The form's values as Slack would send them. */
function form(over: Partial<Record<keyof typeof FIELD, string | null>> = {}): SubmittedValues {
  const v = {
    report: 'summary',
    granularity: 'weekly',
    time: '09:30',
    weekday: '3',
    timezone: 'Europe/Berlin',
    channel: 'C0REPORTS',
    ...over,
  };
  return {
    [FIELD.report]: { type: 'static_select', value: v.report },
    [FIELD.granularity]: { type: 'static_select', value: v.granularity },
    [FIELD.time]: { type: 'plain_text_input', value: v.time },
    [FIELD.weekday]: { type: 'static_select', value: v.weekday },
    [FIELD.timezone]: { type: 'plain_text_input', value: v.timezone },
    [FIELD.channel]: { type: 'conversations_select', value: v.channel },
  };
}

describe('the App Home tab and the schedule form', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ SLACK_ADMIN_USERS: ADMIN });
  });
  afterEach(async () => {
    await h.close();
  });

  const openHome = async (user: string) => {
    const before = h.slack.callsTo('views.publish').length;
    const r = await sendEvent(h.baseUrl, SECRETS.signingSecret, appHomeOpened(user));
    expect(r.status).toBe(200);
    await h.slack.waitFor(() => h.slack.callsTo('views.publish').length > before);
    const call = h.slack.callsTo('views.publish')[before];
    return { userId: call.args.user_id, view: call.args.view as { type: string; blocks: { type: string }[] } };
  };
  const submit = (user: string, values: SubmittedValues, callbackId = SCHEDULE_FORM_ID) =>
    sendInteraction(h.baseUrl, SECRETS.signingSecret, viewSubmission({ user, callbackId, values }));

  test("opening the Home tab publishes the user's view with last week's figures, as the ReportService computes them; again within the TTL costs no WeChat call", async () => {
    await h.runtime.store.saveSchedule({
      id: 's0home1',
      report: 'digest',
      granularity: 'weekly',
      time: '10:00',
      weekday: 1,
      timezone: 'Asia/Shanghai',
      channel: 'C0REPORTS',
      createdBy: ADMIN,
      createdAt: Date.now(),
    });
    await h.runtime.store.saveSchedule({
      id: 's0other',
      report: 'visits',
      granularity: 'daily',
      time: '08:00',
      weekday: null,
      timezone: 'Asia/Shanghai',
      channel: 'C0ELSEWHERE',
      createdBy: ADMIN,
      createdAt: Date.now(),
    });
    const { userId, view } = await openHome('U0GROWTH');
    expect(userId).toBe('U0GROWTH');
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const shown = JSON.stringify(view);

    const request: ReportRequest = { kind: 'visits', period: latestComplete('weekly', new Date()), notes: [] };
    const report = (await h.work.reports.run(h.program, request, async (p) => p.report)) as TrendReport;
    for (const [key, label] of [
      ['visitUv', 'Visitors'],
      ['visitUvNew', 'New users'],
      ['sessionCnt', 'Sessions'],
    ]) {
      const f = report.visits.find((x) => x.key === key);
      if (!f) throw new Error(`no ${key}`);
      expect(shown).toContain(JSON.stringify(`*${label}*\n${figureLine(f)}`).slice(1, -1));
    }
    // The user is in C0REPORTS (the bot's channel in the double), not C0ELSEWHERE.
    expect(shown).toContain('s0home1');
    expect(shown).not.toContain('s0other');
    expect(shown).toMatch(/next: \d{4}-\d\d-\d\d 10:00 \(Mon\) Asia\/Shanghai · last: not run yet/);

    const calls = h.sim.stats.datacubeRequests;
    const conversations = h.slack.callsTo('users.conversations').length;
    const again = await openHome('U0GROWTH');
    expect(h.sim.stats.datacubeRequests).toBe(calls);
    expect(h.slack.callsTo('users.conversations').length).toBe(conversations);
    expect(JSON.stringify(again.view)).toContain('*Visitors*');
  });

  test('WeChat down: the tab shows a short notice, not an empty view', async () => {
    h.sim.inject('datacube', { type: 'errcode', errcode: -1, errmsg: 'system error' }, 1000);
    const { view } = await openHome('U0GROWTH');
    const shown = JSON.stringify(view);
    expect(shown).toContain('WeChat did not answer; figures will show when it does');
    expect(shown).toContain('Schedules in your channels');
  });

  test('/wxa schedule add with no words opens the form with the trigger_id; admins only see the form', async () => {
    const r = await h.command('/wxa', 'schedule add', { user: ADMIN });
    expect(r.status).toBe(200);
    await h.slack.waitFor(() => h.slack.callsTo('views.open').length === 1);
    const [open] = h.slack.callsTo('views.open');
    expect(open.args.trigger_id).toBe('1.2.3');
    expect(open.args.view).toMatchObject({ type: 'modal', callback_id: SCHEDULE_FORM_ID });
  });

  test("the Home tab's Create a schedule button opens the form for an admin and a refusal for anyone else", async () => {
    await sendInteraction(
      h.baseUrl,
      SECRETS.signingSecret,
      homeButton({ user: ADMIN, actionId: 'wxa_home_create_schedule', triggerId: '9.9.9' }),
    );
    await h.slack.waitFor(() => h.slack.callsTo('views.open').length === 1);
    expect(h.slack.callsTo('views.open')[0].args).toMatchObject({ trigger_id: '9.9.9', view: { callback_id: SCHEDULE_FORM_ID } });
    await sendInteraction(h.baseUrl, SECRETS.signingSecret, homeButton({ user: 'U0RANDOM', actionId: 'wxa_home_create_schedule' }));
    await h.slack.waitFor(() => h.slack.callsTo('views.open').length === 2);
    const refusal = JSON.stringify(h.slack.callsTo('views.open')[1].args.view);
    expect(refusal).toMatch(/Only the bot's admins/);
    expect(refusal).not.toContain(FIELD.time);
  });

  test('a valid submission stores the schedule through the schedule service; 25:00 names the time field; a non-admin is refused', async () => {
    const bad = await submit(ADMIN, form({ time: '25:00' }));
    expect(bad.json).toEqual({ response_action: 'errors', errors: { [FIELD.time]: expect.stringMatching(/not a time/) } });
    const zone = await submit(ADMIN, form({ timezone: 'Mars/Base' }));
    expect(zone.json).toMatchObject({ response_action: 'errors', errors: { [FIELD.timezone]: expect.any(String) } });
    expect(await h.runtime.store.listSchedules()).toEqual([]);

    const refused = await submit('U0RANDOM', form());
    expect(refused.json?.response_action).toBe('update');
    expect(JSON.stringify(refused.json)).toMatch(/Only the bot's admins/);
    expect(await h.runtime.store.listSchedules()).toEqual([]);

    const ok = await submit(ADMIN, form());
    expect(ok.json?.response_action).toBe('update');
    expect(JSON.stringify(ok.json)).toMatch(/Scheduled `s[0-9a-f]{6}`: weekly summary, Wednesdays at 09:30 Europe\/Berlin/);
    const stored = await h.runtime.store.listSchedules();
    expect(stored).toEqual([
      expect.objectContaining({
        report: 'summary',
        granularity: 'weekly',
        time: '09:30',
        weekday: 3,
        timezone: 'Europe/Berlin',
        channel: 'C0REPORTS',
        createdBy: ADMIN,
      }),
    ]);
  });

  test("the Home tab's Post a report button opens a modal; submitting it posts last week's report in the channel", async () => {
    await sendInteraction(h.baseUrl, SECRETS.signingSecret, homeButton({ user: 'U0GROWTH', actionId: 'wxa_home_post_report' }));
    await h.slack.waitFor(() => h.slack.callsTo('views.open').length === 1);
    expect(h.slack.callsTo('views.open')[0].args.view).toMatchObject({ callback_id: POST_REPORT_ID });
    const r = await submit(
      'U0GROWTH',
      {
        [POST_FIELD.channel]: { type: 'conversations_select', value: 'C0REPORTS' },
        [POST_FIELD.kind]: { type: 'static_select', value: 'visits' },
      },
      POST_REPORT_ID,
    );
    expect(r.status).toBe(200);
    await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length === 1);
    const [post] = h.slack.callsTo('chat.postMessage');
    expect(post.args.channel).toBe('C0REPORTS');
    expect(String(post.args.text)).toMatch(/[Ww]eekly visits/);
  });
});

describe('the App Home tab for someone SLACK_ALLOWED_USERS leaves out', () => {
  test('a short "no access" home, and no WeChat call', async () => {
    const h = await startHarness({ SLACK_ALLOWED_USERS: 'U0GROWTH' });
    try {
      await sendEvent(h.baseUrl, SECRETS.signingSecret, appHomeOpened('U0STRANGER'));
      await h.slack.waitFor(() => h.slack.callsTo('views.publish').length === 1);
      const [call] = h.slack.callsTo('views.publish');
      expect(call.args.user_id).toBe('U0STRANGER');
      expect(JSON.stringify(call.args.view)).toMatch(/don't have access/);
      expect(h.sim.stats.datacubeRequests).toBe(0);
    } finally {
      await h.close();
    }
  });
});
