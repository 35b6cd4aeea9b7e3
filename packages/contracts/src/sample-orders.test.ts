import { describe, expect, it } from 'vitest';
import { OrderRequestSchema } from './order';
import { invalidSampleOrder, sampleOrder, seededRandom } from './sample-orders';

describe('sample orders', () => {
  it('are valid Order API requests in the original mix: 1-4 distinct products, quantity 1-3, total = sum', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 500; i++) {
      const order = sampleOrder(random);
      const parsed = OrderRequestSchema.parse(order);
      expect(parsed.items.length).toBeGreaterThanOrEqual(1);
      expect(parsed.items.length).toBeLessThanOrEqual(4);
      expect(new Set(parsed.items.map((item) => item.product_id)).size).toBe(parsed.items.length);
      for (const item of parsed.items) expect([1, 2, 3]).toContain(item.quantity);
      const sum = parsed.items.reduce((total, item) => total + item.price * item.quantity, 0);
      expect(parsed.total_amount).toBe(sum);
    }
  });

  it('are repeatable from a seed', () => {
    expect(sampleOrder(seededRandom(7), 'A')).toEqual(sampleOrder(seededRandom(7), 'A'));
  });

  it('invalid samples are all refused', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 200; i++) {
      expect(OrderRequestSchema.safeParse(invalidSampleOrder(random)).success).toBe(false);
    }
  });
});
