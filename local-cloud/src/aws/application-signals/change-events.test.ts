import {
  ApplicationSignalsClient,
  ListEntityEventsCommand,
  ListServiceStatesCommand,
  ValidationException,
} from '@aws-sdk/client-application-signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricStore } from '../../telemetry/metric-store';
import type { AwsEndpoint } from '../endpoint';
import { startTestEndpoint } from '../test-endpoint';
import { ChangeEventLog } from './change-events';
import { applicationSignalsService } from './provider';

/** ListServiceStates and ListEntityEvents, driven by the real @aws-sdk/client-application-signals. */
const ENV = 'local:ts';
const T = Date.UTC(2026, 11, 2, 10, 0, 0);
const delivery = { Type: 'Service' as const, Name: 'ts-delivery-api', Environment: ENV };
const order = { Type: 'Service' as const, Name: 'ts-order-api', Environment: ENV };
let endpoint: AwsEndpoint;
let client: ApplicationSignalsClient;

beforeAll(async () => {
  const log = new ChangeEventLog('us-east-1');
  log.record({
    type: 'CONFIGURATION',
    service: delivery,
    eventName: 'PutParameter',
    userName: 'local-cloud',
    at: new Date(T),
  });
  log.record({
    type: 'DEPLOYMENT',
    service: delivery,
    eventName: 'PatchDeployment',
    userName: 'kubeconfig-user',
    at: new Date(T + 1000),
  });
  log.record({
    type: 'DEPLOYMENT',
    service: order,
    eventName: 'PatchDeployment',
    userName: 'kubeconfig-user',
    at: new Date(T + 2000),
  });
  log.record({
    type: 'DEPLOYMENT',
    service: delivery,
    eventName: 'PatchDeployment',
    userName: 'kubeconfig-user',
    at: new Date(T + 3000),
  });
  const test = await startTestEndpoint({
    restServices: [applicationSignalsService(new MetricStore({ retentionSeconds: 60, maxSeries: 1 }), undefined, log)],
  });
  endpoint = test.endpoint;
  client = new ApplicationSignalsClient(test.clientConfig);
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

describe('ListEntityEvents', () => {
  it("lists one service's changes in the window, newest first, in the model's shape", async () => {
    const out = await client.send(
      new ListEntityEventsCommand({ Entity: delivery, StartTime: new Date(T - 60_000), EndTime: new Date(T + 60_000) }),
    );
    expect(out.ChangeEvents?.map((e) => [e.ChangeEventType, e.EventName, e.Timestamp?.getTime()])).toEqual([
      ['DEPLOYMENT', 'PatchDeployment', T + 3000],
      ['DEPLOYMENT', 'PatchDeployment', T + 1000],
      ['CONFIGURATION', 'PutParameter', T],
    ]);
    expect(out.ChangeEvents?.[0]).toMatchObject({ AccountId: '000000000000', Region: 'us-east-1', Entity: delivery });
    expect(out.ChangeEvents?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('pages with MaxResults and NextToken, and leaves out what is outside the window', async () => {
    const first = await client.send(
      new ListEntityEventsCommand({
        Entity: delivery,
        StartTime: new Date(T + 500),
        EndTime: new Date(T + 60_000),
        MaxResults: 1,
      }),
    );
    expect(first.ChangeEvents).toHaveLength(1);
    const second = await client.send(
      new ListEntityEventsCommand({
        Entity: delivery,
        StartTime: new Date(T + 500),
        EndTime: new Date(T + 60_000),
        MaxResults: 1,
        NextToken: first.NextToken,
      }),
    );
    expect(second.ChangeEvents?.[0]?.Timestamp?.getTime()).toBe(T + 1000);
    expect(second.NextToken).toBeUndefined();
  });

  it('refuses a window that ends before it starts', async () => {
    await expect(
      client.send(
        new ListEntityEventsCommand({ Entity: delivery, StartTime: new Date(T), EndTime: new Date(T - 1000) }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
  });
});

describe('ListServiceStates', () => {
  it('gives each changed service with its latest change of each type', async () => {
    const out = await client.send(
      new ListServiceStatesCommand({ StartTime: new Date(T - 60_000), EndTime: new Date(T + 60_000) }),
    );
    const byName = new Map(out.ServiceStates?.map((s) => [s.Service?.Name, s]));
    expect([...byName.keys()].sort()).toEqual(['ts-delivery-api', 'ts-order-api']);
    expect(
      byName.get('ts-delivery-api')?.LatestChangeEvents?.map((e) => [e.ChangeEventType, e.Timestamp?.getTime()]),
    ).toEqual([
      ['DEPLOYMENT', T + 3000],
      ['CONFIGURATION', T],
    ]);
  });
});
