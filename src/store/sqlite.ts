import { mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { claimDecision, dueAt } from './claim';
import { MIGRATIONS } from './migrations';
import type { RunPatch, RunRecord, Schedule, Store } from './types';
import { errorText } from '../util/error-text';

/** Brings a database to the latest schema; returns the version it was at. */
export function migrate(db: Database.Database, upTo = MIGRATIONS.length): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > MIGRATIONS.length) {
    throw new Error(
      `The database in DATA_DIR is schema version ${from}, newer than this bot knows (${MIGRATIONS.length}). Upgrade the bot or point DATA_DIR elsewhere.`,
    );
  }
  for (let v = from; v < upTo; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return from;
}

/** The store could not be opened: the message names the file, DATA_DIR and what to do. */
export class StoreOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}

function runningAs(): string {
  try {
    return `the user the bot runs as (${userInfo().username})`;
  } catch {
    return 'the user the bot runs as';
  }
}

/** SQLite's and the file system's errors ("unable to open database file", "disk I/O error") with the file and what to do. */
function openFailure(dataDir: string, file: string, e: unknown, what = `the SQLite database ${file}`): StoreOpenError {
  let isFile = false;
  try {
    isFile = !statSync(dataDir).isDirectory();
  } catch {
    // missing, or a parent is not a directory: the reason below says which
  }
  if (isFile) {
    return new StoreOpenError(
      `DATA_DIR (${dataDir}) is a file, not a directory, so the SQLite database ${file} cannot be opened. Point DATA_DIR at a directory (it is created if missing), or move that file away.`,
      { cause: e },
    );
  }
  const reason = errorText(e);
  return new StoreOpenError(
    `Could not open ${what} (DATA_DIR is ${dataDir}): ${reason}. Check that DATA_DIR exists, is a directory that ${runningAs()} can write to, and that its disk has free space.`,
    { cause: e },
  );
}

