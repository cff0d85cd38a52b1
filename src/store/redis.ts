import Redis from 'ioredis';
import { registerSecret } from '../log/redact';
import { settlesWithin } from '../util/deadline';
import { claimDecision, dueAt } from './claim';
import type { RunPatch, RunRecord, Schedule, Store } from './types';
import { errorText } from '../util/error-text';

const DELETE_IF = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** REDIS_URL fit to print: the password (in the URL or its query) replaced by `***`. */
export function maskRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of ['password', 'pass']) if (u.searchParams.has(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//***@');
  }
}

function passwordIn(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.password ? decodeURIComponent(u.password) : (u.searchParams.get('password') ?? undefined);
  } catch {
    return undefined;
  }
}

/** Shared mode: every instance reads and writes the same Redis. */
export class RedisStore implements Store {
  readonly kind = 'redis';
  readonly redis: Redis;
  /** WATCH is per connection: read-decide-write transactions run one at a time on their own connection. */
  private readonly tx: Redis;
  private txQueue: Promise<unknown> = Promise.resolve();
  private readonly where: string;
  /** The latest connection failure (ECONNREFUSED, ENOTFOUND…): ioredis' own command errors do not say it. */
  private lastConnectionError: Error | undefined;

  constructor(
    url: string,
    private readonly prefix = 'wxa',
  ) {
    registerSecret(passwordIn(url));
    this.where = maskRedisUrl(url);
    // Reconnect at least every 500 ms while Redis is away (ioredis' default backs off to 2 s): a command
    // arriving just after Redis is back must not wait out a long backoff, or its 3 s ack is lost.
    const opts = { commandTimeout: 5000, maxRetriesPerRequest: 2, lazyConnect: false, retryStrategy: (n: number) => Math.min(n * 50, 500) };
    this.redis = new Redis(url, opts);
    this.tx = new Redis(url, opts);
    // Errors surface on the commands that fail; without a listener ioredis would log them raw.
    this.redis.on('error', (e: Error) => (this.lastConnectionError = e));
    this.redis.on('ready', () => (this.lastConnectionError = undefined));
    this.tx.on('error', () => {});
  }

  /**
   * A failed ping (the first command at start-up, then every /readyz) in words that name Redis, REDIS_URL
   * (password masked) and what to do, rather than ioredis' "Reached the max retries per request limit".
   */
  private connectionError(e: unknown): Error {
    const message = errorText(e);
    if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(message)) {
      return new Error(
        `Redis at ${this.where} (REDIS_URL) refused the credentials (${message.replace(/\.$/, '')}). Put the right user name and password in REDIS_URL (redis://user:password@host:port).`,
        { cause: e },
      );
    }
    const cause = this.lastConnectionError?.message ?? message;
    return new Error(
      `Could not reach Redis at ${this.where} (REDIS_URL): ${cause}. Start Redis, or fix REDIS_URL (host, port, TLS with rediss://).`,
      { cause: e },
    );
  }

  private k(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async ping(): Promise<void> {
    try {
      await this.redis.ping();
    } catch (e) {
      throw this.connectionError(e);
    }
  }

  async close(): Promise<void> {
    // QUIT waits for a connection that is down or reconnecting; past a second, drop the sockets.
    if (!(await settlesWithin(Promise.allSettled([this.redis.quit(), this.tx.quit()]), 1_000))) {
      this.redis.disconnect();
      this.tx.disconnect();
    }
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

  async putDoc(collection: string, id: string, body: string, createdAt: number): Promise<void> {
    await this.redis
      .multi()
      .set(this.k('doc', collection, id), body)
      .zadd(this.k('docs', collection), String(createdAt), id)
      .exec();
  }

  async getDoc(collection: string, id: string): Promise<string | undefined> {
    return (await this.redis.get(this.k('doc', collection, id))) ?? undefined;
  }

  async listDocs(collection: string): Promise<string[]> {
    const ids = await this.redis.zrange(this.k('docs', collection), '0', '-1');
    if (ids.length === 0) return [];
    const bodies = await this.redis.mget(ids.map((id) => this.k('doc', collection, id)));
    return bodies.filter((b): b is string => b !== null);
  }

  async deleteDoc(collection: string, id: string): Promise<boolean> {
    const [[, n]] = (await this.redis
      .multi()
      .del(this.k('doc', collection, id))
      .zrem(this.k('docs', collection), id)
      .exec()) as [[Error | null, number]];
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

  claimRun(
    key: string,
    scheduleId: string,
    periodBegin: string,
    owner: string,
    leaseMs: number,
    now: number,
  ): Promise<RunRecord | undefined> {
    return this.mutateRun(key, (existing) => claimDecision(existing, key, scheduleId, periodBegin, owner, leaseMs, now));
  }

  async updateRun(key: string, owner: string, patch: RunPatch, now: number): Promise<boolean> {
    const r = await this.mutateRun(key, (existing) =>
      existing && existing.owner === owner ? { ...existing, ...patch, updatedAt: now } : undefined,
    );
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
