import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, postJson, type TestDatabase, startDelivery, type RunningDelivery } from '@demo/testkit';
import { startOrder, type RunningOrder } from './helpers';

/**
 * Random JSON at both POST routes: whatever arrives, the answer is a JSON 2xx/4xx (never a 5xx,
 * never a crash), and every 200 is exactly one stored row.
 */
let db: TestDatabase;
let delivery: RunningDelivery;
let api: RunningOrder;
const accepted = new Set<string>();

beforeAll(async () => {
  db = await createTestDatabase(inject('mysqlUrl'), 'order_fuzz');
  delivery = await startDelivery({ db });
  api = await startOrder({ deliveryUrl: delivery.url });
});
afterAll(async () => {
  await api.close();
  await delivery.close();
  await db.drop();
});

/** A field that is sometimes right, sometimes subtly wrong, sometimes any JSON at all, sometimes absent. */
function field<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: good },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const name = fc.stringMatching(/^[A-Za-zÀ-ÿ' .-]{0,30}$/);
const money = fc.oneof(
  fc.integer({ min: -100, max: 10_000_000_000 }).map((cents) => cents / 100),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.stringMatching(/^-?\d{0,10}(\.\d{0,3})?$/),
);
const item = fc.record(
  {
    product_id: field(fc.stringMatching(/^[A-Za-z0-9_-]{0,12}$/)),
    quantity: field(fc.oneof(fc.integer({ min: -5, max: 1005 }), fc.double({ noNaN: true, noDefaultInfinity: true }))),
    price: field(money),
  },
  { requiredKeys: [] },
);
const nearlyValidOrder = fc.record(
  {
    order_id: field(fc.stringMatching(/^[A-Za-z0-9-]{0,55}$/)),
    customer_name: field(name),
    items: field(fc.array(item, { maxLength: 55 })),
    total_amount: field(money),
    shipping_address: field(fc.string({ maxLength: 600, unit: 'grapheme' })),
    timestamp: field(fc.string({ maxLength: 30 })),
  },
  { requiredKeys: [] },
);

/** Orders that follow every rule, with unicode names and edge values. */
const validOrder = fc.record(
  {
    order_id: fc.uuid(),
    customer_name: fc.stringMatching(/^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ' .-]{0,40}$/),
    items: fc.array(
      fc.record({
        product_id: fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
        quantity: fc.integer({ min: 1, max: 1000 }),
        price: fc.integer({ min: 1, max: 99_999 }).map((cents) => cents / 100),
      }),
      { minLength: 1, maxLength: 50 },
    ),
    shipping_address: fc.string({ minLength: 10, maxLength: 200 }).filter((s) => s.trim().length >= 10),
  },
  { requiredKeys: ['customer_name', 'items', 'shipping_address'] },
);

/** Anything a client might send as a body: JSON of any shape, near-valid orders, or non-JSON text. */
const body = fc.oneof(
  { weight: 3, arbitrary: validOrder.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
  { weight: 5, arbitrary: nearlyValidOrder.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

async function checkRoute(
  path: string,
  idOf: (response: Record<string, unknown>) => string | undefined,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(body, async (text) => {
      const response = await postJson(`${api.url}${path}`, text);
      expect(response.status, `${path} answered ${response.status} to ${text.slice(0, 200)}`).toBeLessThan(500);
      expect(typeof response.body, `${path} answered non-JSON to ${text.slice(0, 200)}`).toBe('object');
      if (response.status === 200) {
        const id = idOf(response.body as Record<string, unknown>);
        expect(id).toBeTypeOf('string');
        accepted.add(String(id));
      } else {
        expect(response.body).toMatchObject({ status_code: response.status });
      }
    }),
    { numRuns: 250 },
  );
}

describe('random input never breaks the POST routes', () => {
  it('POST /api/orders', async () => {
    await checkRoute('/api/orders', (r) => r.order_id as string);
  });

  it('POST /api/delivery', async () => {
    // The Delivery API is ClusterIP in production, but it must hold its own ground too.
    const direct = { url: delivery.url };
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const response = await postJson(`${direct.url}/api/delivery`, text);
        expect(response.status, `answered ${response.status} to ${text.slice(0, 200)}`).toBeLessThan(500);
        expect(typeof response.body).toBe('object');
        if (response.status === 200) accepted.add(String((response.body as { order_id: string }).order_id));
      }),
      { numRuns: 250 },
    );
  });

  it('every accepted order is exactly one row, and nothing else was stored', async () => {
    const rows = await db.query<{ order_id: string; n: number }>(
      'SELECT order_id, COUNT(*) AS n FROM orders GROUP BY order_id',
    );
    expect(rows.every((row) => row.n === 1)).toBe(true);
    expect(new Set(rows.map((row) => row.order_id))).toEqual(accepted);
    // The runs must have explored the success path, not only refusals (about 30 % are valid orders).
    expect(accepted.size).toBeGreaterThan(50);
  });
});
