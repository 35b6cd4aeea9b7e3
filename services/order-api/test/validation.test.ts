import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GENERATED_ORDER_ID_PATTERN } from '@demo/contracts';
import { createTestDatabase, postJson, type TestDatabase, startDelivery, type RunningDelivery } from '@demo/testkit';
import { order, startOrder, type RunningOrder } from './helpers';

/**
 * The Order API's validation matrix: the original's rules (seed contract §1.3), answered with 422
 * and the fields at fault, through the real Delivery API and MySQL.
 */
let db: TestDatabase;
let delivery: RunningDelivery;
let api: RunningOrder;

beforeAll(async () => {
  db = await createTestDatabase(inject('mysqlUrl'), 'order_validation');
  delivery = await startDelivery({ db });
  api = await startOrder({ deliveryUrl: delivery.url });
});
afterAll(async () => {
  await api.close();
  await delivery.close();
  await db.drop();
});

const item = (overrides: Record<string, unknown>) => ({
  product_id: 'LAPTOP-001',
  quantity: 1,
  price: 10,
  ...overrides,
});
const without = (field: string) => {
  const body = order();
  delete body[field];
  return body;
};

const invalid: [name: string, body: unknown, fields: string[]][] = [
  ['customer_name missing', without('customer_name'), ['customer_name']],
  ['customer_name null', order({ customer_name: null }), ['customer_name']],
  ['customer_name empty', order({ customer_name: '' }), ['customer_name']],
  ['customer_name only spaces', order({ customer_name: '   ' }), ['customer_name']],
  ['customer_name 201 chars', order({ customer_name: 'a'.repeat(201) }), ['customer_name']],
  ['customer_name with digits', order({ customer_name: 'R2D2' }), ['customer_name']],
  ['customer_name with markup', order({ customer_name: '<script>' }), ['customer_name']],
  ['customer_name with an emoji', order({ customer_name: 'Ann 😀' }), ['customer_name']],
  ['customer_name a number', order({ customer_name: 42 }), ['customer_name']],
  ['order_id null (absent is fine, null is not)', order({ order_id: null }), ['order_id']],
  ['order_id empty', order({ order_id: '' }), ['order_id']],
  ['order_id 51 chars', order({ order_id: 'x'.repeat(51) }), ['order_id']],
  ['items missing', without('items'), ['items']],
  ['items empty', order({ items: [] }), ['items']],
  ['items 51 entries', order({ items: Array.from({ length: 51 }, () => item({})) }), ['items']],
  ['items an object', order({ items: { product_id: 'A' } }), ['items']],
  ['product_id missing', order({ items: [{ quantity: 1, price: 1 }] }), ['items.0.product_id']],
  ['product_id with a space', order({ items: [item({ product_id: 'LAP TOP' })] }), ['items.0.product_id']],
  ['product_id with a slash', order({ items: [item({ product_id: 'A/B' })] }), ['items.0.product_id']],
  ['product_id 101 chars', order({ items: [item({ product_id: 'p'.repeat(101) })] }), ['items.0.product_id']],
  ['quantity 0', order({ items: [item({ quantity: 0 })] }), ['items.0.quantity']],
  ['quantity 1001', order({ items: [item({ quantity: 1001 })] }), ['items.0.quantity']],
  ['quantity 2.5', order({ items: [item({ quantity: 2.5 })] }), ['items.0.quantity']],
  ['quantity a string', order({ items: [item({ quantity: '2' })] }), ['items.0.quantity']],
  ['price 0', order({ items: [item({ price: 0 })] }), ['items.0.price']],
  ['price negative', order({ items: [item({ price: -1 })] }), ['items.0.price']],
  ['price 3 decimals', order({ items: [item({ price: 29.999 })] }), ['items.0.price']],
  ['price a float artefact (0.1 + 0.2)', order({ items: [item({ price: 0.1 + 0.2 })] }), ['items.0.price']],
  ['price not numeric', order({ items: [item({ price: 'cheap' })] }), ['items.0.price']],
  ['price missing', order({ items: [{ product_id: 'A', quantity: 1 }] }), ['items.0.price']],
  ['total_amount 0', order({ total_amount: 0 }), ['total_amount']],
  ['total_amount 3 decimals', order({ total_amount: 10.005 }), ['total_amount']],
  ['shipping_address 9 chars', order({ shipping_address: '123456789' }), ['shipping_address']],
  ['shipping_address 9 chars after trimming', order({ shipping_address: '   123456789   ' }), ['shipping_address']],
  ['shipping_address 501 chars', order({ shipping_address: 'a'.repeat(501) }), ['shipping_address']],
  ['second item bad, first fine', order({ items: [item({}), item({ quantity: -3 })] }), ['items.1.quantity']],
  [
    'several fields at once',
    order({ customer_name: '', shipping_address: 'x' }),
    ['customer_name', 'shipping_address'],
  ],
  ['body a list', [order()], ['(body)']],
  ['body null', null, ['(body)']],
];

