import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  createTestDatabase,
  getJson,
  postJson,
  type TestDatabase,
  deliveryOrder,
  startDelivery,
  type RunningDelivery,
} from '@demo/testkit';

let db: TestDatabase;
let delivery: RunningDelivery;

beforeAll(async () => {
  db = await createTestDatabase(inject('mysqlUrl'), 'delivery_orders');
  delivery = await startDelivery({ db });
});
afterAll(async () => {
  await delivery.close();
  await db.drop();
});

const rowsFor = (orderId: string) =>
  db.query<{ customer_name: string }>('SELECT * FROM orders WHERE order_id = ?', [orderId]);

describe('storing orders', () => {
  it('stores exactly what was sent: unicode, quotes and markup, no HTML escaping', async () => {
    const order = deliveryOrder({
      customer_name: "Zoë O'Brien-Łukasiewicz 山田 <b>&amp;",
      shipping_address: '  12 "Rue" de l\'Église, 75004 Paris  ',
    });
    const response = await postJson(`${delivery.url}/api/delivery`, order);
    expect(response.status).toBe(200);
    const [row] = await rowsFor(String(order.order_id));
    expect(row?.customer_name).toBe("Zoë O'Brien-Łukasiewicz 山田 <b>&amp;");
    const read = await getJson(`${delivery.url}/api/delivery/orders/${String(order.order_id)}`);
    expect(read.body).toMatchObject({
      customer_name: "Zoë O'Brien-Łukasiewicz 山田 <b>&amp;",
      shipping_address: '12 "Rue" de l\'Église, 75004 Paris',
      total_amount: '59.98',
      items: [{ product_id: 'LAPTOP-001', quantity: 2, price: '29.99' }],
      item_count: 1,
    });
  });

  it('replays the same order_id with the same content: 200, the first result, one row', async () => {
    const order = deliveryOrder();
    const first = await postJson(`${delivery.url}/api/delivery`, order);
    // A retry carries a new timestamp; that is not a different order.
    const again = await postJson(`${delivery.url}/api/delivery`, { ...order, timestamp: new Date().toISOString() });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      replayed: true,
      processed_at: (first.body as { processed_at: string }).processed_at,
    });
    expect(await rowsFor(String(order.order_id))).toHaveLength(1);
  });

  it('refuses the same order_id with different content: 409, the stored order unchanged', async () => {
    const order = deliveryOrder();
    await postJson(`${delivery.url}/api/delivery`, order);
    const conflict = await postJson(`${delivery.url}/api/delivery`, { ...order, total_amount: 1 });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: 'Conflict', status_code: 409, details: [{ field: 'order_id' }] });
    const read = await getJson(`${delivery.url}/api/delivery/orders/${String(order.order_id)}`);
    expect(read.body).toMatchObject({ total_amount: '59.98' });
  });

  it('treats order ids as case- and space-sensitive keys', async () => {
    const lower = deliveryOrder({ order_id: 'case-key-a' });
    const upper = deliveryOrder({ order_id: 'CASE-KEY-A', total_amount: 5 });
    expect((await postJson(`${delivery.url}/api/delivery`, lower)).status).toBe(200);
    expect((await postJson(`${delivery.url}/api/delivery`, upper)).status).toBe(200);
  });

  it('stores one row under a burst of concurrent identical sends', async () => {
    const order = deliveryOrder();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => postJson(`${delivery.url}/api/delivery`, order)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(responses.filter((r) => (r.body as { replayed: boolean }).replayed === false)).toHaveLength(1);
    expect(await rowsFor(String(order.order_id))).toHaveLength(1);
  });
});

describe('reading orders back', () => {
  it('lists the newest first and honours limit', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const order = deliveryOrder({ order_id: `recent-${i}` });
      ids.push(order.order_id);
      await postJson(`${delivery.url}/api/delivery`, order);
    }
    const response = await getJson(`${delivery.url}/api/delivery/orders?limit=2`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ limit: 2 });
    expect((response.body as { orders: { order_id: string }[] }).orders.map((o) => o.order_id)).toEqual([
      'recent-2',
      'recent-1',
    ]);
  });

  it('defaults the limit to 20', async () => {
    const response = await getJson(`${delivery.url}/api/delivery/orders`);
    expect(response.body).toMatchObject({ limit: 20 });
  });

  it.each([['0'], ['101'], ['abc'], ['1.5']])('refuses limit=%s with 422', async (limit) => {
    const response = await getJson(`${delivery.url}/api/delivery/orders?limit=${limit}`);
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ details: [{ field: 'limit' }] });
  });

  it('answers an unknown order with a JSON 404', async () => {
    const response = await getJson(`${delivery.url}/api/delivery/orders/no-such-order`);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: 'Not Found', message: 'Order no-such-order not found' });
  });
});

describe('health and readiness', () => {
  it('health runs SELECT 1 and says where the database is', async () => {
    const response = await getJson(`${delivery.url}/api/delivery/health`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'healthy',
      service: 'ts-delivery-api',
      database: { status: 'healthy', database: db.name },
    });
  });

  it('ready is 200, and 503 once draining', async () => {
    expect((await getJson(`${delivery.url}/api/delivery/ready`)).status).toBe(200);
    delivery.draining.value = true;
    try {
      const response = await fetch(`${delivery.url}/api/delivery/ready`);
      expect(response.status).toBe(503);
      expect(response.headers.get('connection')).toBe('close');
      expect(await response.json()).toMatchObject({ status: 'not ready' });
    } finally {
      delivery.draining.value = false;
    }
  });
});
