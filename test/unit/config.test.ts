import { ConfigError, loadConfig } from '../../src/config';

const BOT = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'signing-secret-123' };

function problem(env: Record<string, string>, purpose: 'bot' | 'cli' = 'bot'): string {
  try {
    loadConfig(env, purpose);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  test('defaults', () => {
    const c = loadConfig(BOT, 'bot');
    expect(c).toMatchObject({
      PORT: 3000,
      WECHAT_API_BASE_URL: 'https://api.weixin.qq.com',
      WECHAT_TOKEN_MODE: 'stable',
      REPORT_TIMEZONE: 'Asia/Shanghai',
      LOG_LEVEL: 'info',
    });
    expect(c.WECHAT_APPID).toBeUndefined();
  });

  test('the CLI needs no Slack credentials; the bot does', () => {
    expect(() => loadConfig({}, 'cli')).not.toThrow();
    expect(problem({})).toMatch(/SLACK_BOT_TOKEN is required/);
    expect(problem({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(/SLACK_SIGNING_SECRET is required/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-2' }, 'bot')).not.toThrow();
  });

  test.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ SLACK_BOT_TOKEN: 'xoxp-user' }, /SLACK_BOT_TOKEN must be a bot token/],
    [{ SLACK_APP_TOKEN: 'xoxb-no' }, /SLACK_APP_TOKEN must be an app-level token/],
    [{ SLACK_API_URL: 'not a url' }, /SLACK_API_URL/],
    [{ WECHAT_TOKEN_MODE: 'magic' }, /WECHAT_TOKEN_MODE/],
    [{ WECHAT_TOKEN_MODE: 'external', WECHAT_APPID: 'wx1234567890abcdef' }, /WECHAT_TOKEN_URL is required/],
    [{ WECHAT_APPID: 'wx1234567890abcdef' }, /WECHAT_SECRET is required/],
    [{ WECHAT_APPID: 'not-an-appid', WECHAT_SECRET: 'xxxxxxxxxxxx' }, /WECHAT_APPID must be a mini program AppID/],
    [{ WECHAT_SECRET: 'xxxxxxxxxxxx' }, /WECHAT_APPID is required/],
    [{ REPORT_TIMEZONE: 'Mars/Olympus' }, /REPORT_TIMEZONE must be an IANA time zone/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ WECHAT_API_BASE_URL: 'nope' }, /WECHAT_API_BASE_URL/],
    [{ REPORT_CONCURRENCY: '0' }, /REPORT_CONCURRENCY must be at least 1/],
    [{ REPORT_CONCURRENCY: 'many' }, /REPORT_CONCURRENCY/],
    [{ WXA_ROLE: 'receiver' }, /WXA_ROLE must be all, web \(receive and enqueue\) or worker/],
    [{ WXA_ROLE: 'web' }, /WXA_ROLE \(web\) needs REDIS_URL/],
    [{ WXA_ROLE: 'worker' }, /WXA_ROLE \(worker\) needs REDIS_URL/],
    [{ JOB_THREADS: '-1' }, /JOB_THREADS must be 0 \(jobs on the main thread\) or more/],
    [{ JOB_THREADS: '99' }, /JOB_THREADS must be at most 16/],
    [{ JOB_LEASE_MS: '10' }, /JOB_LEASE_MS must be at least 1000/],
  ])('%j is refused, naming the variable', (env, msg) => {
    const text = problem({ ...BOT, ...env });
    expect(text).toMatch(msg);
    expect(text).toContain('Invalid configuration');
  });

  test('the roles: all by default; a worker needs no signing secret (it receives nothing from Slack), a web process does', () => {
    expect(loadConfig(BOT, 'bot').WXA_ROLE).toBe('all');
    expect(loadConfig(BOT, 'bot').JOB_THREADS).toBe(1);
    const { SLACK_SIGNING_SECRET: _secret, ...noSecret } = BOT as Record<string, string>;
    const redis = { REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(loadConfig({ ...noSecret, ...redis, WXA_ROLE: 'worker' }, 'bot').WXA_ROLE).toBe('worker');
    expect(problem({ ...noSecret, ...redis, WXA_ROLE: 'web' })).toMatch(/SLACK_SIGNING_SECRET is required/);
  });

  test('the message never echoes a secret value', () => {
    const text = problem({ ...BOT, WECHAT_APPID: 'wx1234567890abcdef', WECHAT_SECRET: 'short' });
    expect(text).toMatch(/WECHAT_SECRET/);
    expect(text).not.toContain('short"');
  });
});
