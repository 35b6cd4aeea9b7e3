import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createTestDatabase,
  postJson,
  type TestDatabase,
  deliveryOrder,
  startDelivery,
  type RunningDelivery,
} from '@demo/testkit';

/**
 * The Delivery API's validation matrix (seed contract §2.3, made strict and answered with 422).
 * Every refused request must leave the table untouched.
 */
let db: TestDatabase;
let delivery: RunningDelivery;

beforeAll(async () => {
  db = await createTestDatabase(inject('mysqlUrl'), 'delivery_validation');
  delivery = await startDelivery({ db });
});
afterAll(async () => {
  await delivery.close();
  await db.drop();
});

const without = (field: string) => {
  const order = deliveryOrder();
  delete order[field];
  return order;
};

const invalid: [name: string, body: unknown, field: string][] = [
  ['order_id missing', without('order_id'), 'order_id'],
  ['order_id null', deliveryOrder({ order_id: null }), 'order_id'],
  ['order_id empty', deliveryOrder({ order_id: '' }), 'order_id'],
  ['order_id blank', deliveryOrder({ order_id: '   ' }), 'order_id'],
  ['order_id 51 chars', deliveryOrder({ order_id: 'x'.repeat(51) }), 'order_id'],
  ['order_id a number', deliveryOrder({ order_id: 123 }), 'order_id'],
  ['customer_name missing', without('customer_name'), 'customer_name'],
  ['customer_name empty', deliveryOrder({ customer_name: '' }), 'customer_name'],
  ['customer_name 256 chars', deliveryOrder({ customer_name: 'a'.repeat(256) }), 'customer_name'],
  ['customer_name an object', deliveryOrder({ customer_name: { first: 'a' } }), 'customer_name'],
  ['total_amount missing', without('total_amount'), 'total_amount'],
  ['total_amount zero (falsy, as the original)', deliveryOrder({ total_amount: 0 }), 'total_amount'],
  ['total_amount negative', deliveryOrder({ total_amount: -1 }), 'total_amount'],
  ['total_amount 3 decimals', deliveryOrder({ total_amount: 1.001 }), 'total_amount'],
  ['total_amount over DECIMAL(10,2)', deliveryOrder({ total_amount: 100000000 }), 'total_amount'],
  ['total_amount not a number', deliveryOrder({ total_amount: 'abc' }), 'total_amount'],
  ['total_amount a boolean', deliveryOrder({ total_amount: true }), 'total_amount'],
  ['shipping_address missing', without('shipping_address'), 'shipping_address'],
  ['shipping_address blank', deliveryOrder({ shipping_address: '  \t ' }), 'shipping_address'],
  ['shipping_address over 16000 chars', deliveryOrder({ shipping_address: 'a'.repeat(16_001) }), 'shipping_address'],
  ['items not a list', deliveryOrder({ items: 'LAPTOP' }), 'items'],
  ['item not an object', deliveryOrder({ items: ['LAPTOP'] }), 'items.0'],
  ['item without product_id', deliveryOrder({ items: [{ quantity: 1 }] }), 'items.0.product_id'],
  ['item with blank product_id', deliveryOrder({ items: [{ product_id: ' ', quantity: 1 }] }), 'items.0.product_id'],
  ['item quantity 0', deliveryOrder({ items: [{ product_id: 'A', quantity: 0 }] }), 'items.0.quantity'],
  [
    'item quantity 2.9 (the original truncated it)',
    deliveryOrder({ items: [{ product_id: 'A', quantity: 2.9 }] }),
    'items.0.quantity',
  ],
  ['item quantity a string', deliveryOrder({ items: [{ product_id: 'A', quantity: '2.5' }] }), 'items.0.quantity'],
  ['item price negative', deliveryOrder({ items: [{ product_id: 'A', quantity: 1, price: -0.01 }] }), 'items.0.price'],
  [
    'item price not a number',
    deliveryOrder({ items: [{ product_id: 'A', quantity: 1, price: 'free' }] }),
    'items.0.price',
  ],
  ['body a list', [deliveryOrder()], '(body)'],
  ['body an empty object', {}, 'order_id'],
];

describe('POST /api/delivery refuses invalid orders with 422 and the field at fault', () => {
  it.each(invalid)('%s', async (_name, body, field) => {
    const response = await postJson(`${delivery.url}/api/delivery`, body);
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ error: 'Validation error', status_code: 422 });
    const details = (response.body as { details: { field: string }[] }).details;
    expect(details.map((d) => d.field)).toContain(field);
  });

  it('stored none of them', async () => {
    const [row] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM orders');
    expect(row?.n).toBe(0);
  });
});

const valid: [name: string, body: Record<string, unknown>][] = [
  ['without items (optional, as the original)', without('items')],
  ['with an empty item list', deliveryOrder({ items: [] })],
  [
    'money as decimal strings',
    deliveryOrder({ total_amount: '59.98', items: [{ product_id: 'A', quantity: 2, price: '29.99' }] }),
  ],
  ['an item without a price', deliveryOrder({ items: [{ product_id: 'A', quantity: 1 }] })],
  ['an item priced 0', deliveryOrder({ items: [{ product_id: 'A', quantity: 1, price: 0 }] })],
  ['order_id of exactly 50 chars', deliveryOrder({ order_id: 'y'.repeat(50) })],
  ['customer_name of exactly 255 chars', deliveryOrder({ customer_name: 'b'.repeat(255) })],
  ['total_amount at the column maximum', deliveryOrder({ total_amount: 99999999.99 })],
  ['unknown extra keys', deliveryOrder({ coupon: 'SAVE10' })],
  ['a +json content type', deliveryOrder()],
];

describe('POST /api/delivery accepts the edge of valid', () => {
  it.each(valid)('%s', async (name, body) => {
    const headers: Record<string, string> =
      name === 'a +json content type' ? { 'content-type': 'application/vnd.order+json' } : {};
    const response = await postJson(`${delivery.url}/api/delivery`, body, headers);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, order_id: String(body.order_id).trim(), replayed: false });
    const rows = await db.query('SELECT 1 FROM orders WHERE order_id = ?', [String(body.order_id).trim()]);
    expect(rows).toHaveLength(1);
  });
});

describe('POST /api/delivery: transport errors are JSON too', () => {
  it('malformed JSON is 400', async () => {
    const response = await postJson(`${delivery.url}/api/delivery`, '{"order_id": ');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: 'Malformed JSON',
      status_code: 400,
      message: 'The request body is not valid JSON',
    });
  });

  it('a JSON scalar is 400 (strict JSON bodies only)', async () => {
    const response = await postJson(`${delivery.url}/api/delivery`, 'null');
    expect(response.status).toBe(400);
  });

  it('a body that is not JSON is 415', async () => {
    const response = await fetch(`${delivery.url}/api/delivery`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'Unsupported Media Type', status_code: 415 });
  });

  it('an oversized body is 413', async () => {
    const response = await postJson(
      `${delivery.url}/api/delivery`,
      deliveryOrder({ shipping_address: 'a'.repeat(1_100_000) }),
    );
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: 'Payload Too Large', status_code: 413 });
  });

  it('an unknown path is a JSON 404', async () => {
    const response = await fetch(`${delivery.url}/api/nothing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'Not Found', status_code: 404 });
  });

  it('a wrong method is a JSON 405 with Allow', async () => {
    const response = await fetch(`${delivery.url}/api/delivery`, { method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ error: 'Method Not Allowed', status_code: 405 });
  });
});
