import {
  ApplicationSignalsClient,
  ListAuditFindingsCommand,
  ValidationException,
} from '@aws-sdk/client-application-signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricStore } from '../../telemetry/metric-store';
import type { AwsEndpoint } from '../endpoint';
import { startTestEndpoint } from '../test-endpoint';
import { FAULT_RATE_THRESHOLD, LOCAL_AUDITOR } from './audit-findings';
import { applicationSignalsService } from './provider';

/** local-cloud's ListAuditFindings rule, driven by the real @aws-sdk/client-application-signals. */
const ENV = 'local:ts';
// The start of a whole minute, ten minutes ago: the faulty minute below is that one.
const MINUTE = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
const metrics = new MetricStore({ retentionSeconds: 3 * 3600, maxSeries: 1000 });
let endpoint: AwsEndpoint;
let client: ApplicationSignalsClient;

const orders = { Environment: ENV, Service: 'ts-order-api', Operation: 'POST /api/orders' };
const list = { Environment: ENV, Service: 'ts-order-api', Operation: 'GET /api/orders' };
const remote = (service: string, operation: string) => ({
  ...orders,
  RemoteEnvironment: ENV,
  RemoteService: service,
  RemoteOperation: operation,
});

/** `count` requests of an operation in the minute, `faults` of them faults, each taking `ms`. */
function requests(dimensions: Record<string, string>, minute: number, count: number, faults: number, ms: number) {
  for (let i = 0; i < count; i++) {
    const at = minute + (i % 60) * 1000;
    metrics.record('Latency', dimensions, ms, at);
    metrics.record('Fault', dimensions, i < faults ? 1 : 0, at);
    metrics.record('Error', dimensions, 0, at);
  }
}

beforeAll(async () => {
  // POST /api/orders: a clean minute, then a minute with 30 of 100 requests failing.
  requests(orders, MINUTE - 60_000, 100, 0, 20);
  requests(orders, MINUTE, 100, 30, 900);
  // Its two dependencies: the Delivery API slow, SSM quick.
  requests(remote('ts-delivery-api', 'POST /api/delivery'), MINUTE, 100, 30, 850);
  requests(remote('AWS::SSM', 'GetParameters'), MINUTE, 10, 0, 12);
  // GET /api/orders: one fault in 200, under the threshold.
  requests(list, MINUTE, 200, 1, 5);
  const test = await startTestEndpoint({ restServices: [applicationSignalsService(metrics)] });
  endpoint = test.endpoint;
  client = new ApplicationSignalsClient(test.clientConfig);
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

const window = { StartTime: new Date(MINUTE - 5 * 60_000), EndTime: new Date(MINUTE + 5 * 60_000) };
const service = (name: string) => ({
  Type: 'service',
  Data: { Service: { Type: 'Service', Name: name, Environment: ENV } },
});

describe('ListAuditFindings (local approximation)', () => {
  it('finds the operation whose worst minute crossed the threshold, and its slowest dependency, labelled as local', async () => {
    const out = await client.send(new ListAuditFindingsCommand({ ...window, AuditTargets: [service('ts-order-api')] }));
    expect(out.AuditFindings).toHaveLength(1);
    const finding = out.AuditFindings?.[0];
    expect(finding).toMatchObject({
      KeyAttributes: { Type: 'Service', Name: 'ts-order-api', Environment: ENV },
      Operation: 'POST /api/orders',
      Type: 'LocalApproximation',
    });
    const [fault, dependency] = finding?.AuditorResults ?? [];
    expect(fault).toMatchObject({ Auditor: LOCAL_AUDITOR, Severity: 'CRITICAL' });
    expect(fault?.Description).toContain('Local approximation');
    expect(fault?.Description).toContain('30.0 % (30 of 100 requests)');
    expect(fault?.Data).toMatchObject({ minute: new Date(MINUTE).toISOString(), faults: '30', requests: '100' });
    expect(dependency).toMatchObject({ Auditor: LOCAL_AUDITOR, Severity: 'MEDIUM' });
    expect(dependency?.Description).toContain('ts-delivery-api POST /api/delivery (850 ms)');
  });

  it('a window without the faulty minute, an operation under the threshold, or another service: no finding', async () => {
    const before = { StartTime: new Date(MINUTE - 5 * 60_000), EndTime: new Date(MINUTE) };
    expect(
      (await client.send(new ListAuditFindingsCommand({ ...before, AuditTargets: [service('ts-order-api')] })))
        .AuditFindings,
    ).toEqual([]);
    const getOnly = await client.send(
      new ListAuditFindingsCommand({
        ...window,
        AuditTargets: [
          {
            Type: 'service_operation',
            Data: {
              ServiceOperation: {
                Service: { Type: 'Service', Name: 'ts-order-api', Environment: ENV },
                Operation: 'GET /api/orders',
                MetricType: 'AVAILABILITY',
              },
            },
          },
        ],
      }),
    );
    // 1 in 200 is 0.5 %: under the 1 % an availability SLO of 99 % allows.
    expect(FAULT_RATE_THRESHOLD).toBe(0.01);
    expect(getOnly.AuditFindings).toEqual([]);
    expect(
      (await client.send(new ListAuditFindingsCommand({ ...window, AuditTargets: [service('ts-delivery-api')] })))
        .AuditFindings,
    ).toEqual([]);
  });

  it('refuses a request without targets, or with an end before its start (ValidationException)', async () => {
    await expect(client.send(new ListAuditFindingsCommand({ ...window, AuditTargets: [] }))).rejects.toBeInstanceOf(
      ValidationException,
    );
    await expect(
      client.send(
        new ListAuditFindingsCommand({
          StartTime: window.EndTime,
          EndTime: window.StartTime,
          AuditTargets: [service('ts-order-api')],
        }),
      ),
    ).rejects.toThrow('EndTime must be after StartTime');
  });
});
