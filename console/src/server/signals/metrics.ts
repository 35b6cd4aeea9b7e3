import 'server-only';
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { MetricReference } from '@aws-sdk/client-application-signals';
import type { Totals } from '../../shared/signals';

/** One metric statistic to fetch, named by the caller. */
export interface MetricRequest {
  key: string;
  reference: MetricReference;
  stat: string;
}

export interface Fetched {
  /** key -> (period start epoch ms -> value) */
  values: Map<string, Map<number, number>>;
  calls: number;
  metrics: number;
}

const MAX_QUERIES_PER_CALL = 500;

/** The reference of one metric (Latency, Fault or Error) out of a MetricReferences list. */
export function pick(
  references: MetricReference[],
  metricName: 'Latency' | 'Fault' | 'Error',
): MetricReference | undefined {
  return references.find((r) => r.MetricName === metricName);
}

/** The four statistics a table row needs, keyed `<prefix>:<name>`. */
export function rowRequests(prefix: string, references: MetricReference[]): MetricRequest[] {
  const latency = pick(references, 'Latency');
  const fault = pick(references, 'Fault');
  const error = pick(references, 'Error');
  return [
    ...(latency
      ? [
          { key: `${prefix}:p99`, reference: latency, stat: 'p99' },
          { key: `${prefix}:requests`, reference: latency, stat: 'SampleCount' },
        ]
      : []),
    ...(fault ? [{ key: `${prefix}:faults`, reference: fault, stat: 'Sum' }] : []),
    ...(error ? [{ key: `${prefix}:errors`, reference: error, stat: 'Sum' }] : []),
  ];
}

/** Sums the counts and takes the worst period's p99 of a row fetched with rowRequests. */
export function rowTotals(fetched: Fetched, prefix: string): Totals {
  const sum = (name: string) =>
    [...(fetched.values.get(`${prefix}:${name}`)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const p99s = [...(fetched.values.get(`${prefix}:p99`)?.values() ?? [])];
  const requests = sum('requests');
  const faults = sum('faults');
  const errors = sum('errors');
  return {
    requests,
    faults,
    errors,
    faultRate: requests > 0 ? faults / requests : null,
    errorRate: requests > 0 ? errors / requests : null,
    p99: p99s.length > 0 ? Math.max(...p99s) : null,
  };
}

export function addTotals(a: Totals, b: Totals): Totals {
  const requests = a.requests + b.requests;
  const faults = a.faults + b.faults;
  const errors = a.errors + b.errors;
  const p99s = [a.p99, b.p99].filter((v): v is number => v !== null);
  return {
    requests,
    faults,
    errors,
    faultRate: requests > 0 ? faults / requests : null,
    errorRate: requests > 0 ? errors / requests : null,
    p99: p99s.length > 0 ? Math.max(...p99s) : null,
  };
}

export const EMPTY_TOTALS: Totals = { requests: 0, faults: 0, errors: 0, faultRate: null, errorRate: null, p99: null };

/**
 * Fetches every request in as few GetMetricData calls as possible (500 queries each, paging with
 * NextToken), for one window and period, built from the exact metric references discovery gave.
 */
export async function fetchMetrics(
  cloudwatch: CloudWatchClient,
  requests: MetricRequest[],
  window: { from: number; to: number; periodSeconds: number },
): Promise<Fetched> {
  const values = new Map<string, Map<number, number>>();
  let calls = 0;
  for (let offset = 0; offset < requests.length; offset += MAX_QUERIES_PER_CALL) {
    const batch = requests.slice(offset, offset + MAX_QUERIES_PER_CALL);
    const queries: MetricDataQuery[] = batch.map((request, i) => ({
      Id: `q${i}`,
      MetricStat: {
        Metric: {
          Namespace: request.reference.Namespace,
          MetricName: request.reference.MetricName,
          Dimensions: request.reference.Dimensions,
        },
        Period: window.periodSeconds,
        Stat: request.stat,
      },
      ReturnData: true,
    }));
    let token: string | undefined;
    do {
      const out = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(window.from),
          EndTime: new Date(window.to),
          MetricDataQueries: queries,
          ScanBy: 'TimestampAscending',
          ...(token ? { NextToken: token } : {}),
        }),
      );
      calls++;
      for (const result of out.MetricDataResults ?? []) {
        const key = batch[Number(result.Id?.slice(1))]?.key;
        if (!key) continue;
        const series = values.get(key) ?? new Map<number, number>();
        (result.Timestamps ?? []).forEach((t, i) => {
          const value = result.Values?.[i];
          if (value !== undefined) series.set(new Date(t).getTime(), value);
        });
        values.set(key, series);
      }
      token = out.NextToken;
    } while (token);
  }
  return { values, calls, metrics: requests.length };
}
