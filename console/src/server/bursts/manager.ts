import 'server-only';
import { randomUUID } from 'node:crypto';
import { startLoad, type LoadRun, type Snapshot } from '@demo/load';
import type { AuditLog } from '../audit';
import { ConflictError } from '../errors';
import { selectAll, selectOne, type Db } from '../db';
import type { OrderApi } from '../order-api';
import { burstRequestSchema, type BurstCaps, type BurstRecord, type BurstRequest } from '../../shared/bursts';

export class BurstConflictError extends ConflictError {
  constructor(readonly running: string) {
    super(`Burst ${running} is still running; stop it or wait for it to finish`, { running });
    this.name = 'BurstConflictError';
  }
}

export type BurstEvent = { type: 'snapshot'; snapshot: Snapshot } | { type: 'end'; burst: BurstRecord };

interface Row {
  id: string;
  status: string;
  started_by: string;
  started_at: string;
  ended_at: string | null;
  options: string;
  summary: string | null;
  snapshots: string;
}

function toRecord(row: Row): BurstRecord {
  return {
    id: row.id,
    status: row.status as BurstRecord['status'],
    startedBy: row.started_by,
    startedAt: row.started_at,
    ...(row.ended_at ? { endedAt: row.ended_at } : {}),
    options: JSON.parse(row.options) as BurstRecord['options'],
    ...(row.summary ? { summary: JSON.parse(row.summary) as BurstRecord['summary'] } : {}),
    snapshots: JSON.parse(row.snapshots) as Snapshot[],
  };
}

/**
 * Load bursts run here, on the server, against the Order API only: closing the browser does not
 * stop one, and any number of browsers can follow one (and reconnect) over SSE. One at a time.
 */
