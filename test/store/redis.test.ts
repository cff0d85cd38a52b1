import { RedisStore } from '../../src/store/redis';
import { describeRedis, REDIS_URL, testPrefix } from '../helpers/redis';
import { storeContract } from './contract';

describeRedis('Redis (REDIS_URL)', () => {
  storeContract('Redis', async () => new RedisStore(REDIS_URL!, testPrefix()));
});
