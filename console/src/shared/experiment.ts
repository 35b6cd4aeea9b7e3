/**
 * A fault run as an experiment: the steady state checked before it, the guards that end it early,
 * and the report after it. Shared by the server (which decides) and the browser (which shows).
 */

/** When a fault restores itself before its auto-restore time. A threshold of 0 turns that guard off. */
export interface GuardConfig {
  /** The Order API's POST /api/orders Fault rate, percent, above which ... */
  faultRatePercent: number;
  /** ... for this many metric periods in a row trips the fault-rate guard. */
  faultRatePeriods: number;
  /** The availability SLO's error budget burnt since the inject, percent of the total budget (may pass 100). */
  budgetBurnPercent: number;
  /** Restore when a burst that ran during the fault ends. */
  restoreOnBurstEnd: boolean;
}

export const GUARD_LIMITS = {
  faultRatePercent: { min: 0, max: 100 },
  faultRatePeriods: { min: 1, max: 12 },
  // Past 100 %: a budget can be overspent (the demo SLO's one bad minute spends 167 % of its hour).
  budgetBurnPercent: { min: 0, max: 1000 },
} as const;

export type GuardId = 'fault-rate' | 'budget' | 'burst-end';

/** One guard as the cockpit shows it while a fault runs: what trips it, and where it stands now. */
export interface GuardReading {
  id: GuardId;
  title: string;
  enabled: boolean;
  /** "above 20 % for 2 periods", "past 50 %", "when a burst ends". */
  threshold: string;
  /** The current value ("35.2 % (1 of 2 periods)"), or null before the first reading. */
  value: string | null;
  tripped: boolean;
}

/** The guards of the fault now running (the fault topic's `guards`). */
export interface GuardWatchView {
  runId: string;
  config: GuardConfig;
  readings: GuardReading[];
  checkedAt?: string;
  /** Why the latest reading could not be taken (the guards keep their last values). */
  error?: string;
  trip?: GuardTrip;
}

export interface GuardTrip {
  guard: GuardId;
  at: string;
  value: string;
}

export type SteadyStateCheckId = 'chips' | 'delivery-faults' | 'slo';

export interface SteadyStateCheck {
  id: SteadyStateCheckId;
  title: string;
  ok: boolean;
  /** What was measured ("0.0 % over the last 6 periods", "BREACHED"). */
  value: string;
  /** What passes ("under 1 %"). */
  expected: string;
}

export interface SteadyState {
  ok: boolean;
  checks: SteadyStateCheck[];
  checkedAt: string;
}

/** The steady state the check asks for before an Inject. */
export const STEADY_STATE = {
  /** The Delivery API's Fault rate must stay under this ... */
  deliveryFaultRatePercent: 1,
  /** ... over this many metric periods. */
  periods: 6,
} as const;

/** What an inject run carries besides its parameters (stored with the run). */
export interface ExperimentRecord {
  guards: GuardConfig;
  /** The check before the inject, and whether the operator overrode a failing one. */
  steadyState?: SteadyState & { overridden: boolean };
  /** The guard that restored the fault, if one did. */
  trip?: GuardTrip;
  /** The presenter's free-text note for the report. */
  note?: string;
}

export const MAX_NOTE_CHARS = 4000;
