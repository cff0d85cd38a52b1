import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, SqliteStore } from '../../src/store/sqlite';
import { MIGRATIONS } from '../../src/store/migrations';
import { storeContract } from './contract';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wxa-sqlite-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
storeContract('SQLite', async () => new SqliteStore(path.join(dir, `contract-${n++}.sqlite`)));

describe('SQLite migrations', () => {
  test('a file from schema version 1 is upgraded with its data intact', async () => {
    const file = path.join(dir, 'old.sqlite');
    const old = new Database(file);
    migrate(old, 1);
    old
      .prepare('INSERT INTO schedules (id, body, created_at) VALUES (?, ?, ?)')
      .run('s1', JSON.stringify({ id: 's1', createdAt: 5, report: 'summary' }), 5);
    const run = { key: 's1:weekly:20261116', scheduleId: 's1', state: 'waiting_data', nextAttemptAt: 42, leaseUntil: 0 };
    old.prepare('INSERT INTO runs (key, schedule_id, body, updated_at) VALUES (?, ?, ?, ?)').run(run.key, 's1', JSON.stringify(run), 7);
    old.prepare('INSERT INTO kv (key, value, expires_at) VALUES (?, ?, NULL)').run('result:x', '{"list":[]}');
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    old.close();

    const store = new SqliteStore(file);
    expect((await store.getSchedule('s1'))?.createdAt).toBe(5);
    expect(await store.lastRun('s1')).toMatchObject({ state: 'waiting_data' });
    expect((await store.dueRuns(42)).map((r) => r.key)).toEqual([run.key]); // the new due_at column was filled in
    expect(await store.kvGet('result:x')).toBe('{"list":[]}');
    await store.close();
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    again.close();
  });

  test('a file from a newer bot is refused with a clear message', () => {
    const file = path.join(dir, 'future.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => new SqliteStore(file)).toThrow(/newer than this bot knows/);
  });

  test('the store survives a restart (reopen the same file)', async () => {
    const file = path.join(dir, 'restart.sqlite');
    const a = new SqliteStore(file);
    await a.kvSet('token:wx1', '{"token":"T","refreshAt":1}', 60_000);
    await a.close();
    const b = new SqliteStore(file);
    expect(await b.kvGet('token:wx1')).toContain('"T"');
    await b.close();
  });
});
