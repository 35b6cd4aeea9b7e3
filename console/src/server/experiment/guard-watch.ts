import 'server-only';
import type { GuardWatchView } from '../../shared/experiment';
import type { ChartView } from '../../shared/signals';
import type { BurstRecord } from '../../shared/bursts';
import type { AuditLog } from '../audit';
import type { RunStore } from '../runbook/store';
import type { RunRecord, RunTrigger } from '../runbook/types';
import { readGuards } from './guards';

export interface GuardWatchDeps {
  runs: RunStore;
  restoreIfNeeded(requestedBy: string, trigger: RunTrigger): Promise<string>;
  audit: AuditLog;
  bursts: { list(limit: number): Omit<BurstRecord, 'snapshots'>[] };
  /** The Order API's POST /api/orders chart over a window. */
  orderChart(from: number, to: number): Promise<ChartView>;
  /** The availability SLO's budget at a time (seconds), or null while it has none. */
  availabilityBudget(at: Date): Promise<{ remaining: number; total: number } | null>;
  /** The target's metric period (5 s local, 60 s on AWS): how often the metrics are read. */
  periodMs: number;
  now?: () => number;
  /** How often the burst guard is checked (the console's own database: cheap). */
  tickMs?: number;
}

/** When the fault of an inject was on: its verify step's end. */
export function verifiedAt(run: RunRecord): number | undefined {
  const end = run.steps.find((s) => s.name === 'verify' && s.status === 'succeeded')?.endedAt;
  return end ? new Date(end).getTime() : undefined;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Watches the guards of the fault that is on: from its inject's verification until a Restore
 * starts. Runs on its own timer, whoever watches the cockpit (so a trip never waits for a viewer):
 * the burst guard every second, the metric guards once per metric period, which on AWS costs two
 * Application Signals calls and one GetMetricData a minute while a fault is on, nothing otherwise.
 * A trip is stored with the inject before the Restore starts, audited, and the Restore is asked
 * for again each period until one runs (restoreIfNeeded is a no-op once it does).
 */
export class GuardWatch {
  private view: GuardWatchView | undefined;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private lastMetricsAt = 0;
  private lastRestoreAskAt = 0;
  private faultRates: number[] = [];
  private budgetBurnt: number | null = null;
  private budgetAtStart: { remaining: number; total: number } | null | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: GuardWatchDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.deps.tickMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The guards of the fault now on, as last read (undefined while no fault is on). */
  current(): GuardWatchView | undefined {
    return this.view && structuredClone(this.view);
  }

  /** The inject whose guards apply: the newest run, verified, with no Restore after it yet. */
  private watched(): RunRecord | undefined {
    const last = this.deps.runs.list(1)[0];
    return last?.action === 'inject' && last.status === 'succeeded' && last.experiment ? last : undefined;
  }

  /** One reading of every guard; public so tests can step it without the timer. */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.read();
    } finally {
      this.busy = false;
    }
  }

  private async read(): Promise<void> {
    const run = this.watched();
    const since = run && verifiedAt(run);
    if (!run?.experiment || since === undefined) {
      this.view = undefined;
      return;
    }
    if (this.view?.runId !== run.id) this.reset();
    const { guards } = run.experiment;
    const now = this.now();
    let error = this.view?.error;
    if (now - this.lastMetricsAt >= this.deps.periodMs) {
      this.lastMetricsAt = now;
      error = undefined;
      try {
        await this.readMetrics(run, since, now);
      } catch (e) {
        error = `could not read the metrics: ${message(e)}`;
      }
    }
    const ended = this.deps.bursts
      .list(5)
      .find((b) => b.endedAt !== undefined && new Date(b.endedAt).getTime() >= since);
    const verdict = readGuards(guards, {
      faultRates: this.faultRates,
      budgetBurnt: this.budgetBurnt,
      endedBurst: ended?.endedAt ? { id: ended.id, endedAt: ended.endedAt } : null,
    });
    let trip = run.experiment.trip;
    if (!trip && verdict.trip) {
      trip = { ...verdict.trip, at: new Date(now).toISOString() };
      const stored = trip;
      this.deps.runs.updateExperiment(run.id, (e) => ({ ...e, trip: stored }));
      const reading = verdict.readings.find((r) => r.id === stored.guard);
      this.deps.audit.append({
        actor: 'guard',
        action: 'guard.trip',
        outcome: stored.guard,
        detail: { run: run.id, value: stored.value, threshold: reading?.threshold ?? '' },
      });
    }
    this.view = {
      runId: run.id,
      config: guards,
      readings: verdict.readings,
      checkedAt: new Date(now).toISOString(),
      ...(error ? { error } : {}),
      ...(trip ? { trip } : {}),
    };
    if (trip && now - this.lastRestoreAskAt >= this.deps.periodMs) {
      this.lastRestoreAskAt = now;
      await this.deps.restoreIfNeeded(`guard:${trip.guard}`, 'guard').catch((e: unknown) => {
        this.view = { ...(this.view as GuardWatchView), error: `the Restore did not start: ${message(e)}` };
      });
    }
  }

  private async readMetrics(run: RunRecord, since: number, now: number): Promise<void> {
    const { guards } = run.experiment ?? {};
    const chart = await this.deps.orderChart(since, now);
    const step = chart.window.periodSeconds * 1000;
    // Complete periods that end after the fault was on, with requests.
    this.faultRates = chart.points
      .filter((p) => p.t + step > since && p.t + step <= now && p.requests > 0)
      .map((p) => p.faultRate ?? 0);
    if (!guards || guards.budgetBurnPercent <= 0) return;
    this.budgetAtStart ??= await this.deps.availabilityBudget(new Date(run.requestedAt));
    const budget = await this.deps.availabilityBudget(new Date(now));
    this.budgetBurnt =
      this.budgetAtStart && budget && budget.total > 0
        ? Math.max(0, (this.budgetAtStart.remaining - budget.remaining) / budget.total)
        : null;
  }

  private reset(): void {
    this.lastMetricsAt = 0;
    this.lastRestoreAskAt = 0;
    this.faultRates = [];
    this.budgetBurnt = null;
    this.budgetAtStart = undefined;
    this.view = undefined;
  }
}
