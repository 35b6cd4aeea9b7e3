import { randomUUID } from 'node:crypto';
import { FAULT_POOL_PARAMS, POOL_PARAM_DEFAULTS, type AppNames, type PoolParams } from '@demo/contracts';
import type { AuditLog } from '../audit';
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
  /** Restore runs by itself this long after an inject wrote parameters (0 = never). */
  autoRestoreMs: number;
  names: AppNames;
  deployment: string;
}

export interface FaultState {
  running?: RunRecord;
  history: RunRecord[];
  /** True when the last run that wrote parameters was an inject. */
  faultActive: boolean;
  autoRestoreAt?: string;
}

/**
 * The fault runbook as a server-side state machine: one run at a time; Restore may cut a running
 * Inject short (the presenter's way out); every step is recorded with its time and outcome; a run
 * that fails part-way says so and where; an inject that wrote parameters schedules Restore, and
 * that schedule survives a console restart because it lives in the store.
 */
export class Runbook {
  private active: { run: RunRecord; controller: AbortController; done: Promise<void> } | undefined;
  private autoRestoreTimer: unknown;

  constructor(
    private readonly ports: RunbookPorts,
    private readonly store: RunStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly options: RunbookOptions,
  ) {}

  state(): FaultState {
    const history = this.store.list(20);
    const wrote = history.find((run) =>
      run.steps.some((s) => s.name === 'write-parameters' && s.status === 'succeeded'),
    );
    const pending = this.store.pendingAutoRestore();
    return {
      ...(this.active ? { running: structuredClone(this.active.run) } : {}),
      history,
      faultActive: wrote?.action === 'inject',
      ...(pending?.autoRestoreAt ? { autoRestoreAt: pending.autoRestoreAt } : {}),
    };
  }

  /** The values a run would write. */
  targetFor(action: RunAction, faultDelaySeconds?: number): PoolParams {
    if (action === 'inject')
      return { ...FAULT_POOL_PARAMS, faultDelaySeconds: faultDelaySeconds ?? POOL_PARAM_DEFAULTS.faultDelaySeconds };
    const previous = this.store.lastInjectWithPrevious()?.previous ?? POOL_PARAM_DEFAULTS;
    return { ...previous, faultInjection: false };
  }

  /** The exact calls a run will make, for the confirmation dialog. */
  plan(action: RunAction, faultDelaySeconds?: number): { action: RunAction; target: PoolParams; calls: string[] } {
    const target = this.targetFor(action, faultDelaySeconds);
    const p = this.options.names.parameters;
    const value = {
      poolSize: target.poolSize,
      maxOverflow: target.maxOverflow,
      faultInjection: target.faultInjection,
      faultDelaySeconds: target.faultDelaySeconds,
    };
    return {
      action,
      target,
      calls: [
        `ssm:GetParameters ${Object.values(p).join(', ')}`,
        ...(Object.keys(p) as (keyof typeof p)[]).map(
          (key) => `ssm:PutParameter ${p[key]} = ${String(value[key])} (String, Overwrite)`,
        ),
        `PATCH apps/v1 deployments/${this.options.deployment}: spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] = <now> (strategic merge)`,
        `GET apps/v1 deployments/${this.options.deployment} until rolled out (at most ${this.options.rolloutTimeoutMs / 1000} s)`,
        `GET pods/<each ready ${this.options.deployment} pod>/proxy/api/delivery/config until every replica runs the new values`,
      ],
    };
  }

