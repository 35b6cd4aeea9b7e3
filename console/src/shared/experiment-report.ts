/** The report of one fault run (an inject and its Restore): the run view and the evidence pack. */
import type { PoolParams } from '@demo/contracts/pool-params';
import type { BurstRecord } from './bursts';
import type { ExperimentRecord } from './experiment';
import type { RunRecord } from './fault';
import type { ChartView } from './signals';
import type { AuditEntry } from './status';

/** One service's times in a report. Seconds; null while it cannot be known (yet). */
export interface ServiceTiming {
  service: string;
  /** The operation the times are read from (the one that carries the orders). */
  operation: string;
  title: string;
  /** From the inject's "verified" to the end of the first period that showed the fault. */
  detectionSeconds: number | null;
  /** From the Restore's "verified" to the end of the last period that still showed it (0: none did). */
  recoverySeconds: number | null;
}

/** A finding for the fault window: Application Signals' own on AWS, local-cloud's approximation locally. */
export interface Finding {
  service: string;
  operation?: string;
  type?: string;
  severity?: string;
  auditor?: string;
  description: string;
}

export interface ChangeEventRow {
  at: string;
  service: string;
  type: string;
  name: string;
  by?: string;
}

export interface BudgetRow {
  name: string;
  status: string;
  /** Seconds of budget left, and the total. */
  remaining: number | null;
  total: number | null;
}

/** Everything the run view and the evidence pack show about one fault run (an inject and its Restore). */
export interface ExperimentReport {
  id: string;
  generatedAt: string;
  /** The Restore is verified and its post-window has passed: the figures will not change any more. */
  complete: boolean;
  target: { kind: 'local' | 'aws'; environment: string; periodSeconds: number };
  scenario: {
    id: string;
    title: string;
    summary: string;
    signature: { chart: string; service: string; expect: string }[];
  };
  /** How "showed the fault" is decided for the times (see Scenario.detection), in words. */
  detectionRule: string;
  /** Where the times come from ("the 5 s data", "the 60 s data"). */
  dataNote: string;
  inject: RunRecord;
  restore?: RunRecord;
  experiment: ExperimentRecord;
  window: { from: number; to: number; periodSeconds: number };
  parameters: { before?: PoolParams; during: PoolParams; after?: PoolParams };
  charts: ChartView[];
  timings: ServiceTiming[];
  /** Budget of each demo SLO just before the inject and at the end of the window. */
  budgets: { before: BudgetRow[]; after: BudgetRow[]; afterAt: string };
  bursts: (Omit<BurstRecord, 'snapshots'> & { duringFault: boolean })[];
  audit: AuditEntry[];
  findings: { source: 'application-signals' | 'local-approximation'; items: Finding[]; error?: string };
  changeEvents: { items: ChangeEventRow[]; error?: string };
}
