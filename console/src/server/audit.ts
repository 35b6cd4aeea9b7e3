import 'server-only';
import { AUDIT_RETENTION_ROWS, selectAll, type Db } from './db';

import type { AuditEntry } from '../shared/status';

export type { AuditEntry };

/**
 * Who did what, when, and how it ended. Rows are only ever inserted; the newest
 * AUDIT_RETENTION_ROWS are kept, and the table refuses any other change.
 */
export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  append(entry: { actor: string; action: string; outcome: string; detail?: Record<string, unknown> }): AuditEntry {
    const at = this.now().toISOString();
    const detail = entry.detail ?? {};
    const result = this.db
      .prepare('INSERT INTO audit (at, actor, action, outcome, detail) VALUES (?, ?, ?, ?, ?)')
      .run(at, entry.actor, entry.action, entry.outcome, JSON.stringify(detail));
    const id = Number(result.lastInsertRowid);
    if (id > AUDIT_RETENTION_ROWS) this.db.prepare('DELETE FROM audit WHERE id <= ?').run(id - AUDIT_RETENTION_ROWS);
    return {
      id,
      at,
      actor: entry.actor,
      action: entry.action,
      outcome: entry.outcome,
      detail,
    };
  }

  /** Newest first. */
  list(limit = 100): AuditEntry[] {
    const rows = selectAll<Omit<AuditEntry, 'detail'> & { detail: string }>(
      this.db,
      'SELECT id, at, actor, action, outcome, detail FROM audit ORDER BY id DESC LIMIT ?',
      limit,
    );
    return rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
  }

  /** Rows between two times (ISO strings), oldest first. */
  between(from: string, to: string, limit = 500): AuditEntry[] {
    const rows = selectAll<Omit<AuditEntry, 'detail'> & { detail: string }>(
      this.db,
      'SELECT id, at, actor, action, outcome, detail FROM audit WHERE at >= ? AND at <= ? ORDER BY id LIMIT ?',
      from,
      to,
      limit,
    );
    return rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
  }
}
