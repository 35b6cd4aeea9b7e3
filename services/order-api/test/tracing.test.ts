import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  createTestDatabase,
  listenOnFreePort,
  startChildService,
  type TestDatabase,
  startDelivery,
  type RunningDelivery,
} from '@demo/testkit';
import { order } from './helpers';

/**
 * The built Order API under the upstream OpenTelemetry auto-instrumentation, and under
 * local-cloud's slim register that the demo starts it with, exporting OTLP/JSON to a receiver in
 * this test (local-cloud's receiver plays this part in the demo). Both must give the same spans.
 */
const REGISTERS = [
  ['the upstream auto-instrumentation', '@opentelemetry/auto-instrumentations-node/register'],
  ["local-cloud's register", path.resolve(__dirname, '../../../local-cloud/dist/otel-register.js')],
] as const;
interface ExportedSpan {
  traceId: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string } }[];
}

let db: TestDatabase;
let delivery: RunningDelivery;
let receiver: { url: string; server: http.Server };
const spans: ExportedSpan[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject('mysqlUrl'), 'order_tracing');
  delivery = await startDelivery({ db });
  receiver = await listenOnFreePort((port, host, cb) =>
    http
      .createServer((req, res) => {
        let text = '';
        req.on('data', (chunk: Buffer) => (text += chunk.toString()));
        req.on('end', () => {
          if (req.url === '/v1/traces') {
            const body = JSON.parse(text) as { resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[] };
            for (const resource of body.resourceSpans)
              for (const scope of resource.scopeSpans) spans.push(...scope.spans);
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{}');
        });
      })
      .listen(port, host, cb),
  );
});
afterAll(async () => {
  receiver.server.close();
  await delivery.close();
  await db.drop();
});

/** What each register exported for a traced request: kind and name of every span of its trace. */
const shapes: Record<string, string[]> = {};

describe.each(REGISTERS)('tracing under %s', (label, register) => {
  it('answers with the request trace id, exports a route-named server span, and logs the trace id', async () => {
    spans.length = 0;
    const service = await startChildService({
      script: path.resolve(__dirname, '../dist/server.js'),
      cwd: path.resolve(__dirname, '..'),
      nodeArgs: ['--require', register],
      env: {
        DELIVERY_API_URL: delivery.url,
        OTEL_SERVICE_NAME: 'ts-order-api',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
        // What the demo enabled of the upstream one before local-cloud had its own register.
        OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici,express,mysql2,pino,aws-sdk',
      },
      readyPath: '/api/orders/ready',
    });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    try {
      const response = await fetch(`${service.url}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        body: JSON.stringify(order()),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { trace_id: string }).trace_id).toBe(traceId);

      const fresh = await fetch(`${service.url}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(order()),
      });
      const freshId = ((await fresh.json()) as { trace_id: string | null }).trace_id;
      expect(freshId).toMatch(/^[0-9a-f]{32}$/);
      expect(freshId).not.toBe(traceId);

      // Log lines are buffered and reach stdout within a second (service-kit's logger).
      const requestLine = await vi.waitFor(
        () => {
          const line = service.output.find((l) => l.includes('"url":"/api/orders"') && l.includes(traceId));
          if (!line) throw new Error('no request log line with the trace id yet');
          return line;
        },
        { timeout: 3000, interval: 50 },
      );
      expect(JSON.parse(requestLine)).toMatchObject({ trace_id: traceId, status: 200, route: '/api/orders' });
    } finally {
      expect(await service.stop()).toBe(0); // the SDK flushes its spans on the way out
    }
    const server = spans.find((span) => span.traceId === traceId && span.kind === 2);
    expect(server?.name).toBe('POST /api/orders');
    expect(server?.attributes).toContainEqual({ key: 'http.route', value: { stringValue: '/api/orders' } });
    // The call to the Delivery API is a client span of the same trace.
    expect(spans.some((span) => span.traceId === traceId && span.kind === 3)).toBe(true);
    shapes[label] = spans
      .filter((span) => span.traceId === traceId)
      .map((span) => `${span.kind} ${span.name}`)
      .sort();
  });
});

it("local-cloud's register exports the same spans as the upstream auto-instrumentation", () => {
  const [upstream, local] = REGISTERS.map(([label]) => shapes[label]);
  expect(upstream?.length).toBeGreaterThan(0);
  expect(local).toEqual(upstream);
});
