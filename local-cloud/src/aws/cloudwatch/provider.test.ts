import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricStore } from '../../telemetry/metric-store';
import type { AwsEndpoint } from '../endpoint';
import { startTestEndpoint } from '../test-endpoint';
import { cloudWatchService } from './provider';

/** local-cloud's CloudWatch, driven by the real @aws-sdk/client-cloudwatch. */
const NOW = Math.floor(Date.now() / 60_000) * 60_000; // a minute boundary
const order = { Environment: 'local:ts', Service: 'ts-order-api', Operation: 'POST /api/orders' };
let metrics: MetricStore;
let endpoint: AwsEndpoint;
let cloudwatch: CloudWatchClient;

beforeAll(async () => {
  metrics = new MetricStore({ retentionSeconds: 3 * 3600, maxSeries: 100 });
  // Two minutes ago: 60 requests of 10..69 ms, every 10th one a fault; one minute ago: 30 of 100 ms.
  for (let i = 0; i < 60; i++) {
    const at = NOW - 120_000 + i * 1000;
    metrics.record('Latency', order, 10 + i, at);
    metrics.record('Fault', order, i % 10 === 0 ? 1 : 0, at);
    metrics.record('Error', order, 0, at);
  }
  for (let i = 0; i < 30; i++) metrics.record('Latency', order, 100, NOW - 60_000 + i * 1000);
  const test = await startTestEndpoint({ rpcServices: [cloudWatchService(metrics)] });
  endpoint = test.endpoint;
  cloudwatch = new CloudWatchClient(test.clientConfig);
});
afterAll(async () => {
  cloudwatch.destroy();
  await endpoint.close();
});

const query = (id: string, metricName: string, stat: string, period = 60, dimensions = order): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: 'ApplicationSignals',
      MetricName: metricName,
      Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
    },
    Period: period,
    Stat: stat,
  },
});

const window = { StartTime: new Date(NOW - 3600_000), EndTime: new Date(NOW + 60_000) };

describe('GetMetricData', () => {
  it('answers each query in the documented shape, newest first by default', async () => {
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        ...window,
        MetricDataQueries: [
          query('count', 'Latency', 'SampleCount'),
          query('p99', 'Latency', 'p99'),
          query('faults', 'Fault', 'Sum'),
        ],
      }),
    );
    expect(out.MetricDataResults).toHaveLength(3);
    const [count, p99, faults] = out.MetricDataResults ?? [];
    expect(count).toMatchObject({ Id: 'count', Label: 'Latency', StatusCode: 'Complete', Values: [30, 60] });
    expect(count?.Timestamps).toEqual([new Date(NOW - 60_000), new Date(NOW - 120_000)]);
    expect(p99?.Values?.[0]).toBeCloseTo(100, 0);
    expect(p99?.Values?.[1]).toBeCloseTo(69, 0);
    expect(faults?.Values).toEqual([6]);
    expect(out.NextToken).toBeUndefined();
  });

  it('honours ScanBy TimestampAscending, a finer period, ReturnData false and a Label', async () => {
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        ...window,
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          { ...query('avg', 'Latency', 'Average', 30), Label: 'mean latency' },
          { ...query('hidden', 'Error', 'Sum'), ReturnData: false },
        ],
      }),
    );
    expect(out.MetricDataResults?.map((r) => r.Id)).toEqual(['avg']);
    expect(out.MetricDataResults?.[0]).toMatchObject({ Label: 'mean latency', Values: [24.5, 54.5, 100] });
    expect(out.MetricDataResults?.[0]?.Timestamps?.[0]).toEqual(new Date(NOW - 120_000));
  });

  it('returns no datapoints for a dimension set that was never recorded (exact match, as CloudWatch)', async () => {
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        ...window,
        MetricDataQueries: [
          query('partial', 'Latency', 'SampleCount', 60, {
            Environment: 'local:ts',
            Service: 'ts-order-api',
          } as typeof order),
        ],
      }),
    );
    expect(out.MetricDataResults?.[0]).toMatchObject({ Values: [], Timestamps: [], StatusCode: 'Complete' });
  });

  it('pages past MaxDatapoints with NextToken and PartialData', async () => {
    const request = {
      ...window,
      MaxDatapoints: 50,
      ScanBy: 'TimestampAscending' as const,
      MetricDataQueries: [query('s', 'Latency', 'SampleCount', 1)],
    };
    const first = await cloudwatch.send(new GetMetricDataCommand(request));
    expect(first.MetricDataResults?.[0]).toMatchObject({ StatusCode: 'PartialData' });
    expect(first.MetricDataResults?.[0]?.Values).toHaveLength(50);
    const second = await cloudwatch.send(new GetMetricDataCommand({ ...request, NextToken: first.NextToken }));
    expect(second.MetricDataResults?.[0]?.Values).toHaveLength(40);
    expect(second.NextToken).toBeUndefined();
  });

  it.each([
    [
      'a period that is not allowed',
      { MetricDataQueries: [query('a', 'Latency', 'Average', 7)] },
      'InvalidParameterValueException',
    ],
    ['an unknown statistic', { MetricDataQueries: [query('a', 'Latency', 'TM99')] }, 'InvalidParameterValueException'],
    ['a bad query id', { MetricDataQueries: [query('A', 'Latency', 'Average')] }, 'InvalidParameterValueException'],
    ['metric math', { MetricDataQueries: [{ Id: 'e', Expression: 'm1 * 2' }] }, 'InvalidParameterValueException'],
    [
      'EndTime before StartTime',
      { MetricDataQueries: [query('a', 'Latency', 'Average')], StartTime: window.EndTime, EndTime: window.StartTime },
      'InvalidParameterValueException',
    ],
  ])('refuses %s with %s', async (_name, input, code) => {
    const error = await cloudwatch.send(new GetMetricDataCommand({ ...window, ...input })).catch((e: unknown) => e);
    expect((error as Error).name).toBe(code);
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
  });
});

describe('ListMetrics', () => {
  it('lists the series, filtered by name and dimensions', async () => {
    const all = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'ApplicationSignals' }));
    expect(all.Metrics?.map((m) => m.MetricName).sort()).toEqual(['Error', 'Fault', 'Latency']);
    const faults = await cloudwatch.send(
      new ListMetricsCommand({
        Namespace: 'ApplicationSignals',
        MetricName: 'Fault',
        Dimensions: [{ Name: 'Operation', Value: 'POST /api/orders' }],
      }),
    );
    expect(faults.Metrics).toEqual([
      {
        Namespace: 'ApplicationSignals',
        MetricName: 'Fault',
        Dimensions: Object.entries(order).map(([Name, Value]) => ({ Name, Value })),
      },
    ]);
    const none = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'AWS/EC2' }));
    expect(none.Metrics).toEqual([]);
  });
});
