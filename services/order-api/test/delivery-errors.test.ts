import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@demo/local-cloud';
import { getJson, listenOnFreePort, postJson } from '@demo/testkit';
import { order, startOrder, type RunningOrder } from './helpers';

/**
 * How the Order API answers when the Delivery API misbehaves (seed contract §1.4-1.6). The
 * Delivery side here is a plain HTTP server scripted to fail on demand: a real server, since a
 * real Delivery API cannot be made to answer 429 or hang on cue.
 */
type Script = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function scriptedDelivery(script: Script): Promise<{ url: string; attempts: () => number; bodies: unknown[] }> {
  let attempts = 0;
  const bodies: unknown[] = [];
  const { server, url } = await listenOnFreePort((port, host, cb) =>
    http
      .createServer((req, res) => {
        let text = '';
        req.on('data', (chunk: Buffer) => (text += chunk.toString()));
        req.on('end', () => {
          attempts++;
          if (text) bodies.push(JSON.parse(text));
          script(req, res, attempts);
        });
      })
      .listen(port, host, cb),
  );
  running.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
  return { url, attempts: () => attempts, bodies };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const ok = (req: IncomingMessage, res: ServerResponse) =>
  json(res, 200, {
    success: true,
    message: 'Order processed successfully',
    order_id: 'ORD-12345678',
    processed_at: '2026-01-01T00:00:00.000Z',
    timestamp: '2026-01-01T00:00:00.000Z',
    replayed: false,
  });

async function orderApiFor(
  deliveryUrl: string,
  env: Record<string, string> = {},
): Promise<{ api: RunningOrder; sleeps: number[] }> {
  const sleeps: number[] = [];
  const api = await startOrder({
    deliveryUrl,
    env,
    client: {
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    },
  });
  running.push(api);
  return { api, sleeps };
}

describe('POST /api/orders when the Delivery API fails', () => {
  it('sends the Delivery API the original payload: money as numbers, a timestamp, the user agent', async () => {
    const delivery = await scriptedDelivery((req, res) => {
      expect(req.headers['user-agent']).toBe('order-api-test/1.0');
      ok(req, res);
    });
    const { api } = await orderApiFor(delivery.url);
    const response = await postJson(`${api.url}/api/orders`, order({ order_id: 'ORD-12345678' }));
    expect(response.status).toBe(200);
    expect(delivery.bodies[0]).toMatchObject({
      order_id: 'ORD-12345678',
      customer_name: 'Jane Doe',
      total_amount: 59.98,
      items: [{ product_id: 'LAPTOP-001', quantity: 2, price: 29.99 }],
      shipping_address: '123 Main Street, Springfield',
    });
    expect(typeof (delivery.bodies[0] as { timestamp: unknown }).timestamp).toBe('string');
  });

  it('unreachable: retries 3 times with 1/2/4 s backoff plus 10-30 % jitter, then 503', async () => {
    const port = await freePort();
    const { api, sleeps } = await orderApiFor(`http://127.0.0.1:${port}`, { HTTP_RETRY_BACKOFF_FACTOR: '1' });
    const response = await postJson(`${api.url}/api/orders`, order());
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ error: 'Unable to connect to delivery service', status_code: 503 });
    expect(sleeps).toHaveLength(3);
    [1000, 2000, 4000].forEach((base, i) => {
      expect(sleeps[i]).toBeGreaterThanOrEqual(base * 1.1);
      expect(sleeps[i]).toBeLessThanOrEqual(base * 1.3);
    });
  });

  it('slow: a read timeout on every attempt is 504', async () => {
    const delivery = await scriptedDelivery(() => undefined); // never answers
    const { api } = await orderApiFor(delivery.url, { HTTP_READ_TIMEOUT: '0.2' });
    const response = await postJson(`${api.url}/api/orders`, order());
    expect(response.status).toBe(504);
    expect(response.body).toEqual({ error: 'Request to delivery service timed out', status_code: 504 });
    expect(delivery.attempts()).toBe(4);
  });

  it('slow once, then fine: the retry succeeds', async () => {
    const delivery = await scriptedDelivery((req, res, attempt) => {
      if (attempt > 1) ok(req, res);
    });
    const { api } = await orderApiFor(delivery.url, { HTTP_READ_TIMEOUT: '0.2' });
    const response = await postJson(`${api.url}/api/orders`, order());
    expect(response.status).toBe(200);
    expect(delivery.attempts()).toBe(2);
  });

  it.each([
    [500, 502, 'Delivery service is experiencing issues'],
    [503, 502, 'Delivery service is experiencing issues'],
    [502, 502, 'Delivery service is experiencing issues'],
  ])('a Delivery %i on every attempt is %i after 4 attempts', async (status, expected, message) => {
    const delivery = await scriptedDelivery((_req, res) => json(res, status, { error: 'boom', status_code: status }));
    const { api } = await orderApiFor(delivery.url);
    const response = await postJson(`${api.url}/api/orders`, order());
    expect(response.status).toBe(expected);
    expect(response.body).toEqual({ error: message, status_code: expected });
    expect(delivery.attempts()).toBe(4);
  });

  it('a Delivery 503 (pool exhausted) once, then 200: the retry stores it', async () => {
    const delivery = await scriptedDelivery((req, res, attempt) =>
      attempt === 1
        ? json(res, 503, { error: 'Too Many Connections', status_code: 503 }, { 'retry-after': '1' })
        : ok(req, res),
    );
    // The original's backoff (waits are recorded, not slept): Retry-After: 1 fits its budget.
    const { api } = await orderApiFor(delivery.url, { HTTP_RETRY_BACKOFF_FACTOR: '1' });
    expect((await postJson(`${api.url}/api/orders`, order())).status).toBe(200);
    expect(delivery.attempts()).toBe(2);
  });

  it('a Delivery 503 with Retry-After: 3 waits at least 3 s before the retry that stores it', async () => {
    const delivery = await scriptedDelivery((req, res, attempt) =>
      attempt === 1
        ? json(res, 503, { error: 'Too Many Connections', status_code: 503 }, { 'retry-after': '3' })
        : ok(req, res),
    );
    const { api, sleeps } = await orderApiFor(delivery.url, { HTTP_RETRY_BACKOFF_FACTOR: '1' });
    expect((await postJson(`${api.url}/api/orders`, order())).status).toBe(200);
    expect(sleeps[0]).toBeGreaterThanOrEqual(3 * 1.1 * 1000);
    expect(sleeps[0]).toBeLessThanOrEqual(3 * 1.3 * 1000);
  });

  it('a Delivery 503 whose Retry-After is past the retry budget is 502 at once, without a wait or a retry', async () => {
    const delivery = await scriptedDelivery((_req, res) =>
      json(res, 503, { error: 'Too Many Connections', status_code: 503 }, { 'retry-after': '120' }),
    );
    const { api, sleeps } = await orderApiFor(delivery.url, { HTTP_RETRY_BACKOFF_FACTOR: '1' });
    const response = await postJson(`${api.url}/api/orders`, order());
    expect(response.body).toEqual({ error: 'Delivery service is experiencing issues', status_code: 502 });
    expect(delivery.attempts()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('a Delivery 503 asking 3 s each time gets as many retries as fit the budget (9.1 s), not more', async () => {
    const delivery = await scriptedDelivery((_req, res) =>
      json(res, 503, { error: 'Too Many Connections', status_code: 503 }, { 'retry-after': '3' }),
    );
    const { api, sleeps } = await orderApiFor(delivery.url, { HTTP_RETRY_BACKOFF_FACTOR: '1' });
    expect((await postJson(`${api.url}/api/orders`, order())).status).toBe(502);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(9100);
    expect(delivery.attempts()).toBe(sleeps.length + 1);
    expect(delivery.attempts()).toBeLessThan(4);
  });

  it('429 waits for its numeric Retry-After (capped at 60 s), then retries', async () => {
    const delivery = await scriptedDelivery((req, res, attempt) =>
      attempt === 1 ? json(res, 429, { error: 'slow down', status_code: 429 }, { 'retry-after': '7' }) : ok(req, res),
    );
    const { api, sleeps } = await orderApiFor(delivery.url);
    expect((await postJson(`${api.url}/api/orders`, order())).status).toBe(200);
    expect(sleeps[0]).toBeGreaterThanOrEqual(7 * 1.1 * 1000);
    expect(sleeps[0]).toBeLessThanOrEqual(7 * 1.3 * 1000);
  });

  it('429 on every attempt is 502 with the status named', async () => {
    const delivery = await scriptedDelivery((_req, res) => json(res, 429, { error: 'slow down', status_code: 429 }));
    const { api } = await orderApiFor(delivery.url);
    const response = await postJson(`${api.url}/api/orders`, order());
    expect(response.body).toEqual({ error: 'Delivery service error (HTTP 429)', status_code: 502 });
  });

  it.each([[400], [422]])('a Delivery %i is passed through with its details, without retry', async (status) => {
    const delivery = await scriptedDelivery((_req, res) =>
      json(res, status, {
        error: 'Validation error',
        status_code: status,
        message: 'total_amount: must be at most 99999999.99',
        details: [{ field: 'total_amount', message: 'must be at most 99999999.99' }],
      }),
    );
    const { api } = await orderApiFor(delivery.url);
    const response = await postJson(`${api.url}/api/orders`, order());
    expect(response.status).toBe(status);
    expect(response.body).toEqual({
      error: 'total_amount: must be at most 99999999.99',
      status_code: status,
      details: [{ field: 'total_amount', message: 'must be at most 99999999.99' }],
    });
    expect(delivery.attempts()).toBe(1);
  });

  it('a Delivery 400 without a JSON body is "Invalid order data"', async () => {
    const delivery = await scriptedDelivery((_req, res) => {
      res.writeHead(400);
      res.end('bad');
    });
    const { api } = await orderApiFor(delivery.url);
    expect((await postJson(`${api.url}/api/orders`, order())).body).toEqual({
      error: 'Invalid order data',
      status_code: 400,
    });
  });

  it('a Delivery 409 (order_id reused for other content) is 409, without retry', async () => {
    const delivery = await scriptedDelivery((_req, res) =>
      json(res, 409, {
        error: 'Conflict',
        status_code: 409,
        message: 'order_id X already exists with different content',
        details: [{ field: 'order_id', message: 'already used for a different order' }],
      }),
    );
    const { api } = await orderApiFor(delivery.url);
    const response = await postJson(`${api.url}/api/orders`, order());
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      error: 'order_id X already exists with different content',
      details: [{ field: 'order_id' }],
    });
    expect(delivery.attempts()).toBe(1);
  });

  it('a Delivery 404 is 502 naming the status, without retry', async () => {
    const delivery = await scriptedDelivery((_req, res) => json(res, 404, { error: 'Not Found', status_code: 404 }));
    const { api } = await orderApiFor(delivery.url);
    expect((await postJson(`${api.url}/api/orders`, order())).body).toEqual({
      error: 'Delivery service error (HTTP 404)',
      status_code: 502,
    });
    expect(delivery.attempts()).toBe(1);
  });

  it('a 200 that is not JSON is 503 "currently unavailable"', async () => {
    const delivery = await scriptedDelivery((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy page</html>');
    });
    const { api } = await orderApiFor(delivery.url);
    expect((await postJson(`${api.url}/api/orders`, order())).body).toEqual({
      error: 'Delivery service is currently unavailable',
      status_code: 503,
    });
  });

  it('a 200 with success:false is 500 with the Delivery message, as the original', async () => {
    const delivery = await scriptedDelivery((_req, res) =>
      json(res, 200, { success: false, message: 'warehouse closed' }),
    );
    const { api } = await orderApiFor(delivery.url);
    expect((await postJson(`${api.url}/api/orders`, order())).body).toEqual({
      error: 'Order processing failed: warehouse closed',
      status_code: 500,
    });
  });

  it('a 200 of the wrong shape is 502', async () => {
    const delivery = await scriptedDelivery((_req, res) => json(res, 200, { ok: 1 }));
    const { api } = await orderApiFor(delivery.url);
    expect((await postJson(`${api.url}/api/orders`, order())).body).toEqual({
      error: 'Delivery service returned an unexpected response',
      status_code: 502,
    });
  });

  it('a connection cut mid-response is retried, then 503', async () => {
    const delivery = await scriptedDelivery((req) => req.socket.destroy());
    const { api } = await orderApiFor(delivery.url);
    const response = await postJson(`${api.url}/api/orders`, order());
    expect(response.body).toEqual({ error: 'Delivery service is currently unavailable', status_code: 503 });
    expect(delivery.attempts()).toBe(4);
  });
});

