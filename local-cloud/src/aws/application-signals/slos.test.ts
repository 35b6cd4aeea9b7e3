import {
  ApplicationSignalsClient,
  BatchGetServiceLevelObjectiveBudgetReportCommand,
  ConflictException,
  CreateServiceLevelObjectiveCommand,
  DeleteServiceLevelObjectiveCommand,
  GetServiceLevelObjectiveCommand,
  ListServiceLevelObjectivesCommand,
  ResourceNotFoundException,
  ValidationException,
  type CreateServiceLevelObjectiveInput,
} from '@aws-sdk/client-application-signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricStore } from '../../telemetry/metric-store';
import type { AwsEndpoint } from '../endpoint';
import { startTestEndpoint } from '../test-endpoint';
import { applicationSignalsService } from './provider';
import { SloStore } from './slos';

/** local-cloud's SLO calls, driven by the real @aws-sdk/client-application-signals. */
const ENV = 'local:ts';
const key = { Type: 'Service', Name: 'ts-order-api', Environment: ENV };
const dims = { Environment: ENV, Service: 'ts-order-api', Operation: 'POST /api/orders' };
const MINUTE = 60_000;
const now = Math.floor(Date.now() / MINUTE) * MINUTE;
let metrics: MetricStore;
let endpoint: AwsEndpoint;
let client: ApplicationSignalsClient;

/** One minute of requests at `minutesAgo` (a completed period): `faults` of `count`, each `latency` ms. */
function minute(minutesAgo: number, count: number, faults: number, latency: number) {
  for (let i = 0; i < count; i++) {
    const at = now - minutesAgo * MINUTE + i * (MINUTE / count);
    metrics.record('Latency', dims, latency, at);
    metrics.record('Fault', dims, i < faults ? 1 : 0, at);
  }
}

const availability = (name: string): CreateServiceLevelObjectiveInput => ({
  Name: name,
  SliConfig: {
    SliMetricConfig: {
      KeyAttributes: key,
      OperationName: 'POST /api/orders',
      MetricType: 'AVAILABILITY',
      PeriodSeconds: 60,
    },
    MetricThreshold: 99,
    ComparisonOperator: 'GreaterThanOrEqualTo',
  },
  Goal: {
    Interval: { RollingInterval: { DurationUnit: 'HOUR', Duration: 1 } },
    AttainmentGoal: 99,
    WarningThreshold: 50,
  },
});

const latency = (name: string): CreateServiceLevelObjectiveInput => ({
  Name: name,
  SliConfig: {
    SliMetricConfig: {
      KeyAttributes: key,
      OperationName: 'POST /api/orders',
      MetricType: 'LATENCY',
      Statistic: 'p99',
      PeriodSeconds: 60,
    },
    MetricThreshold: 2000,
    ComparisonOperator: 'LessThanOrEqualTo',
  },
  Goal: { Interval: { RollingInterval: { DurationUnit: 'HOUR', Duration: 1 } }, AttainmentGoal: 99 },
});

