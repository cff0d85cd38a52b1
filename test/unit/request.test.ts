import { parseReportText } from '../../src/reports/request';
import { echo, escapeMrkdwn, noteText, requestProblem } from '../../src/slack/text';
import { helpText, interpretCommand } from '../../src/slack/interpret';

const NOW = new Date('2017-03-20T04:00:00Z'); // Monday 12:00 in Shanghai

function ok(kind: 'retain' | 'visits', text: string) {
  const r = parseReportText(kind, text, NOW);
  if (!r.ok) throw new Error(`expected ok for "${text}": ${requestProblem(r.problem)}`);
  return r.request;
}
function err(text: string): string {
  const r = parseReportText('retain', text, NOW);
  if (r.ok) throw new Error(`expected an error for "${text}"`);
  return requestProblem(r.problem);
}

describe('parseReportText', () => {
  test.each(['weekly 2017-03-06', 'weekly 20170306', 'weekly 2017/03/06', 'WEEKLY 2017-03-06', '  weekly   2017-03-06 '])('%s', (text) => {
    expect(ok('retain', text).period).toEqual({ granularity: 'weekly', begin: '20170306', end: '20170312' });
  });

  test('no date means the latest complete period', () => {
    expect(ok('retain', 'weekly').period.begin).toBe('20170313');
    expect(ok('retain', 'daily').period.begin).toBe('20170319');
    expect(ok('retain', 'monthly').period.begin).toBe('20170201');
    expect(ok('visits', '').period).toMatchObject({ granularity: 'weekly', begin: '20170313' });
  });

  test('a weekly date that is not a Monday means its week, and says so', () => {
    const r = ok('retain', 'weekly 2017-03-08');
    expect(r.period).toMatchObject({ begin: '20170306', end: '20170312' });
    expect(r.notes.map(noteText).join(' ')).toMatch(/2017-03-08 is a Wednesday/);
    expect(ok('retain', 'weekly 2017-03-06').notes).toEqual([]);
  });

  test('monthly takes a month or any day in it', () => {
    expect(ok('retain', 'monthly 2017-02').period).toMatchObject({ begin: '20170201', end: '20170228' });
    expect(ok('retain', 'monthly 2017-02-14').period).toMatchObject({ begin: '20170201', end: '20170228' });
  });

  test('impossible, malformed, future and incomplete periods are refused with the reason', () => {
    expect(err('weekly 2017-02-30')).toMatch(/not a real date/);
    expect(err('daily 0000-00-00')).toMatch(/not a real date/);
    expect(err('daily 2017-13-01')).toMatch(/not a real date/);
    expect(err('daily 03/06/2017')).toMatch(/not a date I understand/);
    expect(err('daily 2017-03/06')).toMatch(/not a date I understand/);
    expect(err('hourly')).toMatch(/not a period/);
    expect(err('daily 2017-03-20')).toMatch(/today or later.*latest complete one is 2017-03-19/);
    expect(err('weekly 2017-03-20')).toMatch(/not over yet.*2017-03-13 – 2017-03-19/);
    expect(err('monthly 2017-03')).toMatch(/not over yet.*2017-02/);
    expect(err('daily 2099-01-01')).toMatch(/today or later/);
    expect(err('daily 2016-12-31')).toMatch(/before WeChat mini program analytics began/);
    expect(err('weekly 2017-03')).toMatch(/names a month/);
    expect(err('weekly 2017-03-06 2017-03-13')).toMatch(/Too many words/);
  });

  test('user text echoed back is escaped and shortened', () => {
    const e = err('<!channel> <@U123>');
    expect(e).not.toMatch(/<!channel>|<@U123>/);
    expect(e).toContain('&lt;!channel&gt;');
    expect(echo('x'.repeat(10_000)).length).toBeLessThan(60);
    expect(escapeMrkdwn('a & <b>')).toBe('a &amp; &lt;b&gt;');
  });
});

describe('interpretCommand', () => {
  test('routes /retain, /visits, /wxa help and /wxa <report>', () => {
    expect(interpretCommand('/retain', 'weekly 2017-03-06', NOW)).toMatchObject({ type: 'report', request: { kind: 'retain' } });
    expect(interpretCommand('/visits', 'daily 2017-03-06', NOW)).toMatchObject({ type: 'report', request: { kind: 'visits' } });
    expect(interpretCommand('/wxa', 'visits monthly 2017-02', NOW)).toMatchObject({ type: 'report', request: { kind: 'visits' } });
    expect(interpretCommand('/wxa', 'help', NOW)).toMatchObject({ type: 'reply', isError: false });
    expect(interpretCommand('/wxa', '', NOW)).toMatchObject({ type: 'reply', isError: false });
    expect(interpretCommand('/wxa', 'dance', NOW)).toMatchObject({ type: 'reply', isError: true });
  });

  test('errors come with the usage of the command', () => {
    const r = interpretCommand('/visits', 'weekly 2017-02-30', NOW);
    expect(r.type === 'reply' && r.text).toMatch(/Usage:\* `\/visits daily\|weekly\|monthly \[date\]`/);
  });
});

