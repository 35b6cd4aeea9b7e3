// The module itself, not the package's index: this file reaches the browser, and the index brings zod.
import { FAULT_POOL_PARAMS, POOL_PARAM_LIMITS, type PoolParams } from '@demo/contracts/pool-params';
import type { GuardConfig } from './experiment';

/**
 * The faults the console can run, as data: what each writes, how it is verified, and what a
 * presenter should see. Both go through the same runbook (write the four SSM parameters, restart
 * the Delivery API, verify every replica runs them); they differ only in the values written.
 */
export const SCENARIO_IDS = ['pool-exhaustion', 'slow-database'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** One line of a scenario's expected signature: which chart moves, and how fast. */
export interface SignatureLine {
  chart: 'Latency' | 'Faults' | 'Errors';
  service: 'Order API' | 'Delivery API';
  expect: string;
}

export interface Scenario {
  id: ScenarioId;
  title: string;
  summary: string;
  /** The hold per insert, `fault-delay-seconds`: the presenter may choose it within these bounds. */
  delay: { default: number; min: number; max: number };
  /** What Inject writes, given the hold and the values it read (the pool Restore returns to). */
  params: (delaySeconds: number, baseline: PoolParams) => PoolParams;
  /** Writes the pool size and overflow it read back unchanged (so a plan cannot name them before the read). */
  keepsPool: boolean;
  /** How the run is checked before it counts as injected. */
  verification: string;
  signature: SignatureLine[];
  /** The guards an Inject of this scenario starts with (the presenter may change them). */
  guards: GuardConfig;
  /**
   * What counts as the fault showing in a period, for the detection and recovery times: a Fault
   * (pool exhaustion), or a p50 at least half the hold above the p50 before the inject (slow database).
   */
  detection: 'faults' | 'latency';
}

export const SCENARIOS: Record<ScenarioId, Scenario> = {
  'pool-exhaustion': {
    id: 'pool-exhaustion',
    title: 'Database pool exhaustion',
    summary:
      "The original's fault: one connection, no overflow, and every insert holds it for the delay; the other requests wait, give up and fail.",
    delay: {
      default: 10,
      min: POOL_PARAM_LIMITS.faultDelaySeconds.min,
      max: POOL_PARAM_LIMITS.faultDelaySeconds.max,
    },
    params: (delaySeconds) => ({ ...FAULT_POOL_PARAMS, faultDelaySeconds: delaySeconds }),
    keepsPool: false,
    verification: 'every ready Delivery API replica reports pool-size 1, max-overflow 0 and the delay',
    signature: [
      { chart: 'Faults', service: 'Delivery API', expect: 'rise within one period of the first orders (503s)' },
      { chart: 'Faults', service: 'Order API', expect: 'rise with them (502s after its retries)' },
      { chart: 'Latency', service: 'Order API', expect: 'p99 climbs to seconds (acquire timeouts and retries)' },
    ],
    // The demo's availability SLO has 36 s of budget an hour and one bad minute spends 60 s (167 %):
    // 300 % is about three bad minutes, after the Fault guard has had its chance.
    guards: { faultRatePercent: 20, faultRatePeriods: 2, budgetBurnPercent: 300, restoreOnBurstEnd: false },
    detection: 'faults',
  },
  'slow-database': {
    id: 'slow-database',
    title: 'Slow database',
    summary:
      'The pool stays as it is; every insert waits for the delay first. Latency climbs, and nothing fails while the orders in flight fit in the pool.',
    // Up to 2 s: with the default pool (10 + 20 overflow) a 10 orders/s burst holds 20 connections.
    delay: { default: 1, min: 1, max: 2 },
    params: (delaySeconds, baseline) => ({
      poolSize: baseline.poolSize,
      maxOverflow: baseline.maxOverflow,
      faultInjection: true,
      faultDelaySeconds: delaySeconds,
    }),
    keepsPool: true,
    verification: 'every ready Delivery API replica reports the unchanged pool, fault-injection on and the delay',
    signature: [
      { chart: 'Latency', service: 'Delivery API', expect: 'p50 and p99 rise by the delay within one period' },
      { chart: 'Latency', service: 'Order API', expect: 'rises by the same amount' },
      {
        chart: 'Faults',
        service: 'Order API',
        expect: 'stay at 0 while orders/s x delay stays under the pool (size + overflow)',
      },
    ],
    // Faults are not expected here: any real share of them means the pool ran out after all.
    guards: { faultRatePercent: 5, faultRatePeriods: 2, budgetBurnPercent: 300, restoreOnBurstEnd: false },
    detection: 'latency',
  },
};

export function isScenarioId(id: string): id is ScenarioId {
  return (SCENARIO_IDS as readonly string[]).includes(id);
}

/** The scenario a run's written values amount to (runs recorded before scenarios were named are pool exhaustion). */
export function scenarioOf(run: { scenario?: ScenarioId }): Scenario {
  return SCENARIOS[run.scenario ?? 'pool-exhaustion'];
}