beforeAll(async () => {
  metrics = new MetricStore({ retentionSeconds: 3 * 3600, maxSeries: 100 });
  const test = await startTestEndpoint({
    restServices: [applicationSignalsService(metrics, { store: new SloStore(), region: 'us-east-1' })],
  });
  endpoint = test.endpoint;
  client = new ApplicationSignalsClient(test.clientConfig);
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

describe('CreateServiceLevelObjective / Get / List / Delete', () => {
  it('refuses an SLO on an operation that has reported no metrics, as AWS does, and creates nothing', async () => {
    const error = await client
      .send(new CreateServiceLevelObjectiveCommand(availability('orders-availability')))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toContain('No metrics have been reported for operation "POST /api/orders"');
    const listed = await client.send(new ListServiceLevelObjectivesCommand({ KeyAttributes: key }));
    expect(listed.SloSummaries).toEqual([]);
    // One request long before every interval below: the operation is known, no period has data.
    minute(170, 1, 0, 10);
  });

  it('creates a period-based availability SLO in the documented shape', async () => {
    const { Slo } = await client.send(new CreateServiceLevelObjectiveCommand(availability('orders-availability')));
    expect(Slo).toMatchObject({
      Arn: 'arn:aws:application-signals:us-east-1:000000000000:slo/orders-availability',
      Name: 'orders-availability',
      EvaluationType: 'PeriodBased',
      MetricSourceType: 'ServiceOperation',
      Sli: {
        MetricThreshold: 99,
        ComparisonOperator: 'GreaterThanOrEqualTo',
        SliMetric: { KeyAttributes: key, OperationName: 'POST /api/orders', MetricType: 'AVAILABILITY' },
      },
      Goal: {
        AttainmentGoal: 99,
        WarningThreshold: 50,
        Interval: { RollingInterval: { DurationUnit: 'HOUR', Duration: 1 } },
      },
    });
    expect(Slo?.CreatedTime).toBeInstanceOf(Date);
    expect(Slo?.Sli?.SliMetric?.MetricDataQueries?.map((q) => q.Id)).toEqual(['faults', 'requests', 'availability']);
  });

  it('refuses a second SLO of the same name (409 ConflictException) and a bad name (ValidationException)', async () => {
    await expect(
      client.send(new CreateServiceLevelObjectiveCommand(availability('orders-availability'))),
    ).rejects.toBeInstanceOf(ConflictException);
    await expect(client.send(new CreateServiceLevelObjectiveCommand(availability('-bad-')))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it('gets by name or ARN and lists by service and operation', async () => {
    await client.send(new CreateServiceLevelObjectiveCommand(latency('orders-latency')));
    const byArn = await client.send(
      new GetServiceLevelObjectiveCommand({
        Id: 'arn:aws:application-signals:us-east-1:000000000000:slo/orders-latency',
      }),
    );
    expect(byArn.Slo?.Name).toBe('orders-latency');
    const listed = await client.send(
      new ListServiceLevelObjectivesCommand({ KeyAttributes: key, OperationName: 'POST /api/orders' }),
    );
    expect(listed.SloSummaries?.map((s) => s.Name).sort()).toEqual(['orders-availability', 'orders-latency']);
    const other = await client.send(
      new ListServiceLevelObjectivesCommand({ KeyAttributes: { ...key, Name: 'ts-delivery-api' } }),
    );
    expect(other.SloSummaries).toEqual([]);
    await expect(client.send(new GetServiceLevelObjectiveCommand({ Id: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      ResourceType: 'SLO',
      ResourceId: 'nope',
    });
  });

  it('pages the list with MaxResults and NextToken', async () => {
    const first = await client.send(new ListServiceLevelObjectivesCommand({ KeyAttributes: key, MaxResults: 1 }));
    expect(first.SloSummaries).toHaveLength(1);
    expect(first.NextToken).toBeTruthy();
    const second = await client.send(
      new ListServiceLevelObjectivesCommand({ KeyAttributes: key, MaxResults: 1, NextToken: first.NextToken }),
    );
    expect(second.SloSummaries).toHaveLength(1);
    expect(second.SloSummaries?.[0]?.Name).not.toBe(first.SloSummaries?.[0]?.Name);
  });

  it("takes the model's rules: PeriodSeconds 60 or more, WarningThreshold 50 when not given", async () => {
    const fast = latency('too-fast');
    fast.SliConfig!.SliMetricConfig!.PeriodSeconds = 30;
    await expect(client.send(new CreateServiceLevelObjectiveCommand(fast))).rejects.toBeInstanceOf(ValidationException);
    const { Slo } = await client.send(new CreateServiceLevelObjectiveCommand(latency('default-warning')));
    expect(Slo?.Goal?.WarningThreshold).toBe(50);
    await client.send(new DeleteServiceLevelObjectiveCommand({ Id: 'default-warning' }));
  });
});

describe('BatchGetServiceLevelObjectiveBudgetReport', () => {
  const report = async () => {
    const out = await client.send(
      new BatchGetServiceLevelObjectiveBudgetReportCommand({
        Timestamp: new Date(now),
        SloIds: ['orders-availability', 'orders-latency', 'missing'],
      }),
    );
    return { byName: new Map(out.Reports?.map((r) => [r.Name, r])), errors: out.Errors };
  };

  it('says INSUFFICIENT_DATA before any request in the interval, and names unknown SLOs in Errors', async () => {
    const { byName, errors } = await report();
    expect(byName.get('orders-availability')?.BudgetStatus).toBe('INSUFFICIENT_DATA');
    expect(errors).toEqual([
      {
        Name: 'missing',
        Arn: 'missing',
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: 'SLO missing does not exist.',
      },
    ]);
  });

  it('answers for a Timestamp centuries ahead and a 30-day interval: the range is clamped to the retention', async () => {
    const month = availability('orders-month');
    month.Goal = { Interval: { RollingInterval: { DurationUnit: 'DAY', Duration: 30 } }, AttainmentGoal: 99 };
    month.SliConfig!.SliMetricConfig!.PeriodSeconds = 60;
    await client.send(new CreateServiceLevelObjectiveCommand(month));
    const out = await client.send(
      new BatchGetServiceLevelObjectiveBudgetReportCommand({
        Timestamp: new Date('2400-01-01T00:00:00Z'),
        SloIds: ['orders-month'],
      }),
    );
    expect(out.Reports?.[0]).toMatchObject({ Name: 'orders-month', BudgetStatus: 'INSUFFICIENT_DATA' });
    await client.send(new DeleteServiceLevelObjectiveCommand({ Id: 'orders-month' }));
  });

  it('is OK with full attainment when every period meets the goal', async () => {
    for (let m = 10; m >= 2; m--) minute(m, 30, 0, 40);
    const { byName } = await report();
    expect(byName.get('orders-availability')).toMatchObject({
      BudgetStatus: 'OK',
      Attainment: 100,
      TotalBudgetSeconds: 36,
      BudgetSecondsRemaining: 36,
      EvaluationType: 'PeriodBased',
    });
    expect(byName.get('orders-latency')).toMatchObject({ BudgetStatus: 'OK', Attainment: 100 });
  });

  it('a minute of faults breaches the availability SLO (60 s spent of a 36 s budget) but not the latency one', async () => {
    minute(1, 30, 20, 40);
    const { byName } = await report();
    expect(byName.get('orders-availability')).toMatchObject({ BudgetStatus: 'BREACHED', BudgetSecondsRemaining: -24 });
    expect(byName.get('orders-availability')?.Attainment).toBeCloseTo((59 / 60) * 100, 2);
    expect(byName.get('orders-latency')).toMatchObject({ BudgetStatus: 'OK' });
  });

  it('a minute with p99 above 2 s breaches the latency SLO', async () => {
    minute(5, 10, 0, 6000);
    const { byName } = await report();
    expect(byName.get('orders-latency')).toMatchObject({ BudgetStatus: 'BREACHED', BudgetSecondsRemaining: -24 });
  });

  it('deletes', async () => {
    await client.send(new DeleteServiceLevelObjectiveCommand({ Id: 'orders-latency' }));
    await expect(client.send(new GetServiceLevelObjectiveCommand({ Id: 'orders-latency' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});