describe('parseReportText: the analytics kinds', () => {
  const parse = (kind: Parameters<typeof parseReportText>[0], text: string) => parseReportText(kind, text, NOW);

  test('sources and pages are one day, the latest by default', () => {
    expect(parse('sources', '')).toMatchObject({ ok: true, request: { period: { granularity: 'daily', begin: '20170319' } } });
    expect(parse('pages', '2017-03-13')).toMatchObject({ ok: true, request: { period: { begin: '20170313', end: '20170313' } } });
    expect(parse('pages', 'daily 2017-03-13')).toMatchObject({ ok: true });
    expect(parse('sources', 'weekly')).toEqual({
      ok: false,
      problem: { reason: 'granularity_not_offered', kind: 'sources', granularity: 'weekly', offered: ['daily'] },
    });
    expect(parse('sources', '2017-03-20')).toMatchObject({ ok: false, problem: { reason: 'not_over' } });
  });

  test('users take 1d, 7d or 30d ending with the date (7d by default); a 5-day span is refused before any call', () => {
    expect(parse('users', '')).toMatchObject({ ok: true, request: { span: 7, period: { begin: '20170319' } } });
    expect(parse('users', '30d 2017-03-12')).toMatchObject({ ok: true, request: { span: 30, period: { end: '20170312' } } });
    expect(parse('users', '1d')).toMatchObject({ ok: true, request: { span: 1 } });
    expect(parse('users', '5d')).toEqual({ ok: false, problem: { reason: 'bad_span', kind: 'users', token: '5d', offered: [1, 7, 30] } });
    expect(parse('users', 'weekly')).toMatchObject({ ok: false, problem: { reason: 'granularity_not_offered' } });
    expect(parse('users', '30d 2017-01-10')).toEqual({ ok: false, problem: { reason: 'too_early', date: '20161212' } });
    expect(parse('users', 'today')).toMatchObject({ ok: false, problem: { reason: 'not_a_period', kind: 'users' } });
  });

  test('perf takes 7d or 30d (30 by default) and nothing older than WeChat keeps', () => {
    expect(parse('perf', '')).toMatchObject({ ok: true, request: { span: 30, period: { end: '20170319' } } });
    expect(parse('perf', '1d')).toMatchObject({ ok: false, problem: { reason: 'bad_span', offered: [7, 30] } });
    const late = new Date('2018-06-01T04:00:00Z');
    expect(parseReportText('perf', '7d 2017-03-12', late)).toMatchObject({
      ok: false,
      problem: { reason: 'too_old', kind: 'perf', date: '20170306' },
    });
  });

  test('cohorts and digest are weekly (default) or daily, never monthly', () => {
    expect(parse('cohorts', '')).toMatchObject({ ok: true, request: { period: { granularity: 'weekly', begin: '20170313' } } });
    expect(parse('digest', 'daily 2017-03-13')).toMatchObject({ ok: true, request: { period: { granularity: 'daily' } } });
    expect(parse('digest', 'monthly')).toMatchObject({
      ok: false,
      problem: { reason: 'granularity_not_offered', offered: ['weekly', 'daily'] },
    });
    expect(parse('digest', '7d')).toMatchObject({ ok: false, problem: { reason: 'not_a_period' } });
  });

  test('commands reach every kind: /wxa <kind> and /retain cohorts', () => {
    const kinds = ['sources', 'pages', 'users', 'perf', 'digest', 'cohorts'].map((k) => interpretCommand('/wxa', k, NOW));
    expect(kinds.map((w) => (w.type === 'report' ? w.request.kind : w.type))).toEqual([
      'sources',
      'pages',
      'users',
      'perf',
      'digest',
      'cohorts',
    ]);
    const c = interpretCommand('/retain', 'cohorts daily 2017-03-13', NOW);
    expect(c).toMatchObject({ type: 'report', request: { kind: 'cohorts', period: { granularity: 'daily', begin: '20170313' } } });
    expect(interpretCommand('/retain', 'cohortsX', NOW)).toMatchObject({ type: 'reply', isError: true });
  });
});

describe('in Chinese', () => {
  test('a weekly date that is not a Monday is said in Chinese', () => {
    const r = ok('retain', 'weekly 2017-03-08');
    expect(r.notes.map((n) => noteText(n, 'zh')).join('')).toBe('2017年3月8日是周三，因此按其所在的周统计：2017年3月6日–12日。');
    expect(r.notes.map(noteText).join('')).toMatch(/^2017-03-08 is a Wednesday/);
  });

  test('refusals in Chinese, user text still escaped', () => {
    const zh = (text: string) => {
      const r = parseReportText('retain', text, NOW);
      if (r.ok) throw new Error(`expected an error for "${text}"`);
      return requestProblem(r.problem, 'zh');
    };
    expect(zh('daily 03/06/2017')).toBe('无法识别日期 `03/06/2017`。请使用 2017-03-06、20170306 或 2017/03/06 格式。');
    expect(zh('weekly 2017-03-06 2017-03-13')).toBe('多余的内容：`2017-03-13`。最多只能给一个日期。');
    expect(zh('monthly 2017-03')).toBe('按北京时间，2017年3月 尚未结束。最近完整的一个月是 2017年2月。');
    expect(zh('<!channel> <@U123>')).toContain('&lt;!channel&gt;');
    expect(zh('<!channel> <@U123>')).not.toMatch(/<!channel>|<@U123>/);
  });

  test('help in Chinese; English by default', () => {
    expect(helpText('zh')).toContain('`/wxa help` — 显示本帮助。');
    expect(helpText()).toContain('`/wxa help` — this message.');
  });
});
