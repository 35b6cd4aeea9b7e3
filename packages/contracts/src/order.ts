import { z } from 'zod';
import { money, trimmedString, wholeNumber } from './validation';

/**
 * The Order API's request, with the original's rules (seed contract §1.3): strings are stripped
 * before checks, names are letters plus ` -'.`, product ids are letters, digits, `-` and `_`,
 * 1..50 items, quantities 1..1000, prices > 0 with at most 2 places. Money comes out as cents.
 */
export const OrderItemSchema = z.object({
  product_id: trimmedString(1, 100).regex(/^[\p{L}\p{N}_-]+$/u, 'Product ID contains invalid characters'),
  quantity: wholeNumber(1, 1000),
  price: money({ allowZero: false }),
});

export const ORDER_ID_MAX_LENGTH = 50;
export const MAX_ITEMS_PER_ORDER = 50;

export const OrderRequestSchema = z.object({
  /** Optional; generated as `ORD-` + 24 hex digits when absent. An explicit null is an error, as before. */
  order_id: trimmedString(1, ORDER_ID_MAX_LENGTH).optional(),
  customer_name: trimmedString(1, 200).regex(/^[\p{L} '.-]+$/u, 'Customer name contains invalid characters'),
  items: z
    .array(OrderItemSchema, { error: (issue) => (issue.input === undefined ? 'Field required' : 'must be a list') })
    .min(1, 'must have at least 1 item')
    .max(MAX_ITEMS_PER_ORDER, `must have at most ${MAX_ITEMS_PER_ORDER} items`),
  /** Optional; when absent or null it is computed from the items. */
  total_amount: money({ allowZero: false }).nullish(),
  shipping_address: trimmedString(10, 500),
});

/** What a client sends (numbers or decimal strings for money). */
export type OrderRequest = z.input<typeof OrderRequestSchema>;
/** What the Order API works with after validation (money in cents). */
export type ValidOrder = z.output<typeof OrderRequestSchema>;

export const OrderResponseSchema = z.object({
  order_id: z.string(),
  status: z.literal('processed'),
  message: z.string(),
  customer_name: z.string(),
  /** Two-place decimal string, e.g. "59.98". */
  total_amount: z.string(),
  item_count: z.number().int(),
  /** When the Delivery API stored the order (the first time, for a replay). */
  created_at: z.string(),
  /** The request's trace id when tracing is on, else null. */
  trace_id: z.string().nullable(),
});
export type OrderResponse = z.infer<typeof OrderResponseSchema>;

export const OrderIdParamsSchema = z.object({
  order_id: trimmedString(1, ORDER_ID_MAX_LENGTH),
});

/**
 * Random bits in a generated order id. The original's 32 bits collide (a silent "replay" of
 * another order, or a 409) as likely as not within 77,000 orders; at 200 orders/s a 3-hour demo makes
 * 2.2 million, which would give about 540 collisions. 96 bits make the chance of even one in a
 * billion orders about 6 in a trillion (n^2 / 2^97).
 */
export const GENERATED_ORDER_ID_BITS = 96;

/** `ORD-` and 24 upper-case hex digits (the original had 8; every id still fits its 50). */
export const GENERATED_ORDER_ID_PATTERN = /^ORD-[0-9A-F]{24}$/;
