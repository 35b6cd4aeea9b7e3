import 'server-only';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';

/** Node's own SQLite (no native addon to build): synchronous, one connection per console process. */
export type Db = DatabaseSync;

/** How many audit rows the console keeps (about a year of a busy demo's clicks). */
export const AUDIT_RETENTION_ROWS = 10_000;

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
  // One running run, enforced by the database. The audit log keeps its newest AUDIT_RETENTION_ROWS
  // rows: only older ones may be deleted (AuditLog.append does it), nothing may be edited.
  `CREATE UNIQUE INDEX runs_one_running ON runs (status) WHERE status = 'running';
   DROP TRIGGER audit_no_delete;
   CREATE TRIGGER audit_retention_only BEFORE DELETE ON audit
     WHEN OLD.id > (SELECT MAX(id) FROM audit) - ${AUDIT_RETENTION_ROWS}
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
  // Which fault an inject ran (console/src/shared/scenarios.ts; older injects were pool exhaustion),
  // and the console's named controls (the kill switch).
  `ALTER TABLE runs ADD COLUMN scenario TEXT;
   CREATE TABLE controls (name TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // An inject as an experiment: its guards, the steady-state check before it, a guard's trip, the
  // presenter's note (console/src/shared/experiment.ts), as JSON.
  `ALTER TABLE runs ADD COLUMN experiment TEXT;`,
];

/** Opens (and migrates) the console's SQLite file; `:memory:` for tests. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file, { timeout: 5000 });
  if (file !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
  for (let i = version; i < MIGRATIONS.length; i++) {
    // One migration and its version bump commit together, or not at all.
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[i] ?? '');
      db.exec(`PRAGMA user_version = ${i + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
  return db;
}

/** Every row of a query, typed as the caller's row shape (the migrations above fix the columns). */
export function selectAll<Row>(db: Db, sql: string, ...params: SQLInputValue[]): Row[] {
  return db.prepare(sql).all(...params) as unknown as Row[];
}

/** The first row of a query, if any, typed as the caller's row shape. */
export function selectOne<Row>(db: Db, sql: string, ...params: SQLInputValue[]): Row | undefined {
  return db.prepare(sql).get(...params) as unknown as Row | undefined;
}
