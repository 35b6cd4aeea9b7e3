import type { ExperimentRecord } from '../../shared/experiment';
import { selectAll, selectOne, type Db } from '../db';
import type { RunRecord } from './types';

interface Row {
  id: string;
  action: string;
  status: string;
  trigger: string;
  requested_by: string;
  requested_at: string;
  ended_at: string | null;
  target: string;
  previous: string | null;
  steps: string;
  error: string | null;
  auto_restore_at: string | null;
  scenario: string | null;
  experiment: string | null;
}

function toRecord(row: Row): RunRecord {
  return {
    id: row.id,
    action: row.action as RunRecord['action'],
    status: row.status as RunRecord['status'],
    trigger: row.trigger as RunRecord['trigger'],
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    ...(row.scenario ? { scenario: row.scenario as NonNullable<RunRecord['scenario']> } : {}),
    ...(row.ended_at ? { endedAt: row.ended_at } : {}),
    target: JSON.parse(row.target) as RunRecord['target'],
    ...(row.previous ? { previous: JSON.parse(row.previous) as RunRecord['previous'] } : {}),
    steps: JSON.parse(row.steps) as RunRecord['steps'],
    ...(row.error ? { error: row.error } : {}),
    ...(row.auto_restore_at ? { autoRestoreAt: row.auto_restore_at } : {}),
    ...(row.experiment ? { experiment: JSON.parse(row.experiment) as ExperimentRecord } : {}),
  };
}

/** Runs on disk, so history, a pending auto-restore and an interrupted run survive a restart. */
export class RunStore {
  constructor(private readonly db: Db) {}

  /** Whether an error from save is the one-running-run constraint (the database allows one running row). */
  isRunningConflict(error: unknown): boolean {
    return error instanceof Error && /UNIQUE constraint failed: runs\.status/.test(error.message);
  }

  /**
   * Saves a run. Its experiment is written with the first save only: later changes (a guard's
   * trip, the presenter's note) go through updateExperiment, so the runbook's saves never undo them.
   */
  save(run: RunRecord): void {
    this.db
      .prepare(
        `INSERT INTO runs (id, action, status, trigger, requested_by, requested_at, ended_at, target, previous, steps, error, auto_restore_at, scenario, experiment)
         VALUES (@id, @action, @status, @trigger, @requested_by, @requested_at, @ended_at, @target, @previous, @steps, @error, @auto_restore_at, @scenario, @experiment)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at, target = excluded.target,
           previous = excluded.previous, steps = excluded.steps, error = excluded.error, auto_restore_at = excluded.auto_restore_at`,
      )
      .run({
        id: run.id,
        action: run.action,
        status: run.status,
        trigger: run.trigger,
        requested_by: run.requestedBy,
        requested_at: run.requestedAt,
        ended_at: run.endedAt ?? null,
        target: JSON.stringify(run.target),
        previous: run.previous ? JSON.stringify(run.previous) : null,
        steps: JSON.stringify(run.steps),
        error: run.error ?? null,
        auto_restore_at: run.autoRestoreAt ?? null,
        scenario: run.scenario ?? null,
        experiment: run.experiment ? JSON.stringify(run.experiment) : null,
      });
  }

  /** Changes an inject's experiment record (read, changed, written in one step). */
  updateExperiment(
    id: string,
    change: (experiment: ExperimentRecord) => ExperimentRecord,
  ): ExperimentRecord | undefined {
    const current = this.get(id)?.experiment;
    if (!current) return undefined;
    const next = change(current);
    this.db.prepare('UPDATE runs SET experiment = ? WHERE id = ?').run(JSON.stringify(next), id);
    return next;
  }

  /** Newest first. */
  list(limit = 20): RunRecord[] {
    return selectAll<Row>(this.db, 'SELECT * FROM runs ORDER BY requested_at DESC, rowid DESC LIMIT ?', limit).map(
      toRecord,
    );
  }

  get(id: string): RunRecord | undefined {
    const row = selectOne<Row>(this.db, 'SELECT * FROM runs WHERE id = ?', id);
    return row && toRecord(row);
  }

  /** The runs requested after a time (ISO), oldest first. */
  after(requestedAt: string, limit = 20): RunRecord[] {
    return selectAll<Row>(
      this.db,
      'SELECT * FROM runs WHERE requested_at > ? ORDER BY requested_at, rowid LIMIT ?',
      requestedAt,
      limit,
    ).map(toRecord);
  }

  byStatus(status: RunRecord['status']): RunRecord[] {
    return selectAll<Row>(this.db, 'SELECT * FROM runs WHERE status = ? ORDER BY requested_at', status).map(toRecord);
  }

  /** The inject whose Restore is still pending, if any. */
  pendingAutoRestore(): RunRecord | undefined {
    const row = selectOne<Row>(
      this.db,
      "SELECT * FROM runs WHERE action = 'inject' AND auto_restore_at IS NOT NULL ORDER BY requested_at DESC LIMIT 1",
    );
    return row && toRecord(row);
  }

  /** The newest run that began writing parameters (its write step ran, even if it failed). */
  lastWritingRun(): RunRecord | undefined {
    const row = selectOne<Row>(
      this.db,
      `SELECT * FROM runs WHERE EXISTS (
         SELECT 1 FROM json_each(runs.steps) AS step
          WHERE json_extract(step.value, '$.name') = 'write-parameters'
            AND json_extract(step.value, '$.status') IN ('running', 'succeeded', 'failed'))
       ORDER BY requested_at DESC, rowid DESC LIMIT 1`,
    );
    return row && toRecord(row);
  }

  /** Ends every scheduled auto-restore (a newer inject takes the schedule, or a restore succeeded). */
  clearAutoRestores(): void {
    this.db.prepare('UPDATE runs SET auto_restore_at = NULL WHERE auto_restore_at IS NOT NULL').run();
  }

  /** When the newest Restore that succeeded ended (the cooldown counts from it). */
  lastRestoreEndedAt(): string | undefined {
    const row = selectOne<{ ended_at: string }>(
      this.db,
      "SELECT ended_at FROM runs WHERE action = 'restore' AND status = 'succeeded' ORDER BY ended_at DESC LIMIT 1",
    );
    return row?.ended_at;
  }

  /** The latest inject that recorded what it replaced. */
  lastInjectWithPrevious(): RunRecord | undefined {
    const row = selectOne<Row>(
      this.db,
      "SELECT * FROM runs WHERE action = 'inject' AND previous IS NOT NULL ORDER BY requested_at DESC, rowid DESC LIMIT 1",
    );
    return row && toRecord(row);
  }
}
