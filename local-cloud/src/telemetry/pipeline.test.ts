import { describe, expect, it } from 'vitest';
import { seriesKey } from './metric-store';
import { SpanKind, StatusCode, type Span } from './otlp';
import { TelemetryPipeline } from './pipeline';

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const ENV = 'local:ts';

function pipeline(now = () => T0 + 10_000) {
  return new TelemetryPipeline({
    environment: ENV,
    serviceAt: (host, port) => (host === '127.0.0.1' && port === 5000 ? 'ts-delivery-api' : undefined),
    retentionSeconds: 3600,
    maxSeries: 1000,
    maxTraces: 100,
    now,
  });
}

let nextId = 1;
function span(partial: Partial<Span> & Pick<Span, 'service' | 'kind'>): Span {
  const id = (nextId++).toString(16).padStart(16, '0');
  return {
    traceId: 'a'.repeat(32),
    spanId: id,
    name: 'span',
    startMs: T0,
    endMs: T0 + 20,
    attributes: {},
    statusCode: StatusCode.UNSET,
    ...partial,
  };
}

/** The Delivery API storing an order: its server span and the MySQL INSERT under it. */
function deliveryInsert(): Span[] {
  const server = span({
    service: 'ts-delivery-api',
    kind: SpanKind.SERVER,
    attributes: { 'http.method': 'POST', 'http.route': '/api/delivery', 'http.status_code': 200 },
  });
  const db = span({
    service: 'ts-delivery-api',
    kind: SpanKind.CLIENT,
    parentSpanId: server.spanId,
    attributes: {
      'db.system.name': 'mysql',
      'db.namespace': 'orders_db',
      'server.address': '127.0.0.1',
      'server.port': 3307,
      'db.query.text': 'insert into orders values (?)',
    },
  });
  return [db, server];
}

/** One order: Order API server span -> handler (internal) -> client call to the Delivery API. */
function orderTrace(status = 200) {
  const server = span({
    service: 'ts-order-api',
    kind: SpanKind.SERVER,
    name: 'POST /api/orders',
    endMs: T0 + 30,
    attributes: {
      'http.request.method': 'POST',
      'http.route': '/api/orders',
      'url.path': '/api/orders',
      'http.response.status_code': status,
    },
  });
  const handler = span({ service: 'ts-order-api', kind: SpanKind.INTERNAL, parentSpanId: server.spanId });
  const client = span({
    service: 'ts-order-api',
    kind: SpanKind.CLIENT,
    parentSpanId: handler.spanId,
    startMs: T0 + 5,
    endMs: T0 + 25,
    attributes: {
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'server.port': 5000,
      'url.full': 'http://127.0.0.1:5000/api/delivery',
      'http.response.status_code': status,
    },
  });
  return { server, handler, client };
}

function count(
  p: TelemetryPipeline,
  metric: 'Latency' | 'Fault' | 'Error',
  dims: Record<string, string>,
  stat: 'SampleCount' | 'Sum' = 'SampleCount',
) {
  return p.metrics
    .query(metric, dims, stat, 60, T0 / 1000 - 60, T0 / 1000 + 60)
    .reduce((sum, point) => sum + point.value, 0);
}