export class BurstManager {
  private current: { record: BurstRecord; run: LoadRun; listeners: Set<(event: BurstEvent) => void> } | undefined;
  /** The id of a burst between its check and its first request (the slot is held meanwhile). */
  private starting: string | undefined;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly orderApi: OrderApi,
    readonly caps: BurstCaps,
    /** Throws to refuse a new burst (the kill switch). */
    private readonly gate: () => void = () => undefined,
  ) {
    // A burst cannot outlive its console process; say so instead of leaving it "running".
    this.db
      .prepare(
        "UPDATE bursts SET status = 'failed', ended_at = COALESCE(ended_at, started_at) WHERE status = 'running'",
      )
      .run();
  }

  async start(input: unknown, startedBy: string): Promise<BurstRecord> {
    const request = burstRequestSchema(this.caps).parse(input);
    this.gate();
    // The slot is taken before the first await, so concurrent starts cannot both pass the check.
    const holder = this.current?.record.id ?? this.starting;
    if (holder) throw new BurstConflictError(holder);
    const id = randomUUID();
    this.starting = id;
    try {
      return await this.launch(id, request, startedBy);
    } finally {
      this.starting = undefined;
    }
  }

  private async launch(id: string, request: BurstRequest, startedBy: string): Promise<BurstRecord> {
    const target = await this.orderApi.url();
    const record: BurstRecord = {
      id,
      status: 'running',
      startedBy,
      startedAt: new Date().toISOString(),
      options: { ...request, target },
      snapshots: [],
    };
    this.db
      .prepare('INSERT INTO bursts (id, status, started_by, started_at, options) VALUES (?, ?, ?, ?, ?)')
      .run(record.id, record.status, startedBy, record.startedAt, JSON.stringify(record.options));
    const listeners = new Set<(event: BurstEvent) => void>();
    const run = startLoad({
      url: target,
      rate: request.rate,
      durationSeconds: request.durationSeconds,
      maxInFlight: request.maxInFlight,
      invalidShare: request.invalidShare,
      requestTimeoutMs: 30_000,
      onSnapshot: (snapshot) => {
        record.snapshots.push(snapshot);
        for (const listener of listeners) listener({ type: 'snapshot', snapshot });
      },
    });
    this.current = { record, run, listeners };
    this.audit.append({
      actor: startedBy,
      action: 'burst.start',
      outcome: 'started',
      detail: { burst: record.id, ...request, target },
    });
    void run.done.then((summary) => {
      record.summary = summary;
      record.status = summary.reason === 'stopped' ? 'stopped' : 'completed';
      record.endedAt = summary.endedAt;
      this.db
        .prepare('UPDATE bursts SET status = ?, ended_at = ?, summary = ?, snapshots = ? WHERE id = ?')
        .run(record.status, record.endedAt, JSON.stringify(summary), JSON.stringify(record.snapshots), record.id);
      this.audit.append({
        actor: startedBy,
        action: 'burst.end',
        outcome: record.status,
        detail: {
          burst: record.id,
          sent: summary.sent,
          ok: summary.ok,
          serverErrors: summary.serverErrors,
          p99: summary.latency.p99,
        },
      });
      this.current = undefined;
      for (const listener of listeners) listener({ type: 'end', burst: structuredClone(record) });
      listeners.clear();
    });
    return structuredClone(record);
  }

  async stop(id: string, by: string): Promise<BurstRecord | undefined> {
    if (this.current?.record.id !== id) return this.get(id);
    this.audit.append({ actor: by, action: 'burst.stop', outcome: 'requested', detail: { burst: id } });
    await this.current.run.stop();
    return this.get(id);
  }

  running(): BurstRecord | undefined {
    return this.current && structuredClone(this.current.record);
  }

  get(id: string): BurstRecord | undefined {
    if (this.current?.record.id === id) return structuredClone(this.current.record);
    const row = selectOne<Row>(this.db, 'SELECT * FROM bursts WHERE id = ?', id);
    return row && toRecord(row);
  }

  /** Newest first, without the per-second snapshots. */
  list(limit = 20): Omit<BurstRecord, 'snapshots'>[] {
    const rows = selectAll<Row>(
      this.db,
      "SELECT id, status, started_by, started_at, ended_at, options, summary, '[]' AS snapshots FROM bursts ORDER BY started_at DESC LIMIT ?",
      limit,
    );
    return rows.map((row) => {
      const { snapshots: _unused, ...rest } = toRecord(row);
      return rest;
    });
  }

  /**
   * Follows a burst: replays the snapshots after `afterSecond` (a reconnecting EventSource sends
   * the last id it saw), then live ones, then the end. Returns the unsubscribe function, or
   * undefined for an unknown burst.
   */
  subscribe(id: string, afterSecond: number, send: (event: BurstEvent) => void): (() => void) | undefined {
    const burst = this.get(id);
    if (!burst) return undefined;
    for (const snapshot of burst.snapshots) if (snapshot.second > afterSecond) send({ type: 'snapshot', snapshot });
    if (this.current?.record.id !== id) {
      send({ type: 'end', burst });
      return () => undefined;
    }
    const listeners = this.current.listeners;
    listeners.add(send);
    return () => listeners.delete(send);
  }

  /** Per-second snapshots as CSV. */
  csv(id: string): string | undefined {
    const burst = this.get(id);
    if (!burst) return undefined;
    const header = [
      'second',
      'at',
      'sent',
      'ok',
      'client_errors',
      'server_errors',
      'timeouts',
      'failures',
      'dropped',
      'in_flight',
      'p50_ms',
      'p95_ms',
      'p99_ms',
      'max_ms',
    ];
    const rows = burst.snapshots.map((s) =>
      [
        s.second,
        s.at,
        s.sent,
        s.ok,
        s.clientErrors,
        s.serverErrors,
        s.timeouts,
        s.failures,
        s.dropped,
        s.inFlight,
        s.latency.p50,
        s.latency.p95,
        s.latency.p99,
        s.latency.max,
      ].join(','),
    );
    return `${header.join(',')}\n${rows.join('\n')}\n`;
  }
}
