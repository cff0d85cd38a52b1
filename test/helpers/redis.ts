import { randomBytes } from 'node:crypto';

/** Redis-backed suites run when REDIS_URL is set (CI always sets it); otherwise they are skipped. */
export const REDIS_URL = process.env.REDIS_URL;
export const describeRedis = REDIS_URL ? describe : describe.skip;

/** A key prefix of its own for each test, so runs never see each other's data. */
export function testPrefix(): string {
  return `wxatest-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key a test wrote under its prefix. */
export async function dropPrefix(prefix: string): Promise<void> {
  if (!REDIS_URL) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: Redis } = require('ioredis') as typeof import('ioredis');
  const r = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}