describe('POST /api/orders refuses invalid orders with 422 and the fields at fault', () => {
  it.each(invalid)('%s', async (_name, body, fields) => {
    const response = await postJson(`${api.url}/api/orders`, body);
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ error: 'Validation failed', status_code: 422 });
    const details = (response.body as { details: { field: string; message: string }[] }).details;
    expect(details.map((d) => d.field).sort()).toEqual(expect.arrayContaining(fields));
    for (const detail of details) expect(detail.message.length).toBeGreaterThan(0);
  });

  it('stored none of them', async () => {
    const [row] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM orders');
    expect(row?.n).toBe(0);
  });
});

const valid: [name: string, body: Record<string, unknown>, expected: Record<string, unknown>][] = [
  [
    'unicode letters, apostrophe, hyphen, dot',
    order({ customer_name: "Zoë O'Brien-Łukasiewicz Jr." }),
    { customer_name: "Zoë O'Brien-Łukasiewicz Jr." },
  ],
  ['CJK name', order({ customer_name: '山田 太郎' }), { customer_name: '山田 太郎' }],
  ['name padded with spaces is trimmed', order({ customer_name: '  Ann Lee  ' }), { customer_name: 'Ann Lee' }],
  [
    'total computed from the items',
    order({ items: [item({ price: 29.99, quantity: 2 }), item({ product_id: 'B', price: 0.01, quantity: 3 })] }),
    { total_amount: '60.01', item_count: 2 },
  ],
  ['total given is kept (never cross-checked, as the original)', order({ total_amount: 5 }), { total_amount: '5.00' }],
  ['total null is computed', order({ total_amount: null }), { total_amount: '59.98' }],
  ['prices as decimal strings', order({ items: [item({ price: '19.90', quantity: 1 })] }), { total_amount: '19.90' }],
  ['quantity 2.0 is a whole number', order({ items: [item({ quantity: 2.0, price: 1.5 })] }), { total_amount: '3.00' }],
  [
    '50 items',
    order({ items: Array.from({ length: 50 }, (_, i) => item({ product_id: `P_${i}` })) }),
    { item_count: 50, total_amount: '500.00' },
  ],
  ['unicode product ids', order({ items: [item({ product_id: 'ÄÖ-12_x' })] }), { item_count: 1 }],
  ['quantity 1000, price 0.01', order({ items: [item({ quantity: 1000, price: 0.01 })] }), { total_amount: '10.00' }],
  ['shipping address of exactly 10 chars after trimming', order({ shipping_address: '  1234567890 ' }), {}],
  ['unknown keys are ignored', order({ coupon: 'SAVE10', gift: true }), {}],
];

describe('POST /api/orders accepts the edge of valid', () => {
  it.each(valid)('%s', async (_name, body, expected) => {
    const response = await postJson(`${api.url}/api/orders`, body);
    expect(response.status).toBe(200);
    const result = response.body as Record<string, unknown>;
    expect(result).toMatchObject({ status: 'processed', message: 'Order processed successfully', ...expected });
    expect(result.order_id).toMatch(GENERATED_ORDER_ID_PATTERN);
    expect(await db.query('SELECT 1 FROM orders WHERE order_id = ?', [result.order_id])).toHaveLength(1);
  });

  it('a total over the column maximum is refused by the Delivery API and passed through as 422', async () => {
    const response = await postJson(
      `${api.url}/api/orders`,
      order({ items: [item({ price: 99999999.99, quantity: 2 })] }),
    );
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ status_code: 422, details: [{ field: 'total_amount' }] });
  });
});

describe('POST /api/orders: transport errors are JSON too', () => {
  it('malformed JSON is 400', async () => {
    const response = await postJson(`${api.url}/api/orders`, '{"customer_name": "A",');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: 'Malformed JSON',
      status_code: 400,
      message: 'The request body is not valid JSON',
    });
  });

  it('an empty JSON body is 400', async () => {
    const response = await postJson(`${api.url}/api/orders`, '');
    expect(response.status).toBe(400);
  });

  it('a body that is not JSON is 415', async () => {
    const response = await fetch(`${api.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'Unsupported Media Type', status_code: 415 });
  });

  it('an oversized body is 413', async () => {
    const response = await postJson(`${api.url}/api/orders`, order({ shipping_address: 'a'.repeat(1_100_000) }));
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: 'Payload Too Large', status_code: 413 });
  });

  it('a prototype-pollution key is refused, not merged', async () => {
    const response = await postJson(`${api.url}/api/orders`, '{"__proto__": {"polluted": true}, "customer_name": "A"}');
    expect(response.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an unknown path is a JSON 404, a wrong method a JSON 405 with Allow', async () => {
    const missing = await fetch(`${api.url}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'Not Found', status_code: 404 });
    const wrong = await fetch(`${api.url}/api/orders`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('POST');
    expect(await wrong.json()).toMatchObject({ error: 'Method Not Allowed', status_code: 405 });
  });
});
