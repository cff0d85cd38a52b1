import path from 'node:path';
import { RedisStore } from './redis';
import { SqliteStore } from './sqlite';
import type { Store } from './types';

export type { Store, Schedule, RunRecord, RunState, ScheduleReport } from './types';

export interface StoreSettings {
  redisUrl?: string;
  redisPrefix?: string;
  dataDir: string;
  /** SQLite: this process already holds DATA_DIR (a job thread's connection); see SqliteStore. */
  joining?: boolean;
}

/** Redis when REDIS_URL is set (several instances), otherwise SQLite in DATA_DIR. */
export function createStore(s: StoreSettings): Store {
  if (s.redisUrl) return new RedisStore(s.redisUrl, s.redisPrefix);
  return new SqliteStore(path.join(s.dataDir, 'wxa.sqlite'), { joining: s.joining });
}
