import { startSlackDouble, type SlackDouble } from '../doubles/slack-api';
import { reconnectDelay } from '../../src/slack/socket';
import { startSlackSocketDouble, type SlackSocketDouble } from '../doubles/slack-socket';
import { appHomeOpened, eventCallback, type SubmittedValues, viewSubmission } from '../doubles/slack-requests';
import { FIELD, SCHEDULE_FORM_ID } from '../../src/slack/views/schedule-form';
import { metric, startHarness, type Harness } from '../helpers/harness';

const APP_TOKEN = 'xapp-1-A0WXA-1-TESTAPPTOKEN0123456789';
/** Short backoff so reconnects happen in milliseconds; the logic is the production one. */
const FAST = { minDelayMs: 20, maxDelayMs: 200 };
const OPEN = 'apps.connections.open';

/** Polls `check` until it returns something truthy; fails with `what` after timeoutMs. */
async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function get(h: Harness, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${h.baseUrl}${path}`);
  return { status: res.status, body: await res.text() };
}

const readyz = async (h: Harness) => {
  const r = await get(h, '/readyz');
  return { status: r.status, checks: (JSON.parse(r.body) as { checks: Record<string, string> }).checks };
};
const gauge = async (h: Harness) => metric((await get(h, '/metrics')).body, 'wxa_slack_socket_connected');

/**
 * Makes apps.connections.open fail from now on, one planned fault per call as each arrives
 * (so the outage lasts exactly as long as the test wants), until the returned function is called.
 */
function outage(slack: SlackDouble, plan: (n: number) => Parameters<SlackDouble['fail']>[1]): { failed: () => number; end: () => void } {
  let n = 0;
  let on = true;
  const off = slack.onCall((c) => {
    if (on && c.method === OPEN) slack.fail(OPEN, plan(n++));
  });
  return {
    failed: () => n,
    end: () => {
      on = false;
      off();
    },
  };
}

describe('Socket Mode reconnect backoff', () => {
  test('grows from the minimum, jittered between half and all of the step, capped at the maximum however long Slack is down', () => {
    const lo = (n: number) => reconnectDelay(n, 1_000, 30_000, () => 0);
    const hi = (n: number) => reconnectDelay(n, 1_000, 30_000, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(hi)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
    expect([1, 2, 3].map(lo)).toEqual([500, 1_000, 2_000]);
    for (const n of [7, 50, 1_000, 1e9]) {
      expect(hi(n)).toBe(30_000);
      expect(lo(n)).toBe(15_000);
    }
  });
});

describe('Socket Mode', () => {
  let slack: SlackDouble;
  let socket: SlackSocketDouble;
  let running: Harness | undefined;
  // No listener for unhandled rejections here: jest gives each test file its own `process`, so one
  // would never hear them. Jest itself fails the test on an unhandled rejection (the old reconnect
  // code failed these tests that way).

  beforeEach(async () => {
    slack = await startSlackDouble();
    socket = (await startSlackSocketDouble()).attach(slack);
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await socket.close();
    await slack.close();
  });

  const start = async (reconnect = FAST) => {
    running = await startHarness({ SLACK_APP_TOKEN: APP_TOKEN }, { slack, socketReconnect: reconnect });
    return running;
  };
  const connected = (h: Harness) => until(() => h.bot.connection() === 'connected', 'the bot connected');

  /** A /retain command over the socket: resolves once acked and the report is in the channel. */
  async function retain(_h: Harness, week: string) {
    const uploads = slack.callsTo('files.completeUploadExternal').length;
    const id = socket.sendCommand({ command: '/retain', text: `weekly ${week}`, response_url: slack.responseUrl() });
    const ack = await socket.waitForAck(id);
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === uploads + 1);
    return ack;
  }

  test('a slash command envelope is acked over the socket with "Preparing…" and the report is posted', async () => {
    const h = await start();
    await connected(h);
    expect(socket.connections).toBe(1);
    const [open] = slack.callsTo(OPEN);
    expect(open.headers.authorization).toBe(`Bearer ${APP_TOKEN}`); // the app-level token, not the bot's

    const ack = await retain(h, '2017-03-06');
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Preparing') });
    const [post] = slack.callsTo('chat.postMessage');
    expect(post.args.channel).toBe('C0REPORTS');
    expect(post.headers.authorization).toMatch(/^Bearer xoxb-/);
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(1);

    const text = (await get(h, '/metrics')).body;
    expect(metric(text, 'wxa_slack_socket_connected')).toBe(1);
    expect(metric(text, 'wxa_ack_seconds_count', { command: '/retain' })).toBe(1);
    expect(metric(text, 'wxa_commands_total', { command: '/retain', outcome: 'posted' })).toBe(1);
    const ready = await readyz(h);
    expect(ready.status).toBe(200);
    expect(ready.checks.slack_socket).toBe('ok');
  });

  test('a button under a report, clicked over the socket (an interactive envelope), posts in the report’s thread', async () => {
    const h = await start();
    await connected(h);
    await retain(h, '2017-03-06');
    const blocks = slack.callsTo('chat.postMessage')[0].args.blocks as {
      type: string;
      elements?: { action_id: string; value?: string }[];
    }[];
    const prev = blocks.find((b) => b.type === 'actions')?.elements?.find((e) => e.action_id === 'wxa_nav_prev');
    expect(prev?.value).toBeDefined();
    const id = socket.sendEnvelope('interactive', {
      type: 'block_actions',
      team: { id: 'T0DOUBLE', domain: 'double' },
      user: { id: 'U0GROWTH', username: 'growth', team_id: 'T0DOUBLE' },
      api_app_id: 'A0WXA',
      container: { type: 'message', message_ts: '1489000000.000100', channel_id: 'C0REPORTS', is_ephemeral: false },
      trigger_id: '1.2.3',
      channel: { id: 'C0REPORTS', name: 'reports' },
      message: { type: 'message', ts: '1489000000.000100', text: 'report' },
      response_url: slack.responseUrl(),
      actions: [{ type: 'button', action_id: 'wxa_nav_prev', block_id: 'wxa_nav', value: prev?.value, action_ts: '1' }],
    });
    await socket.waitForAck(id);
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 2);
    const reply = slack.callsTo('chat.postMessage')[1];
    expect(reply.args.thread_ts).toBe('1489000000.000100');
    expect(JSON.stringify(reply.args.blocks)).toContain('2017-02-27 – 2017-03-05');
  });

  test('the Home tab (an events_api envelope) and a schedule form submission (an interactive envelope) over the socket', async () => {
    running = await startHarness({ SLACK_APP_TOKEN: APP_TOKEN, SLACK_ADMIN_USERS: 'U0ADMIN' }, { slack, socketReconnect: FAST });
    const h = running;
    await connected(h);
    const home = socket.sendEnvelope('events_api', eventCallback(appHomeOpened('U0ADMIN')));
    await socket.waitForAck(home);
    await slack.waitFor(() => slack.callsTo('views.publish').length === 1);
    expect(slack.callsTo('views.publish')[0].args.user_id).toBe('U0ADMIN');

    const values: SubmittedValues = {
      [FIELD.report]: { type: 'static_select', value: 'digest' },
      [FIELD.granularity]: { type: 'static_select', value: 'weekly' },
      [FIELD.time]: { type: 'plain_text_input', value: '09:30' },
      [FIELD.weekday]: { type: 'static_select', value: '1' },
      [FIELD.timezone]: { type: 'plain_text_input', value: 'Asia/Shanghai' },
      [FIELD.channel]: { type: 'conversations_select', value: 'C0REPORTS' },
    };
    const bad = socket.sendEnvelope(
      'interactive',
      viewSubmission({
        user: 'U0ADMIN',
        callbackId: SCHEDULE_FORM_ID,
        values: { ...values, [FIELD.time]: { type: 'plain_text_input', value: '25:00' } },
      }),
    );
    const badAck = await socket.waitForAck(bad);
    expect(badAck.payload).toMatchObject({ response_action: 'errors', errors: { [FIELD.time]: expect.any(String) } });
    expect(await h.runtime.store.listSchedules()).toEqual([]);
    const ok = socket.sendEnvelope('interactive', viewSubmission({ user: 'U0ADMIN', callbackId: SCHEDULE_FORM_ID, values }));
    await socket.waitForAck(ok);
    const [stored] = await h.runtime.store.listSchedules();
    expect(stored).toMatchObject({ report: 'digest', granularity: 'weekly', time: '09:30', channel: 'C0REPORTS' });
  });

  test('link dropped, then apps.connections.open answers 500 (more than 4 times) and resets: stays up, not ready, reconnects by itself', async () => {
    const h = await start();
    await connected(h);
    await retain(h, '2017-03-06');
    const opensBefore = slack.callsTo(OPEN).length;

    // Five 500s, a reset connection, then 500s until the outage ends.
    const down = outage(slack, (n) => (n === 5 ? { reset: true } : { status: 500 }));
    socket.drop();

    const seen = await until(async () => {
      // /healthz answers throughout; /readyz names the socket as the reason.
      expect((await get(h, '/healthz')).status).toBe(200);
      const r = await readyz(h);
      return r.status === 503 && /^disconnected/.test(r.checks.slack_socket ?? '') && r;
    }, '/readyz to report the socket disconnected');
    expect(seen.checks.slack_socket).toBe('disconnected: reconnecting to Slack (Socket Mode)');
    expect(await gauge(h)).toBe(0);

    await until(() => down.failed() >= 8, 'eight failed apps.connections.open calls');
    expect(h.bot.connection()).not.toBe('connected');
    expect((await get(h, '/healthz')).status).toBe(200);
    expect((await readyz(h)).status).toBe(503);
    expect(await gauge(h)).toBe(0);

    down.end();
    await connected(h);
    expect(slack.callsTo(OPEN).length).toBe(opensBefore + down.failed() + 1);
    expect(socket.connections).toBe(2);
    await retain(h, '2017-03-13');
    expect(await gauge(h)).toBe(1);
    expect((await readyz(h)).status).toBe(200);

    const warnings = h.logLines().filter((l) => l.msg === 'could not connect to Slack (Socket Mode); will try again');
    expect(warnings.length).toBeGreaterThanOrEqual(8);
    expect(warnings.map((l) => l.err)).toContain('An HTTP protocol error occurred: statusCode = 500');
    expect(h.logs.text).not.toContain('TESTAPPTOKEN');
  });

  test('disconnect (refresh_requested) from Slack: a clean reconnect on a fresh URL, commands served on the new link', async () => {
    const h = await start();
    await connected(h);
    socket.disconnect('refresh_requested');
    await socket.waitFor(() => socket.connections === 2 && socket.openConnections === 1, 'the new link, the old one closed');
    await connected(h);
    expect(slack.callsTo(OPEN)).toHaveLength(2);
    expect(socket.refused).toBe(0); // a fresh ticket, not the old URL again
    const ack = await retain(h, '2017-03-06');
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(h.logLines().some((l) => l.msg === 'could not connect to Slack (Socket Mode); will try again')).toBe(false);
  });

  test('start-up while apps.connections.open fails: /healthz answers at once, the bot connects once Slack answers', async () => {
    const down = outage(slack, (n) => (n % 3 === 2 ? { reset: true } : { status: 500 }));
    const h = await start();
    expect((await get(h, '/healthz')).status).toBe(200);
    await until(() => down.failed() >= 6, 'six failed apps.connections.open calls');
    expect((await get(h, '/healthz')).status).toBe(200);
    const r = await readyz(h);
    expect(r.status).toBe(503);
    expect(r.checks.slack_socket).toMatch(/^(disconnected|connecting)/);
    expect(await gauge(h)).toBe(0);

    down.end();
    await connected(h);
    await retain(h, '2017-03-06');
    expect((await readyz(h)).status).toBe(200);
  });

  test('stop() during a long reconnect backoff is quick and leaves nothing reconnecting', async () => {
    const h = await start({ minDelayMs: 60_000, maxDelayMs: 120_000 });
    await connected(h);
    const opens = slack.callsTo(OPEN).length;
    socket.drop();
    // A link that drops soon after opening waits a backoff (here at least 30 s) before the next attempt.
    await until(() => h.bot.connection() === 'disconnected', 'the bot to notice the drop');
    const t0 = Date.now();
    running = undefined;
    await h.close();
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(h.bot.connection()).toBe('disconnected');
    expect(slack.callsTo(OPEN)).toHaveLength(opens);
  });

  test('SIGTERM drain closes the link at once, so Slack sends new commands to other instances, and does not reconnect', async () => {
    const h = await start();
    await connected(h);
    const opens = slack.callsTo(OPEN).length;
    h.bot.drain();
    await until(() => socket.openConnections === 0, 'the link closed');
    expect(h.bot.connection()).toBe('disconnected');
    expect(slack.callsTo(OPEN)).toHaveLength(opens);
  });
});
