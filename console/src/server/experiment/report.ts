import 'server-only';
import type { AppNames } from '@demo/contracts';
import type { BurstRecord } from '../../shared/bursts';
import type { BudgetRow, ChangeEventRow, ExperimentReport, Finding } from '../../shared/experiment-report';
import { scenarioOf } from '../../shared/scenarios';
import type { ChartView, SloRow } from '../../shared/signals';
import type { AuditLog } from '../audit';
import { NotFoundError } from '../errors';
import type { RunStore } from '../runbook/store';
import type { RunRecord } from '../runbook/types';
import { DELIVERY_OPERATION, ORDERS_OPERATION } from '../signals/slos';
import { verifiedAt } from './guard-watch';
import { BASELINE_PERIODS, latencyRule, serviceTimes, type ElevatedRule } from './timings';

export interface ReportSources {
  runs: RunStore;
  bursts: { list(limit: number): Omit<BurstRecord, 'snapshots'>[] };
  audit: AuditLog;
  chart(service: string, operation: string, from: number, to: number): Promise<ChartView>;
  /** The demo SLOs' budgets at a time. */
  budgets(at: Date): Promise<SloRow[]>;
  findings(services: string[], window: { from: number; to: number }): Promise<{ items: Finding[]; error?: string }>;
  serviceStates(window: { from: number; to: number }): Promise<{ items: ChangeEventRow[]; error?: string }>;
  names: AppNames;
  target: { kind: 'local' | 'aws'; environment: string; basePeriodSeconds: number };
  now?: () => number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The Restore that ended an inject: the first one requested after it, unless another inject came first. */
function restoreOf(runs: RunStore, inject: RunRecord): RunRecord | undefined {
  for (const run of runs.after(inject.requestedAt)) {
    if (run.action === 'inject') return undefined;
    if (run.status === 'succeeded' || run.status === 'running') return run;
  }
  return undefined;
}

function budgetRows(rows: SloRow[]): BudgetRow[] {
  return rows.map((r) => ({
    name: r.name,
    status: r.status,
    remaining: r.budgetSecondsRemaining,
    total: r.totalBudgetSeconds,
  }));
}

/**
 * One fault run as a report: the inject, the Restore after it, and around them a window from a
 * pre-window before the inject to a post-window after the Restore (to now, while it lasts). Every
 * figure is read from the sources when asked, so a report opened later shows the same run with
 * whatever data has arrived since (AWS keeps the 60 s data for 15 days).
 */
export async function buildReport(sources: ReportSources, id: string): Promise<ExperimentReport> {
  const inject = sources.runs.get(id);
  if (inject?.action !== 'inject') throw new NotFoundError(`No fault run ${id}`);
  const now = sources.now?.() ?? Date.now();
  const periodMs = sources.target.basePeriodSeconds * 1000;
  const margin = Math.max(2 * 60_000, 5 * periodMs);
  const restore = restoreOf(sources.runs, inject);
  const verified = verifiedAt(inject);
  const restored = restore && verifiedAt(restore);
  const injectAt = new Date(inject.requestedAt).getTime();
  const lastAt = restored ?? (restore?.endedAt ? new Date(restore.endedAt).getTime() : now);
  const window = { from: injectAt - margin, to: Math.min(now, lastAt + margin) };
  const scenario = scenarioOf(inject);
  // The operations that carry the orders: each service's other traffic (health checks, reads)
  // would dilute both the Faults and the latency of the fault.
  const services = [
    { service: sources.names.orderApi, operation: ORDERS_OPERATION, title: 'Order API' },
    { service: sources.names.deliveryApi, operation: DELIVERY_OPERATION, title: 'Delivery API' },
  ];

  const settle = async <T>(read: () => Promise<T>, fallback: T): Promise<{ value: T; error?: string }> => {
    try {
      return { value: await read() };
    } catch (error) {
      return { value: fallback, error: message(error) };
    }
  };
  const [charts, before, after, findings, changeEvents] = await Promise.all([
    Promise.all(services.map((s) => sources.chart(s.service, s.operation, window.from, window.to))),
    settle(() => sources.budgets(new Date(injectAt)), []),
    settle(() => sources.budgets(new Date(window.to)), []),
    sources.findings(
      services.map((s) => s.service),
      window,
    ),
    sources.serviceStates(window),
  ]);

  const periodSeconds = charts[0]?.window.periodSeconds ?? sources.target.basePeriodSeconds;
  const timings = services.map((s, i) => {
    const points = charts[i]?.points ?? [];
    const rule: ElevatedRule =
      scenario.detection === 'faults'
        ? { kind: 'faults' }
        : latencyRule(points, periodSeconds, injectAt, inject.target.faultDelaySeconds);
    return { ...s, ...serviceTimes(points, periodSeconds, rule, verified, restored) };
  });
  const faultEnd = restored ?? now;
  const bursts = sources.bursts
    .list(50)
    .filter((b) => {
      const start = new Date(b.startedAt).getTime();
      const end = b.endedAt ? new Date(b.endedAt).getTime() : now;
      return end >= window.from && start <= window.to;
    })
    .map((b) => {
      const start = new Date(b.startedAt).getTime();
      const end = b.endedAt ? new Date(b.endedAt).getTime() : now;
      return { ...b, duringFault: verified !== undefined && end >= verified && start <= faultEnd };
    })
    .reverse();

  return {
    id: inject.id,
    generatedAt: new Date(now).toISOString(),
    complete: restored !== undefined && now >= restored + margin,
    target: {
      kind: sources.target.kind,
      environment: sources.target.environment,
      periodSeconds,
    },
    scenario: { id: scenario.id, title: scenario.title, summary: scenario.summary, signature: scenario.signature },
    detectionRule:
      scenario.detection === 'faults'
        ? 'a period shows the fault when it holds at least one Fault'
        : `a period shows the fault when its p50 is at least half the ${inject.target.faultDelaySeconds} s hold above the median p50 of the ${BASELINE_PERIODS} periods before the inject`,
    dataNote:
      sources.target.kind === 'aws'
        ? "Times come from Application Signals' 60 s data: each is a whole number of minutes after the verified step, at best one period's resolution."
        : `Times come from local-cloud's ${periodSeconds} s data.`,
    inject,
    ...(restore ? { restore } : {}),
    experiment: inject.experiment ?? { guards: scenario.guards },
    window: { ...window, periodSeconds },
    parameters: {
      ...(inject.previous ? { before: inject.previous } : {}),
      during: inject.target,
      ...(restore ? { after: restore.target } : {}),
    },
    charts,
    timings,
    budgets: {
      before: budgetRows(before.value),
      after: budgetRows(after.value),
      afterAt: new Date(window.to).toISOString(),
    },
    bursts,
    audit: sources.audit.between(new Date(window.from).toISOString(), new Date(window.to).toISOString()),
    findings: {
      source: sources.target.kind === 'local' ? 'local-approximation' : 'application-signals',
      ...findings,
    },
    changeEvents,
  };
}
