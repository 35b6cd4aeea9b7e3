import {
  ApplicationSignalsClient,
  GetServiceCommand,
  ListServiceDependenciesCommand,
  ListServiceOperationsCommand,
  ListServicesCommand,
  ValidationException,
} from '@aws-sdk/client-application-signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelemetryPipeline } from '../../telemetry/pipeline';
import { SpanKind, StatusCode, type Span } from '../../telemetry/otlp';
import type { AwsEndpoint } from '../endpoint';
import { startTestEndpoint } from '../test-endpoint';
import { applicationSignalsService } from './provider';

/** local-cloud's Application Signals, driven by the real @aws-sdk/client-application-signals. */
const ENV = 'local:ts';
const NOW = Date.now();
let endpoint: AwsEndpoint;
let client: ApplicationSignalsClient;

function spans(): Span[] {
  const base = { traceId: 'b'.repeat(32), startMs: NOW - 60_000, endMs: NOW - 59_990, statusCode: StatusCode.UNSET };
  return [
    {
      ...base,
      spanId: '1'.repeat(16),
      service: 'ts-order-api',
      kind: SpanKind.SERVER,
      name: 'POST /api/orders',
      attributes: { 'http.request.method': 'POST', 'http.route': '/api/orders', 'http.response.status_code': 200 },
    },
    {
      ...base,
      spanId: '2'.repeat(16),
      parentSpanId: '1'.repeat(16),
      service: 'ts-order-api',
      kind: SpanKind.CLIENT,
      name: 'POST',
      attributes: {
        'http.request.method': 'POST',
        'server.address': '127.0.0.1',
        'server.port': 5000,
        'url.full': 'http://127.0.0.1:5000/api/delivery',
        'http.response.status_code': 200,
      },
    },
    {
      ...base,
      spanId: '3'.repeat(16),
      parentSpanId: '2'.repeat(16),
      service: 'ts-delivery-api',
      kind: SpanKind.SERVER,
      name: 'POST /api/delivery',
      attributes: { 'http.request.method': 'POST', 'http.route': '/api/delivery', 'http.response.status_code': 200 },
    },
    {
      ...base,
      spanId: '4'.repeat(16),
      parentSpanId: '3'.repeat(16),
      service: 'ts-delivery-api',
      kind: SpanKind.CLIENT,
      name: 'INSERT',
      attributes: {
        'db.system.name': 'mysql',
        'db.namespace': 'orders_db',
        'server.address': '127.0.0.1',
        'server.port': 3307,
        'db.query.text': 'INSERT INTO orders VALUES (?)',
      },
    },
    {
      ...base,
      spanId: '5'.repeat(16),
      parentSpanId: '3'.repeat(16),
      service: 'ts-delivery-api',
      kind: SpanKind.CLIENT,
      name: 'SSM.GetParameters',
      attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'SSM', 'rpc.method': 'GetParameters' },
    },
  ];
}

