import { ProgramUnavailableError } from '../../src/apps/directory';
import { JobTimeoutError, QueueClosedError } from '../../src/reports/queue';
import type { ScheduleAnswer } from '../../src/schedule/service';
import type { Schedule } from '../../src/store/types';
import { accessRefusal } from '../../src/slack/access';
import { DeliveryError, StorageUnavailableError, slackProblem, userMessage } from '../../src/slack/errors';
import { adminOnly, programProblem } from '../../src/slack/replies';
import { scheduleAnswerText, scheduleUsage } from '../../src/slack/schedule-words';
import { noticeText } from '../../src/slack/scheduled';
import { deniedHomeView, homeView, postReportView, readPostReport } from '../../src/slack/views/home';
import { answerErrors, readScheduleForm, scheduleFormView } from '../../src/slack/views/schedule-form';
import { errorFromErrcode, WeChatSecurityError, WeChatError } from '../../src/wechat/errors';

// Every reply that is not a report, in Chinese: no English words left but names (Slack, WeChat AppID,
// variables such as SLACK_BOT_TOKEN, commands and their words, IPs, request ids, endpoints).

/** Latin words allowed in Chinese text: names, variables, commands, units, formats. */
const ALLOWED = new Set(
  [
    'Slack',
    'AppID',
    'AppSecret',
    'IP',
    'HTTP',
    'JSON',
    'DNS',
    'KB',
    'MB',
    'IANA',
    'HH',
    'MM',
    'Asia',
    'Shanghai',
    'Europe',
    'Berlin',
    'America',
    'New_York',
    'readyz',
    'wxa',
    'invite',
    'WeChat',
    'Analytics',
    'app',
    'default',
    'schedule',
    'add',
    'list',
    'remove',
    'run',
    'id',
    'digest',
    'summary',
    'retain',
    'visits',
    'daily',
    'weekly',
    'monthly',
    'at',
    'on',
    'tz',
    'monday',
    'sunday',
    'warning',
    'no_entry',
    'white_check_mark',
    'hourglass',
    'test_tube',
    'lt',
    'gt',
    'amp',
    'https',
    'access_token',
    'expires_in',
    'stable_token',
    'getweanalysisappidweeklyretaininfo',
    'example',
    'ref',
    'ECONNREFUSED',
  ].map((w) => w.toLowerCase()),
);

