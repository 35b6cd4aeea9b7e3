import { randomUUID } from 'node:crypto';
import { POOL_PARAM_DEFAULTS, type AppNames, type PoolParams } from '@demo/contracts';
import type { ExperimentRecord } from '../../shared/experiment';
import { SCENARIOS, type ScenarioId } from '../../shared/scenarios';
import type { AuditLog } from '../audit';
import { ConflictError, ValidationError } from '../errors';
import { STEPS, type StepContext, type StepOptions } from './steps';
import type { RunStore } from './store';
import {
  RunConflictError,
  type Clock,
  type RunAction,
  type RunbookPorts,
  type RunRecord,
  type RunTrigger,
} from './types';

export interface RunbookOptions extends StepOptions {
  /** Restore runs by itself this long after an inject began writing parameters (0 = never). */
  autoRestoreMs: number;
  /** No Inject for this long after a Restore succeeded (0 = none), so each run starts from a settled system. */
  cooldownMs?: number;
  /** Throws to refuse a new Inject (the kill switch); a Restore is never refused by it. */
  injectGate?: () => void;
  names: AppNames;
  deployment: string;
  /** A failed auto-restore is tried again after this, doubling each time up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface FaultState {
  running?: RunRecord;
  history: RunRecord[];
  /** True while the parameters may hold fault values (see Runbook.faultOutstanding). */
  faultActive: boolean;
  autoRestoreAt?: string;
  cooldownUntil?: string;
}

interface ActiveRun {
  run: RunRecord;
  controller: AbortController;
  done: Promise<void>;
  /** A Restore has already claimed this inject's place: further Restores are refused. */
  preempted: boolean;
}

export interface RunRequest {
  requestedBy: string;
  /** Inject only: the fault to run (pool exhaustion unless named) and its hold per insert. */
  scenario?: ScenarioId;
  faultDelaySeconds?: number;
  /** Inject only: its guards and the steady-state check before it (the scenario's guards unless given). */
  experiment?: ExperimentRecord;
  trigger?: RunTrigger;
}

const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;

/**
 * The fault runbook as a server-side state machine.
 *
 * - One run at a time, claimed synchronously in `start` (before any await), so concurrent requests
 *   cannot both pass the check. The one exception: a single Restore may cut a running Inject short.
 * - Durable intent: before an Inject writes anything, its target, the baseline it will return to
 *   and its auto-restore time are on disk. A console killed at any point restarts into a state
 *   that either finishes the job (an interrupted Restore runs again) or compensates for it (the
 *   interrupted Inject's auto-restore stays armed).
 * - The baseline Restore returns to is only ever taken from a non-fault state.
 * - A failing auto-restore is retried with capped exponential backoff, so an unreachable SSM costs
 *   two audit rows per attempt, not hundreds a second.
 * - There is one auto-restore timer, bound to one run: a timer whose run no longer owns the schedule
 *   does nothing.
 */
export class Runbook {
  private active: ActiveRun | undefined;
  private timer: { handle: unknown; runId: string } | undefined;
  private failedAutoRestores = 0;

  constructor(
    private readonly ports: RunbookPorts,
    private readonly store: RunStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly options: RunbookOptions,
  ) {}

  state(): FaultState {
    const pending = this.store.pendingAutoRestore();
    const cooldownUntil = this.cooldownUntil();
    return {
      ...(this.active ? { running: structuredClone(this.active.run) } : {}),
      history: this.store.list(20),
      faultActive: this.faultOutstanding(),
      ...(pending?.autoRestoreAt ? { autoRestoreAt: pending.autoRestoreAt } : {}),
      ...(cooldownUntil ? { cooldownUntil } : {}),
    };
  }

  /** The end of the cooldown after the last Restore, while it lasts. */
  private cooldownUntil(): string | undefined {
    const restoredAt = this.store.lastRestoreEndedAt();
    const cooldownMs = this.options.cooldownMs ?? 0;
    if (!restoredAt || cooldownMs <= 0) return undefined;
    const until = new Date(new Date(restoredAt).getTime() + cooldownMs);
    return until > this.clock.now() ? until.toISOString() : undefined;
  }

