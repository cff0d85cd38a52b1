import { JobQueueError } from '../../src/jobs/types';
import { userMessage } from '../../src/slack/errors';
import { handOverFailure } from '../../src/slack/listeners/report';
import { errorFromErrcode, WeChatError } from '../../src/wechat/errors';

describe('errcode mapping', () => {
  test.each([
    [40001, 'token_invalid', false, /access token/],
    [40014, 'token_invalid', false, /access token/],
    [42001, 'token_invalid', false, /access token/],
    [40164, 'ip_not_whitelisted', false, /203\.0\.113\.9.*IP whitelist/],
    [45009, 'quota_daily', false, /daily WeChat API quota.*tomorrow/],
    [45011, 'quota_minute', false, /Wait a minute/],
    [40013, 'bad_credentials', false, /WECHAT_APPID/],
    [40125, 'bad_credentials', false, /WECHAT_SECRET/],
    [61500, 'bad_dates', false, /dates/],
    [61501, 'bad_dates', false, /dates/],
    [61503, 'not_ready', true, /not finished preparing.*try again later/],
    [-1, 'busy', true, /busy.*Try again/],
    [89503, 'unauthorized', false, /admin/],
    [12345, 'other', false, /simulated/],
  ])('errcode %d -> %s (retryable: %s)', (errcode, kind, retryable, text) => {
    const e = errorFromErrcode(
      errcode,
      'invalid ip 203.0.113.9 ipv6 ::ffff:203.0.113.9, not in whitelist, simulated',
      'getweanalysisappidweeklyretaininfo',
    );
    expect(e).toBeInstanceOf(WeChatError);
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(errcode);
    expect(e.retryable).toBe(retryable);
    expect(e.message).toMatch(text);
    expect(e.message).toContain(`errcode ${errcode}`);
  });

  test('query strings in errmsg are dropped', () => {
    const e = errorFromErrcode(99999, 'bad request for /x?access_token=ABCDEF123456&secret=zzz', 'x');
    expect(e.message).not.toContain('ABCDEF123456');
    expect(e.message).not.toContain('zzz');
  });
});

describe('a job that could not be handed to a worker, in words', () => {
  test.each([
    ['closed', /restarted before your report was ready/],
    ['unreachable', /storage is unavailable right now/],
    ['crashed', /req-9/],
  ] as const)('%s', (reason, words) => {
    const text = userMessage(handOverFailure(new JobQueueError(reason, 'redis://:hunter2@x details')), 'req-9', 'en');
    expect(text).toMatch(words);
    expect(text).not.toContain('hunter2');
  });
});
