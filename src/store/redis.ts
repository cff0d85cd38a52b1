import Redis from 'ioredis';
import { claimDecision, dueAt } from './claim';
import type { RunPatch, RunRecord, Schedule, Store } from './types';

const DELETE_IF = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Shared mode: every instance reads and writes the same Redis. */
export class RedisStore implements Store {
  readonly kind = 'redis';
  readonly redis: Redis;
  /** WATCH is per connection: read-decide-write transactions run one at a time on their own connection. */
  private readonly tx: Redis;
  private txQueue: Promise<unknown> = Promise.resolve();

  constructor(
    url: string,
    private readonly prefix = 'wxa',
  ) {
    const opts = { commandTimeout: 5000, maxRetriesPerRequest: 2, lazyConnect: false };
    this.redis = new Redis(url, opts);
    this.tx = new Redis(url, opts);
    // Errors surface on the commands that fail; without a listener ioredis would log them raw.
    this.redis.on('error', () => {});
    this.tx.on('error', () => {});
  }

  private k(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.redis.quit(), this.tx.quit()]);
  }

  async saveSchedule(s: Schedule): Promise<void> {
    await this.redis.multi().set(this.k('schedule', s.id), JSON.stringify(s)).zadd(this.k('schedules'), String(s.createdAt), s.id).exec();
  }

  async getSchedule(id: string): Promise<Schedule | undefined> {
    const v = await this.redis.get(this.k('schedule', id));
    return v ? (JSON.parse(v) as Schedule) : undefined;
  }

  async listSchedules(): Promise<Schedule[]> {
    const ids = await this.redis.zrange(this.k('schedules'), '0', '-1');
    if (ids.length === 0) return [];
    const bodies = await this.redis.mget(ids.map((id) => this.k('schedule', id)));
    return bodies.filter((b): b is string => b !== null).map((b) => JSON.parse(b) as Schedule);
  }

  async deleteSchedule(id: string): Promise<boolean> {
    const [[, n]] = (await this.redis.multi().del(this.k('schedule', id)).zrem(this.k('schedules'), id).exec()) as [[Error | null, number]];
    return n > 0;
  }

  private transaction<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    const run = this.txQueue.then(() => fn(this.tx));
    this.txQueue = run.catch(() => undefined);
    return run;
  }

  /** Optimistic read-decide-write on one run: retried if another instance wrote it in between. */
  private mutateRun(key: string, decide: (r: RunRecord | undefined) => RunRecord | undefined): Promise<RunRecord | undefined> {
    return this.transaction(async (r) => {
      const runKey = this.k('run', key);
      for (let attempt = 0; attempt < 20; attempt++) {
        await r.watch(runKey);
        const raw = await r.get(runKey);
        const next = decide(raw ? (JSON.parse(raw) as RunRecord) : undefined);
        if (!next) {
          await r.unwatch();
          return undefined;
        }
        const m = r.multi().set(runKey, JSON.stringify(next)).zadd(this.k('runs', next.scheduleId), String(next.updatedAt), key);
        const due = dueAt(next);
        if (due !== null) m.zadd(this.k('runs-due'), String(due), key);
        else m.zrem(this.k('runs-due'), key);
        if ((await m.exec()) !== null) return next;
      }
      throw new Error(`could not update run ${key}: too much contention`);
    });
  }

  claimRun(key: string, scheduleId: string, periodBegin: string, owner: string, leaseMs: number, now: number): Promise<RunRecord | undefined> {
    return this.mutateRun(key, (existing) => claimDecision(existing, key, scheduleId, periodBegin, owner, leaseMs, now));
  }

  async updateRun(key: string, owner: string, patch: RunPatch, now: number): Promise<boolean> {
    const r = await this.mutateRun(key, (existing) => (existing && existing.owner === owner ? { ...existing, ...patch, updatedAt: now } : undefined));
    return r !== undefined;
  }

  async getRun(key: string): Promise<RunRecord | undefined> {
    const raw = await this.redis.get(this.k('run', key));
    return raw ? (JSON.parse(raw) as RunRecord) : undefined;
  }

  async lastRun(scheduleId: string): Promise<RunRecord | undefined> {
    const [key] = await this.redis.zrange(this.k('runs', scheduleId), '-1', '-1');
    return key ? this.getRun(key) : undefined;
  }

  async dueRuns(now: number): Promise<RunRecord[]> {
    const keys = await this.redis.zrangebyscore(this.k('runs-due'), '0', String(now));
    const runs = await Promise.all(keys.map((k) => this.getRun(k)));
    return runs.filter((r): r is RunRecord => r !== undefined && dueAt(r) !== null);
  }

  async kvGet(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.k('kv', key))) ?? undefined;
  }

  async kvSet(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.redis.set(this.k('kv', key), value);
    else await this.redis.set(this.k('kv', key), value, 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async kvDeleteIf(key: string, expected: string): Promise<boolean> {
    return (await this.redis.eval(DELETE_IF, 1, this.k('kv', key), expected)) === 1;
  }

  async tryLock(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.k('lock', name), owner, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async unlock(name: string, owner: string): Promise<void> {
    await this.redis.eval(DELETE_IF, 1, this.k('lock', name), owner);
  }
}
