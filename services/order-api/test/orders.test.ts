import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createTestDatabase,
  getJson,
  postJson,
  type TestDatabase,
  startDelivery,
  type RunningDelivery,
} from '@demo/testkit';
import { order, startOrder, type RunningOrder } from './helpers';

let db: TestDatabase;
let delivery: RunningDelivery;
let api: RunningOrder;

beforeAll(async () => {
  db = await createTestDatabase(inject('mysqlUrl'), 'order_orders');
  delivery = await startDelivery({ db });
  api = await startOrder({ deliveryUrl: delivery.url });
});
afterAll(async () => {
  await api.close();
  await delivery.close();
  await db.drop();
});

describe('orders through Order API -> Delivery API -> MySQL', () => {
  it('answers like the original: processed, a 2-place total string, item count, no trace without tracing', async () => {
    const response = await postJson(`${api.url}/api/orders`, order({ order_id: 'ORD-FULLPATH' }));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      order_id: 'ORD-FULLPATH',
      status: 'processed',
      message: 'Order processed successfully',
      customer_name: 'Jane Doe',
      total_amount: '59.98',
      item_count: 1,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      trace_id: null,
    });
    const rows = await db.query<{ total_amount: string }>('SELECT total_amount FROM orders WHERE order_id = ?', [
      'ORD-FULLPATH',
    ]);
    expect(rows).toEqual([{ total_amount: '59.98' }]);
  });

  it('a client retry of the same order is answered from the stored order, and stores nothing new', async () => {
    const body = order({ order_id: 'ORD-RETRY-1' });
    const first = await postJson(`${api.url}/api/orders`, body);
    const retry = await postJson(`${api.url}/api/orders`, body);
    expect(retry.status).toBe(200);
    expect((retry.body as { created_at: string }).created_at).toBe((first.body as { created_at: string }).created_at);
    expect(await db.query('SELECT 1 FROM orders WHERE order_id = ?', ['ORD-RETRY-1'])).toHaveLength(1);
  });

  it('reusing an order_id for a different order is 409 and changes nothing', async () => {
    await postJson(`${api.url}/api/orders`, order({ order_id: 'ORD-CONFLICT' }));
    const response = await postJson(
      `${api.url}/api/orders`,
      order({ order_id: 'ORD-CONFLICT', customer_name: 'Someone Else' }),
    );
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ status_code: 409, details: [{ field: 'order_id' }] });
    const rows = await db.query<{ customer_name: string }>('SELECT customer_name FROM orders WHERE order_id = ?', [
      'ORD-CONFLICT',
    ]);
    expect(rows).toEqual([{ customer_name: 'Jane Doe' }]);
  });

  it('reads an order back by id, and 404s an unknown one', async () => {
    await postJson(`${api.url}/api/orders`, order({ order_id: 'ORD-READ-ME', customer_name: 'Ana Núñez' }));
    const found = await getJson(`${api.url}/api/orders/ORD-READ-ME`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      order_id: 'ORD-READ-ME',
      customer_name: 'Ana Núñez',
      total_amount: '59.98',
      item_count: 1,
    });
    const missing = await getJson(`${api.url}/api/orders/ORD-NOPE`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'Not Found', status_code: 404, message: 'Order ORD-NOPE not found' });
  });

  it('lists recent orders newest first', async () => {
    await postJson(`${api.url}/api/orders`, order({ order_id: 'ORD-LAST-1' }));
    await postJson(`${api.url}/api/orders`, order({ order_id: 'ORD-LAST-2' }));
    const response = await getJson(`${api.url}/api/orders?limit=2`);
    expect(response.status).toBe(200);
    expect((response.body as { orders: { order_id: string }[] }).orders.map((o) => o.order_id)).toEqual([
      'ORD-LAST-2',
      'ORD-LAST-1',
    ]);
    expect((await getJson(`${api.url}/api/orders?limit=500`)).status).toBe(422);
  });

  it('health is healthy through the real Delivery API and MySQL', async () => {
    const response = await getJson(`${api.url}/api/orders/health`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'healthy',
      dependencies: { delivery_api: { status: 'healthy', database_status: 'healthy' } },
    });
  });

  it('every 200 stored exactly one row', async () => {
    const duplicates = await db.query('SELECT order_id FROM orders GROUP BY order_id HAVING COUNT(*) > 1');
    expect(duplicates).toEqual([]);
  });
});

describe('/docs', () => {
  it('serves Swagger UI and an OpenAPI document built from the validating schemas', async () => {
    const ui = await fetch(`${api.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('Swagger UI');
    const spec = (await getJson(`${api.url}/docs/json`)).body as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<
                string,
                { schema: { required: string[]; properties: Record<string, { maxLength?: number }> } }
              >;
            };
          }
        >
      >;
    };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/orders', '/api/orders/{order_id}', '/api/orders/health', '/api/orders/ready']),
    );
    const schema = spec.paths['/api/orders']?.post?.requestBody?.content['application/json']?.schema;
    expect(schema?.required).toEqual(expect.arrayContaining(['customer_name', 'items', 'shipping_address']));
    expect(schema?.properties.customer_name?.maxLength).toBe(200);
  });
});