  /**
   * The values a run would write: an inject's come from its scenario (pool exhaustion unless
   * named), with a hold within the scenario's bounds (422 naming faultDelaySeconds otherwise).
   */
  targetFor(action: RunAction, faultDelaySeconds?: number, scenario: ScenarioId = 'pool-exhaustion'): PoolParams {
    if (action === 'restore') return { ...this.baseline(), faultInjection: false };
    const { delay, params, title } = SCENARIOS[scenario];
    const seconds = faultDelaySeconds ?? delay.default;
    if (!Number.isInteger(seconds) || seconds < delay.min || seconds > delay.max)
      throw new ValidationError(`${title} holds each insert ${delay.min}-${delay.max} s`, [
        { field: 'faultDelaySeconds', message: `whole seconds, ${delay.min} to ${delay.max}` },
      ]);
    return params(seconds, this.baseline());
  }

  /** The exact calls a run will make, for the confirmation dialog; a dry run that changes nothing. */
  plan(
    action: RunAction,
    faultDelaySeconds?: number,
    scenario: ScenarioId = 'pool-exhaustion',
  ): { action: RunAction; scenario?: ScenarioId; target: PoolParams; calls: string[] } {
    const target = this.targetFor(action, faultDelaySeconds, scenario);
    const p = this.options.names.parameters;
    const asRead = action === 'inject' && SCENARIOS[scenario].keepsPool ? '<as read, unchanged>' : undefined;
    const value = {
      poolSize: asRead ?? target.poolSize,
      maxOverflow: asRead ?? target.maxOverflow,
      faultInjection: target.faultInjection,
      faultDelaySeconds: target.faultDelaySeconds,
    };
    return {
      action,
      ...(action === 'inject' ? { scenario } : {}),
      target,
      calls: [
        `ssm:GetParameters ${Object.values(p).join(', ')}`,
        ...(Object.keys(p) as (keyof typeof p)[]).map(
          (key) => `ssm:PutParameter ${p[key]} = ${String(value[key])} (String, Overwrite)`,
        ),
        `PATCH apps/v1 deployments/${this.options.deployment}: spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] = <now> (strategic merge)`,
        `GET apps/v1 deployments/${this.options.deployment} until rolled out (at most ${this.options.rolloutTimeoutMs / 1000} s)`,
        `GET services/${this.options.deployment}/proxy/api/delivery/config until every ready pod has answered with the new values`,
      ],
    };
  }

