import PQueue from 'p-queue';

/** WeChat calls one report has in flight at most (a weekly digest makes ~38). */
export const REPORT_FAN_OUT = 8;

/**
 * Runs a report's WeChat calls at most `n` at a time. Per report, not per client: calls of a
 * report abandoned at its deadline that still hang must not hold up the next report.
 */
export function fanOut(n = REPORT_FAN_OUT): <T>(call: () => Promise<T>) => Promise<T> {
  const q = new PQueue({ concurrency: n });
  return (call) => q.add(call);
}
