/**
 * SQLite schema migrations, applied in order and recorded in PRAGMA user_version. Append new
 * steps; never edit a released one (files in the field are at every version).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: schedules, run log, expiring key/values (token cache, result cache)
  `CREATE TABLE schedules (
     id TEXT PRIMARY KEY,
     body TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE runs (
     key TEXT PRIMARY KEY,
     schedule_id TEXT NOT NULL,
     body TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE kv (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     expires_at INTEGER
   );`,
  // 2: locks for token refresh; indexes for "last run of a schedule" and "runs due for another try"
  `CREATE TABLE locks (
     name TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX runs_by_schedule ON runs (schedule_id, updated_at);
   ALTER TABLE runs ADD COLUMN due_at INTEGER;
   UPDATE runs SET due_at = CASE json_extract(body, '$.state')
       WHEN 'waiting_data' THEN json_extract(body, '$.nextAttemptAt')
       WHEN 'running' THEN json_extract(body, '$.leaseUntil')
       ELSE NULL END;
   CREATE INDEX runs_due ON runs (due_at);`,
  // 3: documents by collection (alerts)
  `CREATE TABLE docs (
     collection TEXT NOT NULL,
     id TEXT NOT NULL,
     body TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (collection, id)
   );
   CREATE INDEX docs_by_age ON docs (collection, created_at);`,
];
