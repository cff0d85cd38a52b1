import { DeliveryError } from '../../src/slack/errors';
import { runFailure, runFailureWords } from '../../src/slack/run-failure';
import { errorFromErrcode, WeChatError } from '../../src/wechat/errors';
import { ProgramUnavailableError } from '../../src/apps/directory';

// A scheduled run's failure is kept as facts and worded when read, in the reader's language.

const slackRefusal = (error: string) =>
  Object.assign(new Error(`An API error occurred: ${error}`), { code: 'slack_webapi_platform_error', data: { ok: false, error } });

describe('run failures in the run log', () => {
  test('what is stored holds no words of either language, and reads back in both', () => {
    const stored = runFailure(
      errorFromErrcode(45009, 'reach max api daily quota limit', 'datacube/getweanalysisappiddailyretaininfo'),
      'report',
    );
    expect(stored).not.toMatch(/额度/);
    expect(JSON.parse(stored)).toMatchObject({ part: 'report', problem: { side: 'wechat', kind: 'quota_daily', code: 45009 } });
    expect(runFailureWords(stored, 'r1', 'en')).toMatch(/^The mini program's daily WeChat API quota is used up/);
    const zh = runFailureWords(stored, 'r1', 'zh');
    expect(zh).toContain('小程序今天的微信接口调用额度已用完');
    expect(zh).not.toMatch(/quota/);
  });

  test('a chart that failed after the summary says so; a Slack refusal keeps its code, escaped', () => {
    const stored = runFailure(new DeliveryError('upload_failed', 'upload failed', slackRefusal('not_in_channel')), 'chart');
    expect(runFailureWords(stored, 'r1', 'en')).toMatch(/^summary posted; the chart failed: .*not_in_channel/);
    expect(runFailureWords(stored, 'r1', 'zh')).toMatch(/^摘要已发布，图表失败：.*not_in_channel/);
    const hostile = runFailure(slackRefusal('<!channel>'), 'report');
    expect(runFailureWords(hostile, 'r1', 'en')).not.toContain('<!channel>');
  });

  test('WeChat errmsg inside a stored failure is escaped when shown; secrets never stored', () => {
    const e = errorFromErrcode(47001, '<!here> bad <https://evil|click> access_token=SECRET123', 'datacube/x');
    const stored = runFailure(e, 'report');
    expect(stored).not.toContain('SECRET123');
    const words = runFailureWords(stored, 'r1', 'zh');
    expect(words).not.toMatch(/<!here>|<https:/);
    expect(words).toContain('47001');
  });

  test('a missing mini program and an unknown error are worded in the reader language', () => {
    const gone = runFailure(new ProgramUnavailableError({ reason: 'not_here', name: 'shop' }), 'report');
    expect(runFailureWords(gone, 'r1', 'en')).toContain('shop');
    expect(runFailureWords(gone, 'r1', 'zh')).toMatch(/shop/);
    expect(runFailureWords(gone, 'r1', 'zh')).not.toEqual(runFailureWords(gone, 'r1', 'en'));
    const odd = runFailure(new TypeError('x is undefined'), 'report');
    expect(runFailureWords(odd, 'ref-9', 'en')).toContain('ref-9');
    expect(runFailureWords(odd, 'ref-9', 'en')).not.toContain('x is undefined');
  });

  test('an old English record, or a tampered one, is shown as plain escaped text, cut short', () => {
    expect(runFailureWords('WeChat is busy', 'r1', 'zh')).toBe('WeChat is busy');
    expect(runFailureWords('<!channel> '.repeat(100), 'r1', 'en')).not.toContain('<!channel>');
    expect(runFailureWords('<!channel> '.repeat(100), 'r1', 'en').length).toBeLessThan(400);
    const tampered = JSON.stringify({ part: 'report', problem: { side: 'wechat', kind: 'rm -rf', message: 'x' } });
    expect(runFailureWords(tampered, 'r1', 'en')).toContain('rm -rf');
    expect(runFailureWords(JSON.stringify({ part: 'report', problem: { side: 'timeout', ms: -5 } }), 'r1', 'en')).toContain('timeout');
  });

  test('every kind of WeChat failure survives the round trip with its words', () => {
    for (const e of [
      new WeChatError('network', "Could not reach WeChat for datacube/x (ECONNREFUSED). Check the server's network."),
      errorFromErrcode(61503, '', 'datacube/y'),
    ]) {
      const stored = runFailure(e, 'report');
      expect(runFailureWords(stored, 'r1', 'en')).toBe(e.message.replace(/\.$/, ''));
    }
  });
});
