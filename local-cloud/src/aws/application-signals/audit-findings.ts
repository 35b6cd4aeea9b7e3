/**
 * ListAuditFindings, answered in the real shapes from a documented local rule. On AWS the findings
 * come from Application Signals' own heuristics; here they are a LOCAL APPROXIMATION, and say so
 * (each result's Auditor is `local-cloud-approximation`):
 *
 * - for each targeted service (or service operation) and each of its operations, the worst whole
 *   minute of the window by Fault rate; if that rate is above FAULT_RATE_THRESHOLD (the 1 % an
 *   availability SLO of 99 % allows), one finding for the operation, severity CRITICAL above 10 %
 *   and HIGH otherwise;
 * - in that finding, a second result naming the operation's dependency with the highest average
 *   latency over the window (when it has any), severity MEDIUM.
 *
 * LIMITATIONS: no other auditors (no traces, logs or canaries), Auditors and DetailLevel are
 * accepted and ignored, SLO and canary targets find nothing, no MetricGraph or DependencyGraph.
 */
import type {
  AuditFinding,
  AuditTarget,
  ListAuditFindingsInput,
  ListAuditFindingsOutput,
} from '@aws-sdk/client-application-signals';
import { validationError } from '../errors';
import { wireTimeToSeconds } from '../json-protocol';
import type { RestRequest, RestRoute } from '../rest-protocol';
import type { Dimensions, MetricStore } from '../../telemetry/metric-store';
import { page } from './paging';

export const LOCAL_AUDITOR = 'local-cloud-approximation';
/** Above this share of faults in a minute, an operation gets a finding. */
export const FAULT_RATE_THRESHOLD = 0.01;
const MINUTE = 60;

interface Target {
  name: string;
  environment: string;
  operation?: string;
}

function targetsOf(targets: AuditTarget[] | undefined): Target[] {
  if (!Array.isArray(targets) || targets.length === 0)
    throw validationError('AuditTargets must name at least one target.');
  return targets.flatMap((target): Target[] => {
    const data = target.Data;
    const service = data?.Service ?? data?.ServiceOperation?.Service;
    if (!service?.Name || !service.Environment) return [];
    const operation = data?.ServiceOperation?.Operation;
    return [{ name: service.Name, environment: service.Environment, ...(operation ? { operation } : {}) }];
  });
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

export function auditFindingRoutes(metrics: MetricStore): RestRoute[] {
  const sum = (
    name: 'Latency' | 'Fault',
    dimensions: Dimensions,
    stat: 'Sum' | 'SampleCount',
    from: number,
    to: number,
  ) => metrics.query(name, dimensions, stat, MINUTE, from, to);

  const findingsFor = (target: Target, from: number, to: number): AuditFinding[] => {
    const series = metrics.list(from, to).filter((s) => s.metricName === 'Latency');
    const operations = series.filter(
      (s) =>
        Object.keys(s.dimensions).length === 3 &&
        s.dimensions.Service === target.name &&
        s.dimensions.Environment === target.environment &&
        s.dimensions.Operation !== undefined &&
        (target.operation === undefined || s.dimensions.Operation === target.operation),
    );
    return operations.flatMap(({ dimensions }): AuditFinding[] => {
      const requests = new Map(sum('Latency', dimensions, 'SampleCount', from, to).map((p) => [p.timestamp, p.value]));
      let worst: { minute: number; rate: number; faults: number; requests: number } | undefined;
      for (const point of sum('Fault', dimensions, 'Sum', from, to)) {
        const count = requests.get(point.timestamp) ?? 0;
        const rate = count > 0 ? point.value / count : 0;
        if (!worst || rate > worst.rate)
          worst = { minute: point.timestamp, rate, faults: point.value, requests: count };
      }
      if (!worst || worst.rate <= FAULT_RATE_THRESHOLD) return [];
      const operation = dimensions.Operation ?? '';
      const minute = new Date(worst.minute * 1000).toISOString();
      const results: NonNullable<AuditFinding['AuditorResults']> = [
        {
          Auditor: LOCAL_AUDITOR,
          Description: `Local approximation, not AWS's analysis: ${operation} had a Fault rate of ${percent(worst.rate)} (${worst.faults} of ${worst.requests} requests) in the minute from ${minute}, above the ${percent(FAULT_RATE_THRESHOLD)} an availability SLO of 99 % allows.`,
          Data: {
            faultRate: worst.rate.toFixed(4),
            minute,
            faults: String(worst.faults),
            requests: String(worst.requests),
          },
          Severity: worst.rate > 0.1 ? 'CRITICAL' : 'HIGH',
        },
      ];
      const slowest = series
        .filter(
          (s) =>
            s.dimensions.Service === target.name &&
            s.dimensions.Environment === target.environment &&
            s.dimensions.Operation === operation &&
            s.dimensions.RemoteService !== undefined,
        )
        .map((s) => {
          const total = (stat: 'Sum' | 'SampleCount') =>
            sum('Latency', s.dimensions, stat, from, to).reduce((n, p) => n + p.value, 0);
          const count = total('SampleCount');
          return { dimensions: s.dimensions, average: count > 0 ? total('Sum') / count : 0 };
        })
        .sort((a, b) => b.average - a.average)[0];
      if (slowest) {
        const remote = `${slowest.dimensions.RemoteService ?? ''} ${slowest.dimensions.RemoteOperation ?? ''}`.trim();
        results.push({
          Auditor: LOCAL_AUDITOR,
          Description: `Local approximation: the dependency of ${operation} with the highest average latency in the window is ${remote} (${slowest.average.toFixed(0)} ms).`,
          Data: { remoteService: slowest.dimensions.RemoteService ?? '', averageMs: slowest.average.toFixed(1) },
          Severity: 'MEDIUM',
        });
      }
      return [
        {
          KeyAttributes: { Type: 'Service', Name: target.name, Environment: target.environment },
          Operation: operation,
          Type: 'LocalApproximation',
          AuditorResults: results,
        },
      ];
    });
  };

  return [
    {
      method: 'POST',
      path: '/auditFindings',
      operation: 'ListAuditFindings',
      handler: ({ query, body }: RestRequest): ListAuditFindingsOutput => {
        const start = query.get('StartTime');
        const end = query.get('EndTime');
        if (!start || !end) throw validationError('StartTime and EndTime are required.');
        const from = wireTimeToSeconds(start);
        const to = wireTimeToSeconds(end);
        if (Number.isNaN(from) || Number.isNaN(to)) throw validationError('StartTime and EndTime must be timestamps.');
        if (to <= from) throw validationError('EndTime must be after StartTime.');
        const input = (body ?? {}) as ListAuditFindingsInput;
        const findings = targetsOf(input.AuditTargets).flatMap((target) => findingsFor(target, from, to));
        const paging = new URLSearchParams({
          ...(input.MaxResults !== undefined ? { MaxResults: String(input.MaxResults) } : {}),
          ...(input.NextToken ? { NextToken: input.NextToken } : {}),
        });
        const { items, NextToken } = page(findings, paging);
        return {
          StartTime: new Date(from * 1000),
          EndTime: new Date(to * 1000),
          AuditFindings: items,
          ...(NextToken ? { NextToken } : {}),
        };
      },
    },
  ];
}