function englishWords(text: string): string[] {
  // Code spans hold what was typed or is typed (ids, Slack's error codes, commands); URLs are names.
  const bare = text.replace(/`[^`]*`/g, ' ').replace(/https?:\/\/\S+/g, ' ');
  const words = bare.replace(/\b[A-Z][A-Z0-9_]+\b/g, ' ').match(/[A-Za-z][A-Za-z_]*/g) ?? [];
  return words.filter((w) => !ALLOWED.has(w.toLowerCase()) && !/^[a-z]\d/i.test(w) && w.length > 1);
}

function expectChinese(text: string): void {
  expect(text).toMatch(/[\u4e00-\u9fff]/);
  expect(englishWords(text)).toEqual([]);
}

const ERRMSG = 'invalid ip 203.0.113.9 ipv6 ::ffff:203.0.113.9, not in whitelist';
const REF = 'req-123';

describe('userMessage in Chinese', () => {
  test.each([40230, 40231, 40232, 40233, 40234, 40235, 40236, 40237, 40238, 40239, 40240])('API security errcode %d', (code) => {
    const text = userMessage(errorFromErrcode(code, 'whatever', 'getweanalysisappidweeklyretaininfo'), REF, 'zh');
    expectChinese(text);
    expect(text).toContain(`微信错误码 ${code}`);
  });

  test('API security mode: an answer refused for each reason is worded in Chinese; the certificate and setting are named', () => {
    const problems = ['unsigned', 'bad_signature', 'stale', 'wrong_app', 'undecryptable', 'malformed'] as const;
    for (const p of problems) expectChinese(userMessage(new WeChatSecurityError(p, `English words for ${p}.`), REF, 'zh'));
    const unknown = new WeChatSecurityError(
      'unknown_serial',
      "WeChat's answer to getweanalysisappidweeklyretaininfo was signed with platform certificate 79ba0000, which is not configured: download the current platform certificate from the admin console (Development > Development settings > API security) and add it to WECHAT_SECURITY_CERTS as <number>:<file>. The answer was not used.",
    );
    const text = userMessage(unknown, REF, 'zh');
    expect(text).toContain('79ba0000');
    expect(text).toContain('WECHAT_SECURITY_CERTS');
    expectChinese(text);
  });

  test.each([40001, 40164, 89503, 45009, 45011, 40013, 40125, 48001, 61500, 61503, -1])('WeChat errcode %d', (code) => {
    const text = userMessage(errorFromErrcode(code, ERRMSG, 'getweanalysisappidweeklyretaininfo'), REF, 'zh');
    expectChinese(text);
    expect(text).toContain(`微信错误码 ${code}`);
    expect(text.startsWith(':warning: ')).toBe(true);
  });

  test('the IP to whitelist is named', () => {
    const text = userMessage(errorFromErrcode(40164, ERRMSG, 'x'), REF, 'zh');
    expect(text).toContain('203.0.113.9');
    expect(text).toContain('IP 白名单');
  });

  test("WeChat's own errmsg stays escaped", () => {
    const text = userMessage(errorFromErrcode(47001, '<!channel> 数据错误', 'getweanalysisappidweeklyretaininfo'), REF, 'zh');
    expect(text).toContain('微信返回错误：&lt;!channel&gt; 数据错误');
    expect(text).not.toContain('<!channel>');
  });

  test.each([
    new WeChatError('http', 'WeChat answered HTTP 502 for getweanalysisappidweeklyretaininfo. Try again in a few minutes.', 502),
    new WeChatError('other', 'WeChat answered HTTP 404 for getweanalysisappidweeklyretaininfo. Check WECHAT_API_BASE_URL.', 404),
    new WeChatError(
      'bad_response',
      'WeChat answered the access_token request with something that is not JSON (a proxy error page?). Try again later.',
    ),
    new WeChatError('bad_response', 'WeChat answered the stable_token request with unexpected JSON. Try again later.'),
    new WeChatError('timeout', 'WeChat did not answer getweanalysisappidweeklyretaininfo within 10 s. Try again in a few minutes.'),
    new WeChatError(
      'network',
      "Could not reach WeChat for getweanalysisappidweeklyretaininfo (ECONNREFUSED). Check the server's network access, DNS and any outbound proxy, and WECHAT_API_BASE_URL.",
    ),
    new WeChatError(
      'connection_cut',
      'WeChat (or a proxy in between) dropped the connection while answering getweanalysisappidweeklyretaininfo (closed before the answer was complete). The bot retried the call; try again in a few minutes.',
    ),
    new WeChatError(
      'too_large',
      "WeChat's answer to getweanalysisappidweeklyretaininfo was larger than 2 MB, so the bot stopped reading it (a real answer is a few KB). Whatever.",
    ),
    new WeChatError('bad_dates', '2017-03-07..2017-03-12 is not one week (expected 2017-03-06..2017-03-12). No call was made to WeChat.'),
    new WeChatError(
      'token_service',
      'WeChat answered HTTP 503 for the token service https://tokens.example/token. Try again in a few minutes. Check WECHAT_TOKEN_URL and that the token service is up.',
      503,
    ),
  ])('WeChat failure %#: %s', (e) => {
    expectChinese(userMessage(e, REF, 'zh'));
  });

  test('the English is unchanged', () => {
    const e = errorFromErrcode(45009, '', 'x');
    expect(userMessage(e, REF)).toBe(`:warning: ${e.message}`);
    expect(userMessage(e, REF, 'en')).toBe(`:warning: ${e.message}`);
  });

  const slackError = (error: string) => Object.assign(new Error(error), { code: 'slack_webapi_platform_error', data: { error } });

  test.each([
    ['token revoked', slackError('token_revoked')],
    ['refused', slackError('channel_is_archived')],
    ['rate limited', Object.assign(new Error('x'), { code: 'slack_webapi_rate_limited_error' })],
    ['storage', new StorageUnavailableError('down')],
    ['storage, maybe changed', new StorageUnavailableError('down', { maybeChanged: true })],
    ['timeout', new JobTimeoutError(60_000)],
    ['queue closed', new QueueClosedError()],
    ['no program', new ProgramUnavailableError({ reason: 'none_here' })],
    ['anything else', new Error('boom')],
  ])('%s', (_name, e) => {
    const text = userMessage(e, REF, 'zh');
    expectChinese(text);
  });

  test('the request id is kept', () => {
    expect(userMessage(new Error('boom'), REF, 'zh')).toContain('`req-123`');
    expect(userMessage(new StorageUnavailableError('x'), REF, 'zh')).toContain('`req-123`');
  });

  test('Slack problems', () => {
    const auth = slackProblem(Object.assign(new Error('x'), { data: { error: 'invalid_auth' } }), 'zh');
    expectChinese(`${auth?.reason} ${auth?.action}`);
    expect(auth?.action).toContain('SLACK_BOT_TOKEN');
  });

  test('a delivery error carries both languages', () => {
    const e = new DeliveryError('not_in_channel', 'English', undefined, { zh: '中文' });
    expect(userMessage(e, REF, 'zh')).toBe(':warning: 中文');
    expect(userMessage(e, REF)).toBe(':warning: English');
  });
});

describe('refusals and schedule answers in Chinese', () => {
  test('adminOnly, programProblem, accessRefusal', () => {
    expectChinese(adminOnly('lang', true, 'zh'));
    expectChinese(adminOnly('add', false, 'zh'));
    expectChinese(programProblem({ reason: 'none_here' }, 'zh'));
    expectChinese(programProblem({ reason: 'not_here', name: 'shop' }, 'zh').replace('shop', ''));
    expectChinese(programProblem({ reason: 'unknown', name: 'x', choices: [] }, 'zh'));
    expectChinese(accessRefusal({ users: new Set(['U1']) }, 'U2', 'C1', 'zh') ?? '');
    expectChinese(accessRefusal({ channels: new Set(['C1']) }, 'U1', 'C2', 'zh') ?? '');
    expect(adminOnly('lang', true)).toBe(
      ":no_entry: Only the bot's admins (SLACK_ADMIN_USERS) can choose a channel's language. Ask one of them to do it.",
    );
  });

  const schedule: Schedule = {
    id: 's1a2b3c',
    channel: 'C0TEST',
    report: 'digest',
    granularity: 'weekly',
    weekday: 1,
    time: '10:00',
    timezone: 'Asia/Shanghai',
    createdBy: 'U0ADMIN',
    createdAt: 0,
  } as Schedule;
  const next = new Date('2017-03-13T02:00:00Z');

  test.each<ScheduleAnswer>([
    { kind: 'usage' },
    { kind: 'not_admin', action: 'remove', adminsConfigured: true },
    { kind: 'need_one_id', action: 'remove' },
    { kind: 'no_such_schedule', id: 'zzz' },
    { kind: 'removed', schedule },
    { kind: 'running', schedule },
    { kind: 'bad_spec', problem: { reason: 'bad_time', given: '25:00' } },
    { kind: 'bad_spec', problem: { reason: 'digest_not_monthly' } },
    { kind: 'added', schedule, next, showApp: false },
    { kind: 'list', items: [] },
    { kind: 'list', items: [{ schedule, next, last: { state: 'posted', updatedAt: 0 } as never }] },
  ] as ScheduleAnswer[])('schedule answer %#', (a) => {
    const text = scheduleAnswerText(a, 'zh').replace(scheduleUsage('zh'), '');
    expectChinese(text);
  });

  test('the list says when in Chinese', () => {
    const text = scheduleAnswerText({ kind: 'added', schedule, next, showApp: false } as ScheduleAnswer, 'zh');
    expect(text).toContain('每周摘要');
    expect(text).toContain('每周一 10:00（Asia/Shanghai）');
  });

  test('notices of scheduled runs', () => {
    expectChinese(
      noticeText(
        { kind: 'not_ready', scheduleId: 's1', title: '每周留存 · 2017年3月6日–12日', range: '2017-03-06 – 2017-03-12', hours: 6 },
        'zh',
      ),
    );
    expectChinese(
      noticeText({ kind: 'failed', scheduleId: 's1', range: '2017-03-06', error: errorFromErrcode(45009, '', 'x'), ref: 'r1' }, 'zh'),
    );
    expectChinese(
      noticeText({ kind: 'chart_missing', scheduleId: 's1', range: '2017-03-06', error: new Error('x'), ref: 'r1', hours: 2 }, 'zh'),
    );
  });
});

describe('the views in Chinese', () => {
  const words = (v: unknown): string[] => {
    const out: string[] = [];
    JSON.stringify(v, (k, val) => {
      if ((k === 'text' || k === 'label') && typeof val === 'string') out.push(val);
      return val;
    });
    return out;
  };

  test('the Home tab, its denial and the post modal', () => {
    const period = { granularity: 'weekly', begin: '20170306', end: '20170312' } as never;
    const home = homeView({ programs: [{ name: 'shop', displayName: '商城', sandbox: true, period, figures: null }], schedules: [] }, 'zh');
    for (const w of words(home)) expectChinese(w.replace(/\d{4}-\d{2}-\d{2}/g, ''));
    for (const w of words(deniedHomeView('zh'))) expectChinese(w);
    for (const w of words(
      postReportView(
        {
          programs: [
            { name: 'a', displayName: '甲' },
            { name: 'b', displayName: '乙' },
          ],
        },
        'zh',
      ),
    ))
      expectChinese(w);
    const read = readPostReport({}, 'zh');
    expect(read.ok).toBe(false);
    if (!read.ok) for (const e of Object.values(read.errors)) expectChinese(e);
  });

  test('the schedule form and its errors', () => {
    for (const w of words(scheduleFormView({ timezone: 'Asia/Shanghai' }, 'zh'))) expectChinese(w);
    const read = readScheduleForm({}, 'zh');
    if (!read.ok) for (const e of Object.values(read.errors)) expectChinese(e ?? '');
    const errors = answerErrors({ kind: 'bad_spec', problem: { reason: 'bad_zone', given: 'Mars/Base' } }, 'zh') ?? {};
    for (const e of Object.values(errors)) expectChinese((e ?? '').replace('Mars/Base', ''));
  });
});
