import type { PoolParams } from '@demo/contracts';
import type { ExperimentRecord, GuardWatchView } from './experiment';
import type { ScenarioId } from './scenarios';

export type RunAction = 'inject' | 'restore';
/**
 * `resume`: a Restore the console runs again after a restart cut the previous one off;
 * `kill-switch`: the Restore the kill switch starts; `guard`: the Restore a tripped guard starts.
 */
export type RunTrigger = 'operator' | 'auto-restore' | 'retry' | 'resume' | 'kill-switch' | 'guard';

/** The kill switch: while engaged, no fault run, burst or background traffic may start. */
export interface KillSwitchState {
  engaged: boolean;
  /** When and by whom it was engaged (while engaged). */
  since?: string;
  by?: string;
}
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export const STEP_NAMES = [
  'read-parameters',
  'write-parameters',
  'rollout-restart',
  'rollout-complete',
  'verify',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

export interface StepRecord {
  name: StepName;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  detail?: string;
}

export interface RunRecord {
  id: string;
  action: RunAction;
  status: RunStatus;
  trigger: RunTrigger;
  requestedBy: string;
  requestedAt: string;
  endedAt?: string;
  /** For an inject: the fault it runs (from the catalogue in scenarios.ts). */
  scenario?: ScenarioId;
  /** The values this run writes. */
  target: PoolParams;
  /** For an inject: the values before it, which Restore puts back. */
  previous?: PoolParams;
  steps: StepRecord[];
  error?: string;
  /**
   * For an inject that began writing parameters: when Restore runs by itself. Only the newest
   * such inject holds one; it moves back after a failed attempt and is cleared once restored.
   */
  autoRestoreAt?: string;
  /** For an inject: its guards, the steady-state check before it, a trip, the presenter's note. */
  experiment?: ExperimentRecord;
}

export interface FaultPlan {
  action: RunAction;
  scenario?: ScenarioId;
  target: PoolParams;
  calls: string[];
}

export interface FaultView {
  running?: RunRecord;
  history: RunRecord[];
  faultActive: boolean;
  autoRestoreAt?: string;
  /** No Inject before this: the cooldown after the last Restore. */
  cooldownUntil?: string;
  killSwitch: KillSwitchState;
  /** The guards of the fault now on (from its verification until a Restore starts). */
  guards?: GuardWatchView;
  plans: { inject: FaultPlan; restore: FaultPlan };
}
