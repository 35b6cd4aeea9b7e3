import 'server-only';
import type { KillSwitchState } from '../../shared/fault';
import type { AuditLog } from '../audit';
import type { Db } from '../db';
import { selectOne } from '../db';
import { ConflictError } from '../errors';

/** What engaging stops; each is told at once and on its own, so one failing stops none of the others. */
export interface KillSwitchTargets {
  /** Stops the running burst, if any; resolves to what was stopped (for the audit row). */
  stopBurst(actor: string): Promise<string>;
  /** Scales the background traffic to 0. */
  stopTraffic(actor: string): Promise<string>;
  /** Restores the fault (a Restore run, or nothing to do). */
  restore(actor: string): Promise<string>;
}

export class KillSwitchEngagedError extends ConflictError {
  constructor(state: KillSwitchState) {
    super(
      `The kill switch is on (since ${state.since ?? 'now'}, by ${state.by ?? 'someone'}): re-arm it before starting anything`,
      { killSwitch: state },
    );
    this.name = 'KillSwitchEngagedError';
  }
}

interface Row {
  value: string;
}

/**
 * One control that stops everything at once: every burst, the background traffic, and the fault
 * (a Restore). While it is on, new fault runs, bursts and background traffic are refused (409)
 * until an operator re-arms it. The state is on disk before anything is stopped, so a console that
 * dies half-way restarts still engaged. Every engage, its outcome and every re-arm are audited.
 */
export class KillSwitch {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly targets: KillSwitchTargets,
    private readonly now: () => Date = () => new Date(),
  ) {}

  state(): KillSwitchState {
    const row = selectOne<Row>(this.db, "SELECT value FROM controls WHERE name = 'kill-switch'");
    return row ? (JSON.parse(row.value) as KillSwitchState) : { engaged: false };
  }

  /** Throws 409 while engaged: the gate every new run passes (a Restore never does). */
  assertArmed(): void {
    const state = this.state();
    if (state.engaged) throw new KillSwitchEngagedError(state);
  }

  /** Engages (again, if already on: everything is stopped once more) and stops everything. */
  async engage(actor: string): Promise<KillSwitchState> {
    const state: KillSwitchState = { engaged: true, since: this.now().toISOString(), by: actor };
    this.save(state);
    this.audit.append({ actor, action: 'killswitch.engage', outcome: 'started', detail: {} });
    const names = ['burst', 'traffic', 'fault'] as const;
    const results: PromiseSettledResult<string>[] = await Promise.allSettled([
      this.targets.stopBurst(actor),
      this.targets.stopTraffic(actor),
      this.targets.restore(actor),
    ]);
    const detail: Record<string, string> = {};
    results.forEach((result, i) => {
      const reason: unknown = result.status === 'rejected' ? result.reason : undefined;
      detail[names[i] ?? i] =
        result.status === 'fulfilled'
          ? result.value
          : `failed: ${reason instanceof Error ? reason.message : String(reason)}`;
    });
    const failed = results.some((r) => r.status === 'rejected');
    this.audit.append({ actor, action: 'killswitch.engage', outcome: failed ? 'partial' : 'succeeded', detail });
    return this.state();
  }

  /** Allows new runs again. */
  rearm(actor: string): KillSwitchState {
    const before = this.state();
    this.save({ engaged: false });
    this.audit.append({
      actor,
      action: 'killswitch.rearm',
      outcome: before.engaged ? 'succeeded' : 'already armed',
      detail: before.engaged ? { engagedSince: before.since, engagedBy: before.by } : {},
    });
    return this.state();
  }

  private save(state: KillSwitchState): void {
    this.db
      .prepare(
        "INSERT INTO controls (name, value) VALUES ('kill-switch', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      )
      .run(JSON.stringify(state));
  }
}
