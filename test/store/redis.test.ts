import { RedisStore } from '../../src/store/redis';
import { describeRedis, dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis';
import { storeContract } from './contract';

describeRedis('Redis (REDIS_URL)', () => {
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const p of prefixes) await dropPrefix(p);
  });
  storeContract('Redis', async () => {
    const p = testPrefix();
    prefixes.push(p);
    return new RedisStore(REDIS_URL!, p);
  });
});
