import type { DeliveryConfig, PoolParams, RolloutState } from '@demo/contracts';
import type { RunRecord } from '../../shared/fault';
import { ConflictError } from '../errors';

export type { RunAction, RunRecord, RunStatus, RunTrigger, StepName, StepRecord, StepStatus } from '../../shared/fault';
export { STEP_NAMES } from '../../shared/fault';

/** What the runbook needs from the outside world; production wires SSM and Kubernetes in. */
export interface RunbookPorts {
  readParams(): Promise<PoolParams>;
  /** Writes every value; returns `name=value` of each write. */
  writeParams(params: PoolParams): Promise<string[]>;
  /** Patches the restart annotation; returns the Deployment's new generation. */
  restart(): Promise<number>;
  rollout(): Promise<{ state: RolloutState; generation: number }>;
  /** `/api/delivery/config` of every ready replica; without a config for one it could not reach. */
  configs(): Promise<{ pod: string; config?: DeliveryConfig }[]>;
}

export interface Clock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class RunConflictError extends ConflictError {
  constructor(
    readonly running: RunRecord | undefined,
    message = running
      ? `A ${running.action} run is in progress (${running.id}); wait for it to finish`
      : 'Another run is in progress',
  ) {
    super(message, running ? { running } : {});
    this.name = 'RunConflictError';
  }
}