beforeAll(async () => {
  const pipeline = new TelemetryPipeline({
    environment: ENV,
    serviceAt: (_host, port) => (port === 5000 ? 'ts-delivery-api' : undefined),
    retentionSeconds: 3 * 3600,
    maxSeries: 1000,
    maxTraces: 100,
  });
  pipeline.ingest(spans());
  const test = await startTestEndpoint({ restServices: [applicationSignalsService(pipeline.metrics)] });
  endpoint = test.endpoint;
  client = new ApplicationSignalsClient(test.clientConfig);
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

const window = { StartTime: new Date(NOW - 3600_000), EndTime: new Date(NOW) };
const orderKey = { Type: 'Service', Name: 'ts-order-api', Environment: ENV };

describe('StartDiscovery', () => {
  it('answers as AWS does once discovery is on (script 3 calls it)', async () => {
    const { StartDiscoveryCommand } = await import('@aws-sdk/client-application-signals');
    const out = await client.send(new StartDiscoveryCommand({}));
    expect(out.$metadata.httpStatusCode).toBe(200);
  });
});

describe('ListServices', () => {
  it('lists the instrumented services with their service-level metric references, times rounded to the hour', async () => {
    const out = await client.send(new ListServicesCommand(window));
    expect(out.ServiceSummaries?.map((s) => s.KeyAttributes)).toEqual([
      { Type: 'Service', Name: 'ts-delivery-api', Environment: ENV },
      { Type: 'Service', Name: 'ts-order-api', Environment: ENV },
    ]);
    expect(out.StartTime?.getTime()).toBe(Math.floor((NOW - 3600_000) / 3600_000) * 3600_000);
    expect(out.EndTime?.getTime()).toBe(Math.ceil(NOW / 3600_000) * 3600_000);
    expect(out.ServiceSummaries?.[1]?.MetricReferences).toEqual(
      ['Latency', 'Fault', 'Error'].map((name) => ({
        Namespace: 'ApplicationSignals',
        MetricType: name.toUpperCase(),
        MetricName: name,
        Dimensions: [
          { Name: 'Environment', Value: ENV },
          { Name: 'Service', Value: 'ts-order-api' },
        ],
      })),
    );
  });

  it('pages with MaxResults', async () => {
    const first = await client.send(new ListServicesCommand({ ...window, MaxResults: 1 }));
    expect(first.ServiceSummaries).toHaveLength(1);
    const second = await client.send(new ListServicesCommand({ ...window, MaxResults: 1, NextToken: first.NextToken }));
    expect(second.ServiceSummaries?.[0]?.KeyAttributes?.Name).toBe('ts-order-api');
    expect(second.NextToken).toBeUndefined();
  });

  it('lists nothing for a window without data', async () => {
    const out = await client.send(
      new ListServicesCommand({ StartTime: new Date(NOW - 48 * 3600_000), EndTime: new Date(NOW - 24 * 3600_000) }),
    );
    expect(out.ServiceSummaries).toEqual([]);
  });
});

describe('GetService', () => {
  it('returns one service', async () => {
    const out = await client.send(new GetServiceCommand({ ...window, KeyAttributes: orderKey }));
    expect(out.Service?.KeyAttributes).toEqual(orderKey);
    expect(out.Service?.MetricReferences).toHaveLength(3);
  });

  it('answers an unknown service with ValidationException, the one client error the model declares for it', async () => {
    const error = await client
      .send(new GetServiceCommand({ ...window, KeyAttributes: { ...orderKey, Name: 'nope' } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as ValidationException).$metadata.httpStatusCode).toBe(400);
    expect((error as Error).message).toBe('Service nope in local:ts has no data between the given times.');
    // Its operations and dependencies are simply none.
    const operations = await client.send(
      new ListServiceOperationsCommand({ ...window, KeyAttributes: { ...orderKey, Name: 'nope' } }),
    );
    expect(operations.ServiceOperations).toEqual([]);
  });

  it('refuses KeyAttributes without an Environment with ValidationException', async () => {
    const error = await client
      .send(new GetServiceCommand({ ...window, KeyAttributes: { Type: 'Service', Name: 'ts-order-api' } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
  });
});

describe('ListServiceOperations and ListServiceDependencies', () => {
  it('lists operations with operation-level metric references, dimensions by name as AWS lists them', async () => {
    const out = await client.send(new ListServiceOperationsCommand({ ...window, KeyAttributes: orderKey }));
    expect(out.ServiceOperations?.map((o) => o.Name)).toEqual(['POST /api/orders']);
    // The order of the AWS CLI's list-service-operations example: Environment, Operation, Service.
    expect(out.ServiceOperations?.[0]?.MetricReferences?.[0]?.Dimensions).toEqual([
      { Name: 'Environment', Value: ENV },
      { Name: 'Operation', Value: 'POST /api/orders' },
      { Name: 'Service', Value: 'ts-order-api' },
    ]);
  });

  it('lists the Order API -> Delivery API dependency', async () => {
    const out = await client.send(new ListServiceDependenciesCommand({ ...window, KeyAttributes: orderKey }));
    expect(out.ServiceDependencies).toHaveLength(1);
    expect(out.ServiceDependencies?.[0]).toMatchObject({
      OperationName: 'POST /api/orders',
      DependencyKeyAttributes: { Type: 'Service', Name: 'ts-delivery-api', Environment: ENV },
      DependencyOperationName: 'POST /api',
    });
    // The most specific set, dimensions by name, as in the AWS CLI's list-service-dependencies example.
    expect(out.ServiceDependencies?.[0]?.MetricReferences?.[0]?.Dimensions?.map((d) => d.Name)).toEqual([
      'Environment',
      'Operation',
      'RemoteEnvironment',
      'RemoteOperation',
      'RemoteService',
      'Service',
    ]);
  });

  it('lists the Delivery API -> MySQL dependency once, with its resource, and SSM as an AWS service', async () => {
    const out = await client.send(
      new ListServiceDependenciesCommand({ ...window, KeyAttributes: { ...orderKey, Name: 'ts-delivery-api' } }),
    );
    const byName = new Map((out.ServiceDependencies ?? []).map((d) => [d.DependencyKeyAttributes?.Name, d]));
    expect([...byName.keys()].sort()).toEqual(['AWS::SSM', 'mysql']);
    expect(byName.get('mysql')?.DependencyKeyAttributes).toEqual({
      Type: 'RemoteService',
      Name: 'mysql',
      Environment: ENV,
    });
    expect(byName.get('mysql')?.DependencyOperationName).toBe('INSERT');
    expect(byName.get('mysql')?.MetricReferences?.[0]?.Dimensions).toContainEqual({
      Name: 'RemoteResourceIdentifier',
      Value: 'orders_db|127.0.0.1|3307',
    });
    expect(byName.get('AWS::SSM')?.DependencyKeyAttributes).toEqual({ Type: 'AWS::Service', Name: 'AWS::SSM' });
  });

  it('requires StartTime and EndTime', async () => {
    const error = await client.send(new ListServicesCommand({} as never)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
  });
});
