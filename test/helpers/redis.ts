import { randomBytes } from 'node:crypto';

/** Redis-backed suites run when REDIS_URL is set (CI always sets it); otherwise they are skipped. */
export const REDIS_URL = process.env.REDIS_URL;
export const describeRedis = REDIS_URL ? describe : describe.skip;

/** A key prefix of its own for each test, so runs never see each other's data. */
export function testPrefix(): string {
  return `wxatest-${randomBytes(4).toString('hex')}`;
}
