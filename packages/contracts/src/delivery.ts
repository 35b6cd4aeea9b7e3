import { z } from 'zod';
import { ORDER_ID_MAX_LENGTH } from './order';
import { money, trimmedString, wholeNumber } from './validation';

/**
 * The Delivery API's request (seed contract §2.3, made strict): order_id 1..50, customer_name
 * 1..255, total_amount > 0 and <= 99999999.99, a non-empty shipping address, optional items each
 * with a product id, a positive whole quantity and an optional price >= 0. Unknown keys and the
 * `timestamp` the Order API adds are accepted and not stored.
 */
export const DeliveryItemSchema = z.object({
  product_id: trimmedString(1, 100),
  quantity: wholeNumber(1, 1_000_000),
  price: money({ allowZero: true }).nullish(),
});

/** TEXT holds 65,535 bytes; 16,000 characters of up to 4 bytes each always fit. */
export const MAX_SHIPPING_ADDRESS_LENGTH = 16_000;
export const MAX_DELIVERY_ITEMS = 1000;

export const DeliveryRequestSchema = z.object({
  order_id: trimmedString(1, ORDER_ID_MAX_LENGTH),
  customer_name: trimmedString(1, 255),
  total_amount: money({ allowZero: false }),
  shipping_address: trimmedString(1, MAX_SHIPPING_ADDRESS_LENGTH),
  items: z
    .array(DeliveryItemSchema, { error: 'must be a list' })
    .max(MAX_DELIVERY_ITEMS, `must have at most ${MAX_DELIVERY_ITEMS} items`)
    .optional(),
  timestamp: z.string({ error: 'must be a string' }).optional(),
});
export type DeliveryRequest = z.input<typeof DeliveryRequestSchema>;
export type ValidDelivery = z.output<typeof DeliveryRequestSchema>;

export const DeliveryResponseSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  order_id: z.string(),
  /** When the order was stored (the first time, for a replay). */
  processed_at: z.string(),
  timestamp: z.string(),
  /** True when this order_id was already stored with the same content. */
  replayed: z.boolean(),
});
export type DeliveryResponse = z.infer<typeof DeliveryResponseSchema>;

/** An order as read back from MySQL. Money is a two-place decimal string. */
export const StoredOrderSchema = z.object({
  order_id: z.string(),
  customer_name: z.string(),
  total_amount: z.string(),
  shipping_address: z.string(),
  items: z.array(
    z.object({
      product_id: z.string(),
      quantity: z.number().int(),
      price: z.string().nullable(),
    }),
  ),
  item_count: z.number().int(),
  created_at: z.string(),
});
export type StoredOrder = z.infer<typeof StoredOrderSchema>;

export const RECENT_ORDERS_DEFAULT_LIMIT = 20;
export const RECENT_ORDERS_MAX_LIMIT = 100;

export const RecentOrdersQuerySchema = z.object({
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(RECENT_ORDERS_MAX_LIMIT, `must be at most ${RECENT_ORDERS_MAX_LIMIT}`)
    .default(RECENT_ORDERS_DEFAULT_LIMIT),
});

export const RecentOrdersResponseSchema = z.object({
  orders: z.array(StoredOrderSchema),
  limit: z.number().int(),
});
export type RecentOrdersResponse = z.infer<typeof RecentOrdersResponseSchema>;

const PoolValuesSchema = z.object({
  pool_size: z.number().int(),
  max_overflow: z.number().int(),
  fault_injection: z.boolean(),
  fault_delay_seconds: z.number().int(),
});

/**
 * `/api/delivery/config`: what SSM says now (desired) beside what this process runs with
 * (effective), so a caller can see that a restart is still needed. `database_config` keeps the
 * original's shape (current SSM values) for old clients.
 */
export const DeliveryConfigSchema = z.object({
  service: z.string(),
  version: z.string(),
  instance: z.object({
    id: z.string(),
    hostname: z.string(),
    pid: z.number().int(),
    started_at: z.string(),
  }),
  database_config: PoolValuesSchema.extend({
    host: z.string(),
    port: z.number().int(),
    database: z.string(),
  }),
  desired: PoolValuesSchema.extend({
    source: z.enum(['ssm', 'defaults']),
    problems: z.record(z.string(), z.string()),
  }),
  effective: PoolValuesSchema.extend({
    connection_limit: z.number().int(),
    max_idle: z.number().int(),
    acquire_timeout_ms: z.number().int(),
  }),
  /** Names of the values where desired and effective differ. */
  drift: z.array(z.string()),
  timestamp: z.string(),
});
export type DeliveryConfig = z.infer<typeof DeliveryConfigSchema>;
