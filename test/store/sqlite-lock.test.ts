import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/migrations';
import { SqliteStore, StoreOpenError } from '../../src/store/sqlite';

// One process per SQLite database: the claim is SQLite's lock on <name>.lock next to it (see claimDatabase).
describe('SQLite store: one owner per database', () => {
  let dir: string;
  const open: SqliteStore[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wxa-lock-'));
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const store = (file: string) => {
    const s = new SqliteStore(file);
    open.push(s);
    return s;
  };

  test('a second store on the same file, even in the same process, is refused with DATA_DIR, the lock file and what to do; close() releases it', async () => {
    const file = path.join(dir, 'wxa.sqlite');
    const first = store(file);
    await first.kvSet('k', 'v');
    let refused: unknown;
    try {
      new SqliteStore(file);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(StoreOpenError);
    expect((refused as Error).message).toBe(
      `Another bot process is already using DATA_DIR (${dir}): it holds the lock ${path.join(dir, 'wxa.lock')} on the SQLite database ${file}. ` +
        'Stop the other process first, give this one another DATA_DIR, or set REDIS_URL to run several instances on shared storage.',
    );
    expect(await first.kvGet('k')).toBe('v'); // the first store is unaffected

    await first.close();
    open.splice(open.indexOf(first), 1);
    const next = store(file);
    expect(await next.kvGet('k')).toBe('v');
  });

  test('stores on different files in one directory do not conflict', async () => {
    const a = store(path.join(dir, 'contract-0.sqlite'));
    const b = store(path.join(dir, 'contract-1.sqlite'));
    await a.kvSet('k', 'a');
    await b.kvSet('k', 'b');
    expect(await a.kvGet('k')).toBe('a');
    expect(await b.kvGet('k')).toBe('b');
  });

  test('a store that fails to open (a newer schema) does not keep the lock', () => {
    const file = path.join(dir, 'wxa.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => new SqliteStore(file)).toThrow(/newer than this bot knows/);
    expect(() => new SqliteStore(file)).toThrow(/newer than this bot knows/); // not "already in use"
  });

  // Root may write anywhere: this one runs for other users only (checked by hand as root with `setpriv --reuid=nobody`).
  (process.getuid?.() === 0 ? test.skip : test)(
    'a DATA_DIR the user cannot write to: the message names the file, DATA_DIR and what to do',
    () => {
      const locked = path.join(dir, 'read-only');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      try {
        expect(() => new SqliteStore(path.join(locked, 'wxa.sqlite'))).toThrow(
          `Could not open the lock file ${path.join(locked, 'wxa.lock')} of the SQLite database ${path.join(locked, 'wxa.sqlite')} (DATA_DIR is ${locked}): unable to open database file. Check that DATA_DIR exists, is a directory that the user the bot runs as`,
        );
      } finally {
        chmodSync(locked, 0o700);
      }
    },
  );

  test(':memory: stores take no lock', async () => {
    const a = store(':memory:');
    const b = store(':memory:');
    await a.kvSet('k', 'a');
    expect(await b.kvGet('k')).toBeUndefined();
  });
});
