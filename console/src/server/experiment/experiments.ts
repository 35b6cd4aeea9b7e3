import 'server-only';
import { MAX_NOTE_CHARS, type ExperimentRecord, type GuardConfig, type SteadyState } from '../../shared/experiment';
import type { ExperimentReport } from '../../shared/experiment-report';
import { SCENARIOS, type ScenarioId } from '../../shared/scenarios';
import type { AuditLog } from '../audit';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Runbook } from '../runbook/runbook';
import type { RunStore } from '../runbook/store';
import type { RunRecord } from '../runbook/types';
import { renderPack } from './pack';
import { buildReport, type ReportSources } from './report';

export interface InjectRequest {
  requestedBy: string;
  scenario?: ScenarioId;
  faultDelaySeconds?: number;
  /** Changes to the scenario's default guards. */
  guards?: Partial<GuardConfig>;
  /** The second confirmation: inject although the steady state is not met. */
  overrideSteadyState?: boolean;
}

export class SteadyStateNotMetError extends ConflictError {
  constructor(readonly steadyState: SteadyState) {
    const failing = steadyState.checks.filter((c) => !c.ok).map((c) => `${c.title}: ${c.value}`);
    super(`The steady state is not met (${failing.join('; ')}): wait for it, or override with a second confirmation`, {
      steadyState,
    });
    this.name = 'SteadyStateNotMetError';
  }
}

/**
 * A fault run as an experiment, around the runbook: the steady state is checked before an Inject
 * (a failing check refuses it unless the operator overrides, which is recorded), the Inject carries
 * its guards, and afterwards the run is a report and an evidence pack with the presenter's note.
 */
export class Experiments {
  constructor(
    private readonly deps: {
      runbook: Runbook;
      runs: RunStore;
      audit: AuditLog;
      steadyState: () => Promise<SteadyState>;
      report: ReportSources;
    },
  ) {}

  steadyState(): Promise<SteadyState> {
    return this.deps.steadyState();
  }

  async inject(request: InjectRequest): Promise<RunRecord> {
    const scenario = request.scenario ?? 'pool-exhaustion';
    // Refusals that need no reading come first: bad values, the kill switch, the cooldown.
    this.deps.runbook.checkInject(request.faultDelaySeconds, scenario);
    const steady = await this.deps.steadyState();
    if (!steady.ok && !request.overrideSteadyState) throw new SteadyStateNotMetError(steady);
    const experiment: ExperimentRecord = {
      guards: { ...SCENARIOS[scenario].guards, ...request.guards },
      steadyState: { ...steady, overridden: !steady.ok },
    };
    if (!steady.ok)
      this.deps.audit.append({
        actor: request.requestedBy,
        action: 'experiment.override',
        outcome: 'confirmed',
        detail: { failing: steady.checks.filter((c) => !c.ok).map((c) => `${c.title}: ${c.value}`) },
      });
    return this.deps.runbook.start('inject', {
      requestedBy: request.requestedBy,
      scenario,
      ...(request.faultDelaySeconds === undefined ? {} : { faultDelaySeconds: request.faultDelaySeconds }),
      experiment,
    });
  }

  report(id: string): Promise<ExperimentReport> {
    return buildReport(this.deps.report, id);
  }

  async pack(id: string): Promise<{ report: ExperimentReport; html: string }> {
    const report = await this.report(id);
    return { report, html: renderPack(report) };
  }

  setNote(id: string, note: string, actor: string): ExperimentRecord {
    if (note.length > MAX_NOTE_CHARS)
      throw new ValidationError(`A note holds at most ${MAX_NOTE_CHARS} characters`, [
        { field: 'note', message: `at most ${MAX_NOTE_CHARS} characters` },
      ]);
    const run = this.deps.runs.get(id);
    if (run?.action !== 'inject') throw new NotFoundError(`No fault run ${id}`);
    const saved = this.deps.runs.updateExperiment(id, (e) => ({ ...e, note }));
    if (!saved) throw new NotFoundError(`Fault run ${id} was recorded before reports existed`);
    this.deps.audit.append({
      actor,
      action: 'experiment.note',
      outcome: 'saved',
      detail: { run: id, chars: note.length },
    });
    return saved;
  }
}
