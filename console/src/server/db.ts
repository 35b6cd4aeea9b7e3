import 'server-only';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     action TEXT NOT NULL,
     status TEXT NOT NULL,
     trigger TEXT NOT NULL,
     requested_by TEXT NOT NULL,
     requested_at TEXT NOT NULL,
     ended_at TEXT,
     target TEXT NOT NULL,
     previous TEXT,
     steps TEXT NOT NULL,
     error TEXT,
     auto_restore_at TEXT
   );
   CREATE INDEX runs_requested_at ON runs (requested_at);
   CREATE TABLE bursts (
     id TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     started_by TEXT NOT NULL,
     started_at TEXT NOT NULL,
     ended_at TEXT,
     options TEXT NOT NULL,
     summary TEXT,
     snapshots TEXT NOT NULL DEFAULT '[]'
   );
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     outcome TEXT NOT NULL,
     detail TEXT NOT NULL
   );
   -- The audit log is append-only, and the database enforces it.
   CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
   CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
];

/** Opens (and migrates) the console's SQLite file; `:memory:` for tests. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i] ?? '');
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
  return db;
}
