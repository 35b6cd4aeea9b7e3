import { describe, expect, it } from 'vitest';
import { OrderRequestSchema, sampleOrder } from '@demo/contracts';
import { answerText, draftFromOrder, EMPTY_DRAFT, toOrderRequest } from './order-draft';

describe('the order form', () => {
  it('leaves out empty optional fields and sends numbers as numbers', () => {
    const request = toOrderRequest({
      ...EMPTY_DRAFT,
      customer_name: 'Jane',
      shipping_address: '1 Main St',
      items: [{ product_id: 'P-1', quantity: '2', price: '9.99' }],
    });
    expect(request).toEqual({
      customer_name: 'Jane',
      shipping_address: '1 Main St',
      items: [{ product_id: 'P-1', quantity: 2, price: 9.99 }],
    });
  });

  it('keeps text that is not a number as text, so the contract names the field', () => {
    const request = toOrderRequest({
      ...EMPTY_DRAFT,
      total_amount: 'ten',
      items: [{ product_id: 'P', quantity: 'x', price: '' }],
    });
    expect(request).toMatchObject({ total_amount: 'ten', items: [{ quantity: 'x', price: '' }] });
    const parsed = OrderRequestSchema.safeParse(request);
    expect(parsed.success).toBe(false);
  });

  it('a sample order, drafted and sent back, passes the contract', () => {
    const request = toOrderRequest(draftFromOrder(sampleOrder()));
    expect(OrderRequestSchema.safeParse(request).success).toBe(true);
  });

  it.each([
    ['text', 'ORD-1', 'ORD-1'],
    ['nothing', undefined, '—'],
    ['null', null, '—'],
    ['an object', { a: 1 }, '{"a":1}'],
  ])('shows %s of an answer', (_name, value, text) => expect(answerText(value)).toBe(text));
});
