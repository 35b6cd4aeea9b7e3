import {
  ApplicationSignalsClient,
  BatchGetServiceLevelObjectiveBudgetReportCommand,
  ListEntityEventsCommand,
  ListServiceLevelObjectivesCommand,
  ListServiceOperationsCommand,
  ListServicesCommand,
} from '@aws-sdk/client-application-signals';
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appNames } from '@demo/contracts';
import { applicationSignalsService } from '../local-cloud/src/aws/application-signals/provider';
import { SloStore } from '../local-cloud/src/aws/application-signals/slos';
import { cloudWatchService } from '../local-cloud/src/aws/cloudwatch/provider';
import { startAwsEndpoint, type AwsEndpoint } from '../local-cloud/src/aws/endpoint';
import { MetricStore } from '../local-cloud/src/telemetry/metric-store';
import { AuditLog } from '../console/src/server/audit';
import { BurstManager } from '../console/src/server/bursts/manager';
import { openDatabase } from '../console/src/server/db';
import type { OrderApi } from '../console/src/server/order-api';
import { RunStore } from '../console/src/server/runbook/store';
import { Signals } from '../console/src/server/signals';
import type { Target } from '../console/src/server/target';

/**
 * The console's signals module is the same code for both targets. Here it runs twice over the same
 * three minutes of POST /api/orders: once against local-cloud through the real SDK clients, once
 * against AWS-shaped responses (from the AWS API reference: an EKS environment, AttributeMaps,
 * MetricReferences, GetMetricData results, a budget report) served by aws-sdk-client-mock. Both
 * must produce the same chart structure, and the AWS one the numbers of its responses.
 */
const MINUTE = 60_000;
const T = Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE; // three completed minutes: T, T+1m, T+2m
const window = { from: T, to: T + 3 * MINUTE };
const names = appNames('ts');

// What each of the three minutes held: requests, faults, errors, latencies (ms).
const minutes = [
  { requests: 60, faults: 0, errors: 3, latency: (i: number) => 20 + (i % 10) },
  { requests: 40, faults: 10, errors: 0, latency: (i: number) => (i < 10 ? 5000 : 30) },
  { requests: 50, faults: 0, errors: 1, latency: () => 25 },
];

function history() {
  const db = openDatabase(':memory:');
  const audit = new AuditLog(db);
  return {
    runs: new RunStore(db),
    bursts: new BurstManager(db, audit, {} as OrderApi, { maxRate: 1, maxDurationSeconds: 1, maxInFlight: 1 }),
    audit,
  };
}

function target(kind: 'local' | 'aws', environment: string): Target {
  return {
    kind,
    prefix: 'ts',
    region: 'us-east-1',
    namespace: 'default',
    environment,
    basePeriodSeconds: 60,
    publishLagSeconds: kind === 'aws' ? 180 : 2,
    sources: {},
  };
}

/** Every value replaced by its type: what "the same structure" means. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return value === null ? 'null' : typeof value;
}

let endpoint: AwsEndpoint;
let local: Signals;
let localClients: { signals: ApplicationSignalsClient; cloudwatch: CloudWatchClient };

beforeAll(async () => {
  const metrics = new MetricStore({ retentionSeconds: 3 * 3600, maxSeries: 100 });
  const dims = { Environment: 'local:ts', Service: names.orderApi };
  minutes.forEach((m, index) => {
    for (let i = 0; i < m.requests; i++) {
      const at = T + index * MINUTE + i * (MINUTE / m.requests);
      for (const d of [dims, { ...dims, Operation: 'POST /api/orders' }]) {
        metrics.record('Latency', d, m.latency(i), at);
        metrics.record('Fault', d, i < m.faults ? 1 : 0, at);
        metrics.record('Error', d, i < m.errors ? 1 : 0, at);
      }
    }
  });
  endpoint = await startAwsEndpoint({
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    host: '127.0.0.1',
    port: 0,
    rpcServices: [cloudWatchService(metrics)],
    restServices: [applicationSignalsService(metrics, { store: new SloStore(), region: 'us-east-1' })],
    logger: pino({ level: 'silent' }),
  });
  const config = {
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  };
  localClients = { signals: new ApplicationSignalsClient(config), cloudwatch: new CloudWatchClient(config) };
  local = new Signals(localClients, target('local', 'local:ts'), names, history());
});

afterAll(async () => {
  localClients.signals.destroy();
  localClients.cloudwatch.destroy();
  await endpoint.close();
});

// --- AWS-shaped responses ---------------------------------------------------------------------
const ENV = 'eks:ts-eks-demo/default';
const reference = (name: 'Latency' | 'Fault' | 'Error', operation?: string) => ({
  Namespace: 'ApplicationSignals',
  MetricType: name.toUpperCase(),
  MetricName: name,
  Dimensions: [
    { Name: 'Environment', Value: ENV },
    { Name: 'Service', Value: names.orderApi },
    ...(operation ? [{ Name: 'Operation', Value: operation }] : []),
  ],
  AccountId: '123456789012',
});
const listServices = {
  StartTime: new Date(T - 3600_000),
  EndTime: new Date(T + 3600_000),
  ServiceSummaries: [
    {
      KeyAttributes: { Type: 'Service', Name: names.orderApi, Environment: ENV },
      AttributeMaps: [
        {
          PlatformType: 'AWS::EKS',
          'EKS.Cluster': 'ts-eks-demo',
          'K8s.Namespace': 'default',
          'K8s.Workload': names.orderApi,
          'Telemetry.SDK': 'opentelemetry,1.30.0,nodejs,Auto',
          'Telemetry.Agent': 'CWAgent/1.300050',
        },
      ],
      MetricReferences: [reference('Latency'), reference('Fault'), reference('Error')],
    },
  ],
};
const listOperations = {
  StartTime: new Date(T - 3600_000),
  EndTime: new Date(T + 3600_000),
  ServiceOperations: [
    {
      Name: 'POST /api/orders',
      MetricReferences: [
        reference('Latency', 'POST /api/orders'),
        reference('Fault', 'POST /api/orders'),
        reference('Error', 'POST /api/orders'),
      ],
    },
  ],
};
/** GetMetricData per statistic, as AWS answers it (Timestamps are period starts). */
const awsValues: Record<string, number[]> = {
  p50: [24.5, 30, 25],
  p99: [29.2, 5000.1, 25],
  Average: [24.5, 1267.5, 25],
  SampleCount: [60, 40, 50],
  'Fault:Sum': [0, 10, 0],
  'Error:Sum': [3, 0, 1],
};

