import { createLogger, redact, registerRotatingSecret, registerSecret } from '../../src/log';
import { LogCapture } from '../helpers/harness';

describe('redaction', () => {
  test('registered secrets and token-looking query parameters are removed', () => {
    registerSecret('my-app-secret-value');
    registerRotatingSecret('ACCESS_TOKEN_VALUE_123');
    const out = redact('secret my-app-secret-value token ACCESS_TOKEN_VALUE_123 url /x?access_token=zzz999&b=1 xoxb-123-abc xapp-1-A-2');
    expect(out).not.toMatch(/my-app-secret-value|ACCESS_TOKEN_VALUE_123|zzz999|xoxb-123-abc|xapp-1-A-2/);
    expect(out).toContain('access_token=[REDACTED]&b=1');
  });

  test('every log line passes through redaction, whatever the call carried', () => {
    registerRotatingSecret('ROTATING_TOKEN_ABCDEFG');
    const logs = new LogCapture();
    const log = createLogger({ level: 'info', destination: logs });
    log.info(
      { url: 'http://x/datacube/a?access_token=ROTATING_TOKEN_ABCDEFG', nested: { secret: 'plain' } },
      'message with ROTATING_TOKEN_ABCDEFG',
    );
    expect(logs.lines).toHaveLength(1);
    expect(logs.text).not.toContain('ROTATING_TOKEN_ABCDEFG');
    expect(logs.text).not.toContain('plain');
  });

  test('too-short values are not registered (they would redact ordinary words)', () => {
    registerSecret('abc');
    expect(redact('abc def')).toBe('abc def');
  });
});