  /**
   * Starts a run and returns it at once (status `running`); it goes on in the background.
   * A second run while one is active is refused (409), except Restore during Inject, which
   * cancels the inject first.
   */
  async start(
    action: RunAction,
    request: { requestedBy: string; faultDelaySeconds?: number; trigger?: RunTrigger },
  ): Promise<RunRecord> {
    if (this.active) {
      if (!(this.active.run.action === 'inject' && action === 'restore')) throw new RunConflictError(this.active.run);
      this.active.controller.abort('cancelled by restore');
      await this.active.done;
    }
    const run: RunRecord = {
      id: randomUUID(),
      action,
      status: 'running',
      trigger: request.trigger ?? 'operator',
      requestedBy: request.requestedBy,
      requestedAt: this.clock.now().toISOString(),
      target: this.targetFor(action, request.faultDelaySeconds),
      steps: STEPS.map((step) => ({ name: step.name, title: step.title(action), status: 'pending' })),
    };
    this.store.save(run);
    this.audit.append({
      actor: request.requestedBy,
      action: `fault.${action}`,
      outcome: 'started',
      detail: { run: run.id, trigger: run.trigger, target: run.target },
    });
    const controller = new AbortController();
    const done = this.execute(run, controller.signal).finally(() => {
      if (this.active?.run.id === run.id) this.active = undefined;
    });
    this.active = { run, controller, done };
    return structuredClone(run);
  }

  /** Starts the last failed or cancelled action again. */
  async retry(requestedBy: string): Promise<RunRecord> {
    const last = this.store.list(1)[0];
    if (!last || (last.status !== 'failed' && last.status !== 'cancelled')) {
      throw new Error('There is no failed run to retry');
    }
    return this.start(last.action, { requestedBy, faultDelaySeconds: last.target.faultDelaySeconds, trigger: 'retry' });
  }

  /**
   * After a console (re)start: a run that was in progress when the console stopped is recorded as
   * interrupted (never as done), and a pending auto-restore is armed again.
   */
  resume(): void {
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
        error: 'interrupted by a console restart; retry to finish it',
      });
      this.store.save(run);
      this.audit.append({
        actor: 'console',
        action: `fault.${run.action}`,
        outcome: 'interrupted',
        detail: { run: run.id },
      });
    }
    this.armAutoRestore();
  }

  /** Resolves when no run is active (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.active) await this.active.done;
  }

  dispose(): void {
    this.clock.clearTimeout(this.autoRestoreTimer);
    this.active?.controller.abort('console shutting down');
  }

  private async execute(run: RunRecord, signal: AbortSignal): Promise<void> {
    const ctx: StepContext = {
      run,
      ports: this.ports,
      signal,
      options: this.options,
      restoreFallback: this.store.lastInjectWithPrevious()?.previous ?? POOL_PARAM_DEFAULTS,
    };
    for (const [index, step] of STEPS.entries()) {
      const record = run.steps[index];
      if (!record) continue;
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
    const wrote = run.steps.find((s) => s.name === 'write-parameters')?.status === 'succeeded';
    if (run.action === 'inject' && wrote && this.options.autoRestoreMs > 0) {
      run.autoRestoreAt = new Date(this.clock.now().getTime() + this.options.autoRestoreMs).toISOString();
    }
    this.store.save(run);
    if (run.action === 'restore' && run.status === 'succeeded') this.clearAutoRestore();
    this.audit.append({
      actor: run.requestedBy,
      action: `fault.${run.action}`,
      outcome: run.status,
      detail: {
        run: run.id,
        ...(run.error ? { error: run.error } : {}),
        ...(run.autoRestoreAt ? { autoRestoreAt: run.autoRestoreAt } : {}),
      },
    });
    this.armAutoRestore();
  }

  private clearAutoRestore(): void {
    const pending = this.store.pendingAutoRestore();
    if (pending) {
      delete pending.autoRestoreAt;
      this.store.save(pending);
    }
  }

  private armAutoRestore(): void {
    this.clock.clearTimeout(this.autoRestoreTimer);
    const pending = this.store.pendingAutoRestore();
    if (!pending?.autoRestoreAt) return;
    const delay = Math.max(0, new Date(pending.autoRestoreAt).getTime() - this.clock.now().getTime());
    this.autoRestoreTimer = this.clock.setTimeout(() => {
      this.start('restore', { requestedBy: 'auto-restore', trigger: 'auto-restore' }).catch(() => {
        // A run is in progress: try again shortly.
        this.autoRestoreTimer = this.clock.setTimeout(() => this.armAutoRestore(), 30_000);
      });
    }, delay);
  }
}