describe('the signals module on both targets', () => {
  it('yields the same chart structure from local-cloud and from AWS-shaped responses, with the AWS numbers', async () => {
    const localView = await local.chart({ service: names.orderApi, operation: 'POST /api/orders', ...window });

    // Mock these instances only: mocking the classes would also answer for the local clients.
    const awsClients = {
      signals: new ApplicationSignalsClient({ region: 'us-east-1' }),
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
    };
    const signalsMock = mockClient(awsClients.signals);
    const cloudwatchMock = mockClient(awsClients.cloudwatch);
    signalsMock
      .on(ListServicesCommand)
      .resolves(listServices)
      .on(ListServiceOperationsCommand)
      .resolves(listOperations)
      // As the AWS CLI's list-entity-events example shows a deployment of an EKS workload.
      .on(ListEntityEventsCommand)
      .resolves({
        StartTime: new Date(T - 3600_000),
        EndTime: new Date(T + 3600_000),
        ChangeEvents: [
          {
            Timestamp: new Date(T + MINUTE + 30_000),
            AccountId: '123456789012',
            Region: 'us-east-1',
            Entity: { Type: 'Service', Name: names.orderApi, Environment: ENV },
            ChangeEventType: 'DEPLOYMENT',
            EventId: 'b9a6ac4e-0000-4000-8000-000000000000',
            UserName: 'presenter',
            EventName: 'UpdateDeployment',
          },
        ],
      });
    cloudwatchMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataInput) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((q) => {
        const stat = q.MetricStat?.Stat ?? '';
        const values = awsValues[stat] ?? awsValues[`${q.MetricStat?.Metric?.MetricName}:${stat}`] ?? [];
        return {
          Id: q.Id,
          Label: q.MetricStat?.Metric?.MetricName,
          Timestamps: values.map((_, i) => new Date(T + i * MINUTE)),
          Values: values,
          StatusCode: 'Complete',
        };
      }),
      Messages: [],
    }));
    try {
      const aws = new Signals(awsClients, target('aws', ENV), names, history());
      const awsView = await aws.chart({ service: names.orderApi, operation: 'POST /api/orders', ...window });

      expect(shape({ ...awsView, markers: [] })).toEqual(shape({ ...localView, markers: [] }));
      // Application Signals' own change events become markers beside the console's.
      expect(awsView.markers.map((m) => [m.kind, m.label, m.t, m.detail])).toEqual([
        [
          'deployment',
          'deploy',
          T + MINUTE + 30_000,
          'Application Signals: deployment (UpdateDeployment by presenter)',
        ],
      ]);
      expect(signalsMock.commandCalls(ListEntityEventsCommand)[0]?.args[0].input.Entity).toEqual({
        Type: 'Service',
        Name: names.orderApi,
        Environment: ENV,
      });
      expect(awsView.window).toEqual(localView.window);
      expect(awsView.points.map((p) => p.t)).toEqual(localView.points.map((p) => p.t));
      // The same facts from both: request and fault counts per minute.
      expect(awsView.points.map((p) => [p.requests, p.faults, p.errors])).toEqual(
        localView.points.map((p) => [p.requests, p.faults, p.errors]),
      );
      expect(awsView.totals).toEqual({
        requests: 150,
        faults: 10,
        errors: 4,
        faultRate: 10 / 150,
        errorRate: 4 / 150,
        p99: 5000.1,
      });
      expect(awsView.points[1]).toMatchObject({ p99: 5000.1, faultRate: 0.25, errorRate: 0 });
      expect(awsView.freshness).toMatchObject({ lastDatapoint: T + 2 * MINUTE, publishLagSeconds: 180 });
      // One refresh of a chart is one GetMetricData call of six metrics, on either target.
      expect(awsView.cost).toEqual({ calls: 1, metrics: 6 });
      expect(localView.cost).toEqual({ calls: 1, metrics: 6 });
      const calls = cloudwatchMock.commandCalls(GetMetricDataCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.args[0].input.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions).toEqual(
        reference('Latency', 'POST /api/orders').Dimensions,
      );
    } finally {
      signalsMock.restore();
      cloudwatchMock.restore();
    }
  });

  it("reads SLO status from an AWS budget report the same way it reads local-cloud's", async () => {
    const awsClients = {
      signals: new ApplicationSignalsClient({ region: 'us-east-1' }),
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
    };
    const signalsMock = mockClient(awsClients.signals);
    const arn = (name: string) => `arn:aws:application-signals:us-east-1:123456789012:slo/${name}`;
    signalsMock.on(ListServiceLevelObjectivesCommand).resolves({
      SloSummaries: ['ts-orders-availability', 'ts-orders-p99-latency'].map((name) => ({
        Arn: arn(name),
        Name: name,
        OperationName: 'POST /api/orders',
        CreatedTime: new Date(T),
      })),
    });
    signalsMock.on(BatchGetServiceLevelObjectiveBudgetReportCommand).resolves({
      Timestamp: new Date(T),
      Reports: [
        {
          Arn: arn('ts-orders-availability'),
          Name: 'ts-orders-availability',
          EvaluationType: 'PeriodBased',
          BudgetStatus: 'BREACHED',
          Attainment: 98.333,
          TotalBudgetSeconds: 36,
          BudgetSecondsRemaining: -24,
        },
        {
          Arn: arn('ts-orders-p99-latency'),
          Name: 'ts-orders-p99-latency',
          EvaluationType: 'PeriodBased',
          BudgetStatus: 'OK',
          Attainment: 100,
          TotalBudgetSeconds: 36,
          BudgetSecondsRemaining: 36,
        },
      ],
      Errors: [],
    });
    try {
      const aws = new Signals(awsClients, target('aws', ENV), names, history());
      const rows = await aws.slos.report(new Date(T));
      expect(rows.map((r) => [r.name, r.status, r.attainment, r.budgetSecondsRemaining])).toEqual([
        ['ts-orders-availability', 'BREACHED', 98.333, -24],
        ['ts-orders-p99-latency', 'OK', 100, 36],
      ]);
      const localRows = await (async () => {
        await local.slos.ensure();
        return local.slos.report(new Date(T + 3 * MINUTE));
      })();
      expect(shape(localRows)).toEqual(shape(rows));
      // The minute with 10 faults in 40 requests (75 % available) breaches the local availability SLO too.
      expect(localRows[0]?.status).toBe('BREACHED');
      expect(localRows[1]?.status).toBe('BREACHED'); // and its p99 of 5 s the latency one
    } finally {
      signalsMock.restore();
    }
  });
});