function isBusy(e: unknown): boolean {
  // By its code, not instanceof: under jest's module registries the class may be another copy.
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** `wxa.sqlite` -> `wxa.lock`, next to it. */
function lockFileFor(file: string): string {
  return `${file.replace(/\.sqlite$/, '')}.lock`;
}

/**
 * One process per database: two bots on one SQLite file would each run the schedules (one removed
 * through the first is still posted by the second). The claim is SQLite's own lock on a small file
 * next to the database, held in exclusive locking mode from the first write until the connection
 * closes. It is an OS (fcntl) lock, so a process that dies, even by SIGKILL, releases it with no
 * stale lock file to clean up; and SQLite tracks it per file, so two stores in one process conflict too.
 */
function claimDatabase(file: string, dataDir: string): Database.Database {
  const lockFile = lockFileFor(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(lockFile, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
    return db;
  } catch (e) {
    db?.close();
    if (isBusy(e)) {
      throw new StoreOpenError(
        `Another bot process is already using DATA_DIR (${dataDir}): it holds the lock ${lockFile} on the SQLite database ${file}. ` +
          'Stop the other process first, give this one another DATA_DIR, or set REDIS_URL to run several instances on shared storage.',
        { cause: e },
      );
    }
    throw openFailure(dataDir, file, e, `the lock file ${lockFile} of the SQLite database ${file}`);
  }
}

function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: no fsync per commit, which would block the event loop on every cache write
    // (several per report). Safe across process crashes; a power cut (OS crash) can lose the last
    // commits, never corrupt the file: a schedule added just before, or a run's "posted" mark, in
    // which case that run is posted again. For stronger guarantees run with Redis (REDIS_URL).
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** The embedded store: one SQLite file in DATA_DIR, no server needed. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  /** Held open for the store's lifetime: see claimDatabase. */
  private readonly lock: Database.Database | undefined;
  private readonly statements = new Map<string, Database.Statement>();

  /**
   * @param o.joining a second connection of a process that already holds DATA_DIR (a job thread; the
   * main thread holds the claim for the whole process), so it does not claim it again.
   */
  constructor(file: string, o: { joining?: boolean } = {}) {
    if (file === ':memory:') {
      this.db = openDatabase(file);
      return;
    }
    const abs = path.resolve(file);
    const dataDir = path.dirname(abs);
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (e) {
      throw openFailure(dataDir, abs, e);
    }
    this.lock = o.joining ? undefined : claimDatabase(abs, dataDir);
    try {
      this.db = openDatabase(abs);
    } catch (e) {
      this.lock?.close();
      // A schema from a newer bot has its own message; SQLite's errors (and better-sqlite3's TypeErrors
      // about the file) get the file and what to do.
      throw e instanceof Database.SqliteError || e instanceof TypeError ? openFailure(dataDir, abs, e) : e;
    }
  }

  /** Prepared once and reused: preparing costs more than running these small statements. */
  private sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.db.close();
    this.lock?.close(); // after the database, so the next process never opens it mid-checkpoint
  }

  async saveSchedule(s: Schedule): Promise<void> {
    this.sql('INSERT OR REPLACE INTO schedules (id, body, created_at) VALUES (?, ?, ?)').run(s.id, JSON.stringify(s), s.createdAt);
  }

  async getSchedule(id: string): Promise<Schedule | undefined> {
    const row = this.sql('SELECT body FROM schedules WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Schedule) : undefined;
  }

  async listSchedules(): Promise<Schedule[]> {
    const rows = this.sql('SELECT body FROM schedules ORDER BY created_at').all() as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Schedule);
  }

  async deleteSchedule(id: string): Promise<boolean> {
    return this.sql('DELETE FROM schedules WHERE id = ?').run(id).changes > 0;
  }

  async putDoc(collection: string, id: string, body: string, createdAt: number): Promise<void> {
    this.sql('INSERT OR REPLACE INTO docs (collection, id, body, created_at) VALUES (?, ?, ?, ?)').run(collection, id, body, createdAt);
  }

  async getDoc(collection: string, id: string): Promise<string | undefined> {
    const row = this.sql('SELECT body FROM docs WHERE collection = ? AND id = ?').get(collection, id) as { body: string } | undefined;
    return row?.body;
  }

  async listDocs(collection: string): Promise<string[]> {
    const rows = this.sql('SELECT body FROM docs WHERE collection = ? ORDER BY created_at, id').all(collection) as { body: string }[];
    return rows.map((r) => r.body);
  }

  async deleteDoc(collection: string, id: string): Promise<boolean> {
    return this.sql('DELETE FROM docs WHERE collection = ? AND id = ?').run(collection, id).changes > 0;
  }

  private readRun(key: string): RunRecord | undefined {
    const row = this.sql('SELECT body FROM runs WHERE key = ?').get(key) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as RunRecord) : undefined;
  }

  private writeRun(r: RunRecord): void {
    this.sql('INSERT OR REPLACE INTO runs (key, schedule_id, body, updated_at, due_at) VALUES (?, ?, ?, ?, ?)').run(
      r.key,
      r.scheduleId,
      JSON.stringify(r),
      r.updatedAt,
      dueAt(r),
    );
  }

  async claimRun(
    key: string,
    scheduleId: string,
    periodBegin: string,
    owner: string,
    leaseMs: number,
    now: number,
  ): Promise<RunRecord | undefined> {
    return this.db
      .transaction(() => {
        const next = claimDecision(this.readRun(key), key, scheduleId, periodBegin, owner, leaseMs, now);
        if (next) this.writeRun(next);
        return next;
      })
      .immediate();
  }

  async updateRun(key: string, owner: string, patch: RunPatch, now: number): Promise<boolean> {
    return this.db
      .transaction(() => {
        const r = this.readRun(key);
        if (!r || r.owner !== owner) return false;
        this.writeRun({ ...r, ...patch, updatedAt: now });
        return true;
      })
      .immediate();
  }

  async getRun(key: string): Promise<RunRecord | undefined> {
    return this.readRun(key);
  }

  async lastRun(scheduleId: string): Promise<RunRecord | undefined> {
    const row = this.sql('SELECT body FROM runs WHERE schedule_id = ? ORDER BY updated_at DESC LIMIT 1').get(scheduleId) as
      | { body: string }
      | undefined;
    return row ? (JSON.parse(row.body) as RunRecord) : undefined;
  }

  async dueRuns(now: number): Promise<RunRecord[]> {
    const rows = this.sql('SELECT body FROM runs WHERE due_at <= ?').all(now) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as RunRecord);
  }

  async kvGet(key: string): Promise<string | undefined> {
    const row = this.sql('SELECT value FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)').get(key, Date.now()) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  async kvSet(key: string, value: string, ttlMs?: number): Promise<void> {
    this.sql('INSERT OR REPLACE INTO kv (key, value, expires_at) VALUES (?, ?, ?)').run(
      key,
      value,
      ttlMs === undefined ? null : Date.now() + ttlMs,
    );
  }

  async kvDeleteIf(key: string, expected: string): Promise<boolean> {
    return this.sql('DELETE FROM kv WHERE key = ? AND value = ?').run(key, expected).changes > 0;
  }

  async tryLock(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    return this.db
      .transaction(() => {
        const row = this.sql('SELECT owner, expires_at FROM locks WHERE name = ?').get(name) as
          | { owner: string; expires_at: number }
          | undefined;
        if (row && row.expires_at > now && row.owner !== owner) return false;
        this.sql('INSERT OR REPLACE INTO locks (name, owner, expires_at) VALUES (?, ?, ?)').run(name, owner, now + ttlMs);
        return true;
      })
      .immediate();
  }

  async unlock(name: string, owner: string): Promise<void> {
    this.sql('DELETE FROM locks WHERE name = ? AND owner = ?').run(name, owner);
  }
}