describe('span -> Application Signals metrics', () => {
  it('counts a server span at service and operation level', () => {
    const p = pipeline();
    const { server, handler, client } = orderTrace();
    p.ingest([client, handler, server]);
    expect(count(p, 'Latency', { Environment: ENV, Service: 'ts-order-api' })).toBe(1);
    expect(count(p, 'Latency', { Environment: ENV, Service: 'ts-order-api', Operation: 'POST /api/orders' })).toBe(1);
    expect(
      p.metrics.query(
        'Latency',
        { Environment: ENV, Service: 'ts-order-api' },
        'Maximum',
        60,
        T0 / 1000 - 60,
        T0 / 1000 + 60,
      )[0]?.value,
    ).toBe(30);
  });

  it('counts a client span as a dependency under the operation it ran in, naming the remote workload', () => {
    const p = pipeline();
    const { server, handler, client } = orderTrace();
    p.ingest([client, handler, server]);
    const dep = { Environment: ENV, Service: 'ts-order-api', RemoteService: 'ts-delivery-api' };
    expect(count(p, 'Latency', dep)).toBe(1);
    expect(count(p, 'Latency', { ...dep, RemoteOperation: 'POST /api' })).toBe(1);
    expect(count(p, 'Latency', { ...dep, Operation: 'POST /api/orders', RemoteOperation: 'POST /api' })).toBe(1);
  });

  // The sets and their order are those of AWS's own EKS expectations
  // (aws-application-signals-test-framework, expected-data-template/java/eks/remote-service-metric
  // and python/eks/rds-mysql-metric): what ListMetrics returns there.
  const namesOf = (p: TelemetryPipeline, service: string, remote: string) =>
    p.metrics
      .list(0)
      .filter((s) => s.metricName === 'Latency' && (s.dimensions.Service ?? service) === service)
      .filter((s) => s.dimensions.RemoteService === remote)
      .map((s) => Object.keys(s.dimensions).join(','))
      .sort();

  it('emits the dimension sets AWS emits on EKS for a call to another workload, in its order', () => {
    const p = pipeline();
    const { server, handler, client } = orderTrace();
    p.ingest([client, handler, server]);
    expect(namesOf(p, 'ts-order-api', 'ts-delivery-api')).toEqual(
      [
        'Operation,Service,Environment,RemoteOperation,RemoteService',
        'Service,Environment,RemoteService',
        'Service,Environment,RemoteOperation,RemoteService',
        'RemoteService',
        'Environment,RemoteEnvironment,RemoteService,Service',
        'Environment,RemoteEnvironment,RemoteOperation,RemoteService,Service',
        'Environment,RemoteEnvironment,Operation,RemoteOperation,RemoteService,Service',
      ].sort(),
    );
    const remoteEnvironment = p.metrics.list(0).find((s) => s.dimensions.RemoteEnvironment !== undefined);
    expect(remoteEnvironment?.dimensions.RemoteEnvironment).toBe(ENV);
  });

  it('waits for parents that arrive in a later export', () => {
    const p = pipeline();
    const { server, handler, client } = orderTrace();
    p.ingest([client]);
    expect(p.pendingSpans).toBe(1);
    p.ingest([handler, server]);
    expect(p.pendingSpans).toBe(0);
    expect(
      count(p, 'Latency', {
        Environment: ENV,
        Service: 'ts-order-api',
        Operation: 'POST /api/orders',
        RemoteService: 'ts-delivery-api',
        RemoteOperation: 'POST /api',
      }),
    ).toBe(1);
  });

  it('counts a client span whose parents never arrive as InternalOperation', () => {
    let now = T0 + 10_000;
    const p = pipeline(() => now);
    const { client } = orderTrace();
    p.ingest([client]);
    now += 6000;
    p.tick();
    expect(
      count(p, 'Latency', {
        Environment: ENV,
        Service: 'ts-order-api',
        Operation: 'InternalOperation',
        RemoteService: 'ts-delivery-api',
        RemoteOperation: 'POST /api',
      }),
    ).toBe(1);
  });

  it('5xx is a Fault, 4xx an Error, on both sides', () => {
    const p = pipeline();
    for (const status of [503, 422, 200]) {
      const { server, handler, client } = orderTrace(status);
      p.ingest([server, handler, client]);
    }
    const service = { Environment: ENV, Service: 'ts-order-api' };
    expect(count(p, 'Fault', service, 'Sum')).toBe(1);
    expect(count(p, 'Error', service, 'Sum')).toBe(1);
    expect(count(p, 'Fault', service)).toBe(3);
    const dep = { ...service, RemoteService: 'ts-delivery-api' };
    expect(count(p, 'Fault', dep, 'Sum')).toBe(1);
    expect(count(p, 'Error', dep, 'Sum')).toBe(1);
  });

  it('names a MySQL dependency mysql, with its DB::Connection resource', () => {
    const p = pipeline();
    p.ingest(deliveryInsert());
    const base = { Environment: ENV, Service: 'ts-delivery-api', RemoteService: 'mysql' };
    expect(count(p, 'Latency', { ...base, RemoteOperation: 'INSERT' })).toBe(1);
    expect(
      count(p, 'Latency', {
        ...base,
        Operation: 'POST /api/delivery',
        RemoteOperation: 'INSERT',
        RemoteResourceType: 'DB::Connection',
        RemoteResourceIdentifier: 'orders_db|127.0.0.1|3307',
      }),
    ).toBe(1);
  });

  it('emits the dimension sets AWS emits on EKS for a MySQL call, and no RemoteEnvironment or RemoteService-only set', () => {
    const p = pipeline();
    p.ingest(deliveryInsert());
    expect(namesOf(p, 'ts-delivery-api', 'mysql')).toEqual(
      [
        'Operation,Service,Environment,RemoteOperation,RemoteService',
        'Service,Environment,RemoteService',
        'Service,Environment,RemoteOperation,RemoteService',
        'Service,Environment,RemoteService,RemoteResourceType,RemoteResourceIdentifier',
        'Operation,Service,Environment,RemoteOperation,RemoteService,RemoteResourceType,RemoteResourceIdentifier',
        'Service,Environment,RemoteOperation,RemoteService,RemoteResourceType,RemoteResourceIdentifier',
      ].sort(),
    );
  });

  it('counts an AWS SDK call as AWS::<service> and skips the HTTP span nested in it', () => {
    const p = pipeline();
    const server = span({
      service: 'ts-delivery-api',
      kind: SpanKind.SERVER,
      attributes: { 'http.method': 'GET', 'http.route': '/api/delivery/config', 'http.status_code': 200 },
    });
    const sdk = span({
      service: 'ts-delivery-api',
      kind: SpanKind.CLIENT,
      parentSpanId: server.spanId,
      attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'SSM', 'rpc.method': 'GetParameters' },
    });
    const http = span({
      service: 'ts-delivery-api',
      kind: SpanKind.CLIENT,
      parentSpanId: sdk.spanId,
      attributes: { 'http.request.method': 'POST', 'server.address': '127.0.0.1', 'server.port': 4566 },
    });
    p.ingest([http, sdk, server]);
    const keys = p.metrics.list().map((series) => seriesKey(series.metricName, series.dimensions));
    expect(keys).toContain(
      seriesKey('Latency', {
        Environment: ENV,
        Service: 'ts-delivery-api',
        RemoteService: 'AWS::SSM',
        RemoteOperation: 'GetParameters',
      }),
    );
    expect(keys.some((key) => key.includes('127.0.0.1:4566'))).toBe(false);
  });

  it('names an unmatched route by its first path segment', () => {
    const p = pipeline();
    p.ingest([
      span({
        service: 'ts-order-api',
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': 'GET', 'url.path': '/nothing/here', 'http.response.status_code': 404 },
      }),
    ]);
    expect(count(p, 'Error', { Environment: ENV, Service: 'ts-order-api', Operation: 'GET /nothing' }, 'Sum')).toBe(1);
  });

  it('names at most 25 route-less operations per service; later paths count as UnknownOperation', () => {
    const p = pipeline();
    const stray = (i: number) => {
      const server = span({
        service: 'ts-order-api',
        kind: SpanKind.SERVER,
        traceId: i.toString(16).padStart(32, '0'),
        attributes: { 'http.request.method': 'GET', 'url.path': `/stray-${i}/x`, 'http.response.status_code': 404 },
      });
      const client = span({
        service: 'ts-order-api',
        kind: SpanKind.CLIENT,
        traceId: server.traceId,
        parentSpanId: server.spanId,
        attributes: { 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'server.port': 5000 },
      });
      return [server, client];
    };
    for (let i = 0; i < 300; i++) p.ingest(stray(i));
    const operations = new Set(
      p.metrics
        .list()
        .filter(
          (s) => s.metricName === 'Error' && s.dimensions.Service === 'ts-order-api' && !s.dimensions.RemoteService,
        )
        .map((s) => s.dimensions.Operation)
        .filter(Boolean),
    );
    expect(operations.size).toBe(26);
    expect(operations.has('GET /stray-24')).toBe(true);
    expect(operations.has('GET /stray-25')).toBe(false);
    expect(count(p, 'Error', { Environment: ENV, Service: 'ts-order-api', Operation: 'UnknownOperation' }, 'Sum')).toBe(
      275,
    );
    // The client spans under them are counted under the same bounded names.
    const dependencyOperations = new Set(
      p.metrics
        .list()
        .filter((s) => s.dimensions.RemoteService === 'ts-delivery-api' && s.dimensions.Operation)
        .map((s) => s.dimensions.Operation),
    );
    expect([...dependencyOperations].every((o) => operations.has(o))).toBe(true);
    // A real route is always its own operation, however many stray paths came first.
    p.ingest([
      span({
        service: 'ts-order-api',
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': 'GET', 'http.route': '/api/orders', 'http.response.status_code': 200 },
      }),
    ]);
    expect(
      count(p, 'Error', { Environment: ENV, Service: 'ts-order-api', Operation: 'GET /api/orders' }, 'SampleCount'),
    ).toBe(1);
  });

  it('keeps at most 1,000 spans of one trace, and counts the rest as dropped', () => {
    const p = pipeline();
    const spans = Array.from({ length: 5000 }, () => span({ service: 'flood', kind: SpanKind.INTERNAL }));
    p.ingest(spans);
    expect(p.traces.spans('a'.repeat(32))).toHaveLength(1000);
    expect(p.traces.droppedSpans).toBe(4000);
  });

  it('keeps traces searchable by service and operation, newest first', () => {
    const p = pipeline();
    const { server, handler, client } = orderTrace(503);
    p.ingest([server, handler, client]);
    const [summary] = p.traces.search({ service: 'ts-order-api', operation: 'POST /api/orders', limit: 5 });
    expect(summary).toMatchObject({
      service: 'ts-order-api',
      operation: 'POST /api/orders',
      spanCount: 3,
      httpStatus: 503,
      fault: true,
      durationMs: 30,
    });
    expect(p.traces.search({ service: 'ts-delivery-api', limit: 5 })).toEqual([]);
  });

  it('finds a trace by an operation served deeper in it, not only at its root', () => {
    const p = pipeline();
    const { server, client } = orderTrace();
    const delivery = span({
      service: 'ts-delivery-api',
      kind: SpanKind.SERVER,
      parentSpanId: client.spanId,
      attributes: { 'http.request.method': 'POST', 'http.route': '/api/delivery', 'http.response.status_code': 200 },
    });
    p.ingest([server, client, delivery]);
    expect(p.traces.search({ service: 'ts-delivery-api', operation: 'POST /api/delivery', limit: 5 })).toHaveLength(1);
    expect(p.traces.search({ service: 'ts-delivery-api', operation: 'POST /api/orders', limit: 5 })).toHaveLength(0);
    expect(p.traces.search({ operation: 'POST /api/delivery', limit: 5 })).toHaveLength(1);
  });
});
