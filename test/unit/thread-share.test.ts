import fc from 'fast-check';
import { threadShare } from '../../src/jobs/threads';

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