describe('SLOs before any traffic', () => {
  it('are refused by Application Signals, and the console says so as a 409 that creates nothing', async () => {
    const empty = await startAwsEndpoint({
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      host: '127.0.0.1',
      port: 0,
      rpcServices: [cloudWatchService(new MetricStore({ retentionSeconds: 3600, maxSeries: 10 }))],
      restServices: [
        applicationSignalsService(new MetricStore({ retentionSeconds: 3600, maxSeries: 10 }), {
          store: new SloStore(),
          region: 'us-east-1',
        }),
      ],
      logger: pino({ level: 'silent' }),
    });
    const config = {
      endpoint: empty.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    };
    const clients = { signals: new ApplicationSignalsClient(config), cloudwatch: new CloudWatchClient(config) };
    try {
      const fresh = new Signals(clients, target('local', 'local:ts'), names, history());
      const refusal = (await fresh.slos.ensure().catch((error: unknown) => error)) as {
        status?: number;
        message?: string;
      };
      expect(refusal.status).toBe(409);
      expect(refusal.message).toContain('No metrics have been reported for operation "POST /api/orders"');
      expect((await fresh.slos.report()).map((row) => row.arn)).toEqual(['', '']);
    } finally {
      clients.signals.destroy();
      clients.cloudwatch.destroy();
      await empty.close();
    }
  });
});