  /**
   * Starts a run and returns it at once (status `running`); it goes on in the background.
   * A second run while one is active is refused (409), except one Restore during an Inject, which
   * cancels the inject and runs when it has stopped.
   */
  start(action: RunAction, request: RunRequest): Promise<RunRecord> {
    try {
      return Promise.resolve(this.claim(action, request));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * Whether an Inject could start now, before anything is read: its values (422), the kill switch
   * and the cooldown (409). Returns what it would write.
   */
  checkInject(faultDelaySeconds?: number, scenario?: ScenarioId): PoolParams {
    const target = this.targetFor('inject', faultDelaySeconds, scenario);
    this.options.injectGate?.();
    const cooldownUntil = this.cooldownUntil();
    if (cooldownUntil)
      throw new ConflictError(`Cooling down after the last Restore: the next Inject can start at ${cooldownUntil}`, {
        cooldownUntil,
      });
    return target;
  }

  /** The check and the claim, in one synchronous step: no other request can run in between. */
  private claim(action: RunAction, request: RunRequest): RunRecord {
    // A bad request is refused before it can cut a running inject short.
    const target =
      action === 'inject'
        ? this.checkInject(request.faultDelaySeconds, request.scenario)
        : this.targetFor(action, request.faultDelaySeconds, request.scenario);
    const previous = this.active;
    if (previous) {
      if (previous.preempted || !(previous.run.action === 'inject' && action === 'restore'))
        throw new RunConflictError(previous.run);
      previous.preempted = true;
      previous.controller.abort('cancelled by restore');
    }
    const scenario = request.scenario ?? 'pool-exhaustion';
    const run: RunRecord = {
      id: randomUUID(),
      action,
      status: 'running',
      trigger: request.trigger ?? 'operator',
      requestedBy: request.requestedBy,
      requestedAt: this.clock.now().toISOString(),
      ...(action === 'inject'
        ? { scenario, experiment: request.experiment ?? { guards: { ...SCENARIOS[scenario].guards } } }
        : {}),
      target,
      steps: STEPS.map((step) => ({ name: step.name, title: step.title(action), status: 'pending' })),
    };
    // With nothing to wait for the record is on disk before the answer; the database refuses a
    // second running row, so even another console process on the same file cannot start one.
    if (!previous) this.insert(run);
    const controller = new AbortController();
    const done = this.runAfter(previous, run, controller.signal).finally(() => {
      if (this.active?.run.id === run.id) this.active = undefined;
      this.armAutoRestore();
    });
    this.active = { run, controller, done, preempted: false };
    this.audit.append({
      actor: request.requestedBy,
      action: `fault.${action}`,
      outcome: 'started',
      detail: {
        run: run.id,
        trigger: run.trigger,
        ...(run.scenario ? { scenario: run.scenario } : {}),
        target: run.target,
        ...(run.experiment ? { guards: run.experiment.guards } : {}),
        ...(run.experiment?.steadyState?.overridden ? { steadyStateOverridden: true } : {}),
      },
    });
    return structuredClone(run);
  }

  /**
   * A Restore unless one is already running or nothing is outstanding (what the kill switch and a
   * tripped guard start); resolves to what it did, for their audit rows.
   */
  async restoreIfNeeded(requestedBy: string, trigger: RunTrigger): Promise<string> {
    const running = this.active?.run;
    if (running?.action === 'restore') return `restore ${running.id} already running`;
    if (!running && !this.faultOutstanding()) return 'no fault to restore';
    const run = await this.start('restore', { requestedBy, trigger });
    return `restore ${run.id} started`;
  }

  /** Starts the last failed or cancelled action again. */
  retry(requestedBy: string): Promise<RunRecord> {
    const last = this.store.list(1)[0];
    if (!last || (last.status !== 'failed' && last.status !== 'cancelled')) {
      return Promise.reject(new RunConflictError(undefined, 'There is no failed run to retry'));
    }
    return this.start(last.action, {
      requestedBy,
      faultDelaySeconds: last.target.faultDelaySeconds,
      ...(last.scenario ? { scenario: last.scenario } : {}),
      ...(last.experiment ? { experiment: { guards: last.experiment.guards } } : {}),
      trigger: 'retry',
    });
  }

  /**
   * After a console (re)start. A run that was in progress when the console stopped is recorded as
   * interrupted (never as done). An interrupted Inject keeps its auto-restore (armed before it
   * wrote anything); an interrupted Restore is run again at once. Then the auto-restore is armed.
   */
  resume(): void {
    let restoreInterrupted = false;
    for (const run of this.store.byStatus('running')) {
      const at = this.clock.now().toISOString();
      for (const step of run.steps) {
        if (step.status === 'running')
          Object.assign(step, {
            status: 'failed',
            endedAt: at,
            detail: 'interrupted: the console stopped during this step',
          });
        else if (step.status === 'pending') step.status = 'skipped';
      }
      Object.assign(run, {
        status: 'failed',
        endedAt: at,
        error:
          run.action === 'restore'
            ? 'interrupted by a console restart; the console restores again'
            : 'interrupted by a console restart; retry to finish it',
      });
      this.store.save(run);
      this.audit.append({
        actor: 'console',
        action: `fault.${run.action}`,
        outcome: 'interrupted',
        detail: { run: run.id },
      });
      if (run.action === 'restore') restoreInterrupted = true;
    }
    const pending = this.store.pendingAutoRestore();
    if (restoreInterrupted && pending) {
      // The restore's intent was "now": bring the pending auto-restore forward.
      pending.autoRestoreAt = this.clock.now().toISOString();
      this.store.save(pending);
    } else if (restoreInterrupted) {
      this.start('restore', { requestedBy: 'console', trigger: 'resume' }).catch(() => {
        // Nothing else can be running this early; the failure is in the audit log and on screen.
      });
      return;
    }
    this.armAutoRestore();
  }

  /** Resolves when no run is active (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.active) await this.active.done;
  }

  dispose(): void {
    this.disarm();
    this.active?.controller.abort('console shutting down');
  }

  /**
   * Whether the parameters may hold fault values: the last run that began writing was an Inject,
   * or a Restore that did not finish writing. A failed Inject counts: it may have written some.
   */
  private faultOutstanding(): boolean {
    const last = this.store.lastWritingRun();
    if (!last) return false;
    return last.action === 'inject' || last.steps.find((s) => s.name === 'write-parameters')?.status !== 'succeeded';
  }

  /** What Restore returns to: the newest baseline an Inject recorded, else the defaults. */
  private baseline(): PoolParams {
    return this.store.lastInjectWithPrevious()?.previous ?? POOL_PARAM_DEFAULTS;
  }

  private insert(run: RunRecord): void {
    try {
      this.store.save(run);
    } catch (error) {
      if (!this.store.isRunningConflict(error)) throw error;
      throw new RunConflictError(this.store.byStatus('running')[0]);
    }
  }

  private async runAfter(previous: ActiveRun | undefined, run: RunRecord, signal: AbortSignal): Promise<void> {
    try {
      if (previous) {
        await previous.done;
        // Now that the cancelled inject has recorded what it replaced, Restore knows its target.
        run.target = this.targetFor(run.action);
        this.insert(run);
      }
      await this.execute(run, signal);
    } catch (error) {
      // Only the database can fail here; the run stays as far as it got, and says why.
      console.error(`fault ${run.action} ${run.id}:`, error);
    }
  }

  private async execute(run: RunRecord, signal: AbortSignal): Promise<void> {
    const ctx: StepContext = {
      run,
      ports: this.ports,
      signal,
      options: this.options,
      baselineFrom: (current) => (!current.faultInjection && !this.faultOutstanding() ? current : this.baseline()),
    };
    for (const [index, step] of STEPS.entries()) {
      const record = run.steps[index];
      if (!record) continue;
      if (step.name === 'write-parameters' && run.action === 'inject') this.recordIntent(run);
      Object.assign(record, { status: 'running', startedAt: this.clock.now().toISOString() });
      this.store.save(run);
      try {
        if (signal.aborted) throw new Error(String(signal.reason));
        record.detail = await step.execute(ctx);
        Object.assign(record, { status: 'succeeded', endedAt: this.clock.now().toISOString() });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        Object.assign(record, { status: 'failed', endedAt: this.clock.now().toISOString(), detail: message });
        for (const later of run.steps.slice(index + 1)) later.status = 'skipped';
        Object.assign(run, { status: signal.aborted ? 'cancelled' : 'failed', error: `${record.title}: ${message}` });
        break;
      }
      this.store.save(run);
    }
    if (run.status === 'running') run.status = 'succeeded';
    run.endedAt = this.clock.now().toISOString();
    this.store.save(run);
    const nextAttempt = run.action === 'restore' ? this.afterRestore(run) : undefined;
    this.audit.append({
      actor: run.requestedBy,
      action: `fault.${run.action}`,
      outcome: run.status,
      detail: {
        run: run.id,
        ...(run.error ? { error: run.error } : {}),
        ...(run.autoRestoreAt ? { autoRestoreAt: run.autoRestoreAt } : {}),
        ...(nextAttempt ? { nextAttemptAt: nextAttempt } : {}),
      },
    });
  }

  /**
   * An inject's intent, on disk before its first write: the auto-restore time (this inject now owns
   * the only schedule) next to the target and baseline already saved.
   */
  private recordIntent(run: RunRecord): void {
    this.store.clearAutoRestores();
    if (this.options.autoRestoreMs > 0) {
      run.autoRestoreAt = new Date(this.clock.now().getTime() + this.options.autoRestoreMs).toISOString();
    }
    this.store.save(run);
    this.armAutoRestore();
  }

  /** A Restore that succeeded ends the schedule; a failed auto-restore moves it back. */
  private afterRestore(run: RunRecord): string | undefined {
    if (run.status === 'succeeded') {
      this.failedAutoRestores = 0;
      this.store.clearAutoRestores();
      return undefined;
    }
    if (run.trigger !== 'auto-restore') return undefined;
    const pending = this.store.pendingAutoRestore();
    if (!pending) return undefined;
    this.failedAutoRestores++;
    const base = this.options.retryBaseMs ?? RETRY_BASE_MS;
    const delay = Math.min(base * 2 ** (this.failedAutoRestores - 1), this.options.retryMaxMs ?? RETRY_MAX_MS);
    pending.autoRestoreAt = new Date(this.clock.now().getTime() + delay).toISOString();
    this.store.save(pending);
    return pending.autoRestoreAt;
  }

  private disarm(): void {
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }

  /** One timer for the one pending schedule; re-armed whenever a run ends or the schedule moves. */
  private armAutoRestore(): void {
    this.disarm();
    const pending = this.store.pendingAutoRestore();
    if (!pending?.autoRestoreAt) return;
    const runId = pending.id;
    const delay = Math.max(0, new Date(pending.autoRestoreAt).getTime() - this.clock.now().getTime());
    const handle = this.clock.setTimeout(() => {
      if (this.timer?.handle !== handle) return;
      this.timer = undefined;
      // A timer outlived by its schedule (a newer inject, a restore) does nothing.
      if (this.store.pendingAutoRestore()?.id !== runId) return this.armAutoRestore();
      // A run in progress goes first; its end re-arms this timer.
      if (this.active) return;
      this.start('restore', { requestedBy: 'auto-restore', trigger: 'auto-restore' }).catch(() => {
        // Only a conflict with another console on the same database gets here; its end re-arms.
      });
    }, delay);
    this.timer = { handle, runId };
  }
}
