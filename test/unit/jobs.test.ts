import fc from 'fast-check';
import { threadShare } from '../../src/jobs/threads';
import { isResponseUrl } from '../../src/slack/respond';

describe("a job thread's share of the process's WeChat quota", () => {
  test('the shares never add up to more than the limit (when the limit allows one call each), and each thread gets at least one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 16 }), (limit, threads) => {
        const share = threadShare(limit, threads);
        expect(share).toBeGreaterThanOrEqual(1);
        if (limit >= threads) expect(share * threads).toBeLessThanOrEqual(limit);
      }),
    );
    expect([threadShare(600, 1), threadShare(600, 4), threadShare(3, 2)]).toEqual([600, 150, 1]);
  });
});

describe("a job's response_url (it crossed Redis: untrusted)", () => {
  test.each([
    ['https://hooks.slack.com/commands/T0/1/abc', true],
    ['http://127.0.0.1:4000/respond/1', true],
    ['http://10.0.0.5/internal', false],
    ['http://metadata.google.internal/computeMetadata', false],
    ['file:///etc/passwd', false],
    ['https://user:pw@hooks.slack.com/x', false],
    ['not a url', false],
  ])('%s -> %s', (u, ok) => {
    expect(isResponseUrl(u)).toBe(ok);
  });
});