describe('GET /api/orders/health keeps the original verdicts', () => {
  const healthy = {
    status: 'healthy',
    service: 'ts-delivery-api',
    version: '9.9.9',
    database: { status: 'healthy', host: 'h', port: 1, database: 'd' },
    timestamp: 't',
  };

  it('healthy Delivery: 200 healthy with its version and database status', async () => {
    const delivery = await scriptedDelivery((_req, res) => json(res, 200, healthy));
    const { api } = await orderApiFor(delivery.url);
    const response = await getJson(`${api.url}/api/orders/health`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'healthy',
      service: 'ts-order-api',
      dependencies: {
        delivery_api: {
          status: 'healthy',
          service_version: '9.9.9',
          database_status: 'healthy',
          error: null,
          url: delivery.url,
        },
      },
    });
  });

  it('Delivery 503 (database down): 200 degraded', async () => {
    const delivery = await scriptedDelivery((_req, res) => json(res, 503, { ...healthy, status: 'unhealthy' }));
    const { api } = await orderApiFor(delivery.url);
    const response = await getJson(`${api.url}/api/orders/health`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'degraded',
      dependencies: { delivery_api: { status: 'unhealthy', error: expect.stringMatching(/^HTTP 503: /) as unknown } },
    });
  });

  it('Delivery answering 200 "unhealthy": 200 degraded', async () => {
    const delivery = await scriptedDelivery((_req, res) => json(res, 200, { ...healthy, status: 'unhealthy' }));
    const { api } = await orderApiFor(delivery.url);
    expect((await getJson(`${api.url}/api/orders/health`)).body).toMatchObject({
      status: 'degraded',
      dependencies: { delivery_api: { error: 'Delivery API reports unhealthy status' } },
    });
  });

  it('Delivery too slow: 200 degraded, after the health timeout only (no retry)', async () => {
    const delivery = await scriptedDelivery(() => undefined);
    const { api } = await orderApiFor(delivery.url, { HEALTH_TIMEOUT_SECONDS: '0.3' });
    const started = Date.now();
    const response = await getJson(`${api.url}/api/orders/health`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'degraded',
      dependencies: { delivery_api: { error: expect.stringMatching(/^Timeout after 0.3 seconds/) as unknown } },
    });
    expect(delivery.attempts()).toBe(1);
  });

  it('Delivery unreachable: 503 unhealthy', async () => {
    const { api } = await orderApiFor(`http://127.0.0.1:${await freePort()}`);
    const response = await getJson(`${api.url}/api/orders/health`);
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      status: 'unhealthy',
      dependencies: {
        delivery_api: { status: 'unhealthy', error: expect.stringMatching(/^Connection error: /) as unknown },
      },
    });
  });

  it('ready never calls the Delivery API, and is 503 while draining', async () => {
    const delivery = await scriptedDelivery(() => undefined);
    const { api } = await orderApiFor(delivery.url);
    expect((await getJson(`${api.url}/api/orders/ready`)).body).toMatchObject({ status: 'ready', dependencies: {} });
    api.draining.value = true;
    const draining = await fetch(`${api.url}/api/orders/ready`);
    expect(draining.status).toBe(503);
    expect(draining.headers.get('connection')).toBe('close');
    expect(delivery.attempts()).toBe(0);
  });
});
