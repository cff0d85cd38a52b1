import { maskRedisUrl } from '../../src/store/redis';

// The start-up failure itself (a closed port) is tested on a bot process in test/integration/process-lifecycle.test.ts.
describe('Redis start-up messages', () => {
  test('REDIS_URL is shown with its password masked', () => {
    expect(maskRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(maskRedisUrl('redis://:hunter2secret@10.0.0.5:6380/2')).toBe('redis://:***@10.0.0.5:6380/2');
    expect(maskRedisUrl('rediss://app:hunter2secret@redis.internal:6380')).toBe('rediss://app:***@redis.internal:6380');
    expect(maskRedisUrl('redis://10.0.0.5:6379/0?password=hunter2secret')).toBe('redis://10.0.0.5:6379/0?password=***');
    expect(maskRedisUrl('redis://user:hunter2 secret@[bad')).not.toContain('hunter2');
  });
});
