import { z } from 'zod';

/** Shallow readiness: no I/O, 503 once the process is shutting down. */
export const ReadyBodySchema = z.object({
  status: z.enum(['ready', 'not ready']),
  service: z.string(),
  version: z.string(),
  timestamp: z.string(),
  dependencies: z.object({}).optional(),
});
export type ReadyBody = z.infer<typeof ReadyBodySchema>;

/** Delivery health: `SELECT 1` on a pooled connection. */
export const DeliveryHealthSchema = z.object({
  status: z.enum(['healthy', 'unhealthy']),
  service: z.string(),
  version: z.string(),
  database: z.object({
    status: z.enum(['healthy', 'unhealthy']),
    host: z.string(),
    port: z.number().int(),
    database: z.string(),
    error: z.string().optional(),
  }),
  timestamp: z.string(),
});
export type DeliveryHealth = z.infer<typeof DeliveryHealthSchema>;

/** Order health: calls Delivery health, with the original's healthy / degraded / unhealthy. */
export const OrderHealthSchema = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  service: z.string(),
  version: z.string(),
  timestamp: z.string(),
  dependencies: z.object({
    delivery_api: z.object({
      url: z.string(),
      status: z.enum(['healthy', 'unhealthy']),
      response_time_ms: z.number(),
      error: z.string().nullable(),
      service_version: z.string().optional(),
      database_status: z.string().optional(),
    }),
  }),
});
export type OrderHealth = z.infer<typeof OrderHealthSchema>;
