import { Router } from 'express';
import type { z } from 'zod';
import {
  DeliveryRequestSchema,
  OrderIdParamsSchema,
  RecentOrdersQuerySchema,
  toFieldErrors,
  type DeliveryResponse,
  type RecentOrdersResponse,
} from '@demo/contracts';
import { HttpError } from '@demo/service-kit';
import type { OrdersRepository } from '../db/orders-repository';
import { methodNotAllowed } from '../errors';
import type { FaultSwitch } from '../parameters';

/** Parses with a contract schema or throws the 422 the error boundary renders. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = toFieldErrors(result.error.issues);
  const first = details[0];
  throw new HttpError(422, 'Validation error', {
    details,
    ...(first ? { detailMessage: `${first.field}: ${first.message}` } : {}),
  });
}

export function ordersRouter(deps: { orders: OrdersRepository; fault: FaultSwitch }): Router {
  const router = Router();

  // POST /api/delivery - validate an order and store it once
  router
    .route('/api/delivery')
    .post(async (req, res) => {
      if (req.body === undefined) {
        throw new HttpError(415, 'Unsupported Media Type', {
          detailMessage: 'Request must be JSON (Content-Type: application/json)',
        });
      }
      const order = validate(DeliveryRequestSchema, req.body);
      const stored = await deps.orders.store(order, deps.fault.current());
      const response: DeliveryResponse = {
        success: true,
        message: 'Order processed successfully',
        order_id: stored.orderId,
        processed_at: stored.createdAt.toISOString(),
        timestamp: new Date().toISOString(),
        replayed: stored.replayed,
      };
      res.json(response);
    })
    .all(methodNotAllowed(['POST']));

  // GET /api/delivery/orders?limit= - the newest orders first
  router
    .route('/api/delivery/orders')
    .get(async (req, res) => {
      const { limit } = validate(RecentOrdersQuerySchema, req.query);
      const response: RecentOrdersResponse = { orders: await deps.orders.recent(limit), limit };
      res.json(response);
    })
    .all(methodNotAllowed(['GET']));

  // GET /api/delivery/orders/:order_id - one stored order
  router
    .route('/api/delivery/orders/:order_id')
    .get(async (req, res) => {
      const { order_id } = validate(OrderIdParamsSchema, req.params);
      const order = await deps.orders.find(order_id);
      if (!order) throw new HttpError(404, 'Not Found', { detailMessage: `Order ${order_id} not found` });
      res.json(order);
    })
    .all(methodNotAllowed(['GET']));

  return router;
}
