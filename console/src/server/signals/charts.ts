import 'server-only';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ChartView, Marker, SeriesPoint, TimeWindow } from '../../shared/signals';
import type { Discovery } from './discovery';
import { fetchMetrics, pick, type MetricRequest } from './metrics';
import { NotFoundError } from '../errors';

/** Valid CloudWatch periods for high-resolution queries, then multiples of 60. */
const PERIODS = [1, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600];
const MAX_POINTS = 1000;

/**
 * The period for a window: the target's own (5 s local, 60 s on AWS, where Application Signals
 * metrics are standard resolution), coarser only when the window would need over 1000 points.
 */
export function periodFor(from: number, to: number, basePeriod: number): number {
  const seconds = (to - from) / 1000;
  return PERIODS.find((p) => p >= basePeriod && seconds / p <= MAX_POINTS) ?? 3600;
}

export function alignWindow(from: number, to: number, basePeriod: number): TimeWindow {
  const periodSeconds = periodFor(from, to, basePeriod);
  const step = periodSeconds * 1000;
  return { from: Math.floor(from / step) * step, to: Math.ceil(to / step) * step, periodSeconds };
}

/**
 * Latency p50/p99/average, Fault and Error counts and rates, and request volume of a service (or
 * one of its operations) over a window: one GetMetricData call with six queries, built from the
 * metric references Application Signals listed.
 */
export async function chartView(
  deps: {
    cloudwatch: CloudWatchClient;
    discovery: Discovery;
    publishLagSeconds: number;
    basePeriod: number;
    markers: (w: TimeWindow) => Marker[];
    now?: () => number;
  },
  request: { service: string; operation?: string; from: number; to: number },
): Promise<ChartView> {
  const service = await deps.discovery.service(request.service);
  if (!service) throw new NotFoundError(`No service ${request.service} in ${deps.discovery.environment}`);
  let references = service.references;
  if (request.operation) {
    const operation = (await deps.discovery.operations(service)).find((o) => o.name === request.operation);
    if (!operation) throw new NotFoundError(`No operation ${request.operation} on ${request.service}`);
    references = operation.references;
  }
  const window = alignWindow(request.from, request.to, deps.basePeriod);
  const latency = pick(references, 'Latency');
  const fault = pick(references, 'Fault');
  const error = pick(references, 'Error');
  const requests: MetricRequest[] = [
    ...(latency
      ? [
          { key: 'p50', reference: latency, stat: 'p50' },
          { key: 'p99', reference: latency, stat: 'p99' },
          { key: 'avg', reference: latency, stat: 'Average' },
          { key: 'requests', reference: latency, stat: 'SampleCount' },
        ]
      : []),
    ...(fault ? [{ key: 'faults', reference: fault, stat: 'Sum' }] : []),
    ...(error ? [{ key: 'errors', reference: error, stat: 'Sum' }] : []),
  ];
  const fetched = await fetchMetrics(deps.cloudwatch, requests, window);
  const value = (key: string, t: number) => fetched.values.get(key)?.get(t);

  const points: SeriesPoint[] = [];
  const step = window.periodSeconds * 1000;
  let lastDatapoint: number | null = null;
  for (let t = window.from; t < window.to; t += step) {
    const count = value('requests', t) ?? 0;
    const faults = value('faults', t) ?? 0;
    const errors = value('errors', t) ?? 0;
    if (count > 0) lastDatapoint = t;
    points.push({
      t,
      p50: value('p50', t) ?? null,
      p99: value('p99', t) ?? null,
      avg: value('avg', t) ?? null,
      requests: count,
      faults,
      errors,
      faultRate: count > 0 ? faults / count : null,
      errorRate: count > 0 ? errors / count : null,
    });
  }
  const requestsTotal = points.reduce((n, p) => n + p.requests, 0);
  const faultsTotal = points.reduce((n, p) => n + p.faults, 0);
  const errorsTotal = points.reduce((n, p) => n + p.errors, 0);
  const p99s = points.flatMap((p) => (p.p99 === null ? [] : [p.p99]));
  const now = deps.now?.() ?? Date.now();
  return {
    service: request.service,
    operation: request.operation ?? null,
    window,
    points,
    totals: {
      requests: requestsTotal,
      faults: faultsTotal,
      errors: errorsTotal,
      faultRate: requestsTotal > 0 ? faultsTotal / requestsTotal : null,
      errorRate: requestsTotal > 0 ? errorsTotal / requestsTotal : null,
      p99: p99s.length > 0 ? Math.max(...p99s) : null,
    },
    freshness: {
      lastDatapoint,
      ageSeconds: lastDatapoint === null ? null : Math.max(0, Math.round((now - (lastDatapoint + step)) / 1000)),
      publishLagSeconds: deps.publishLagSeconds,
    },
    markers: deps.markers(window),
    cost: { calls: fetched.calls, metrics: fetched.metrics },
  };
}
