import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  centsToNumber,
  ErrorBodySchema,
  formatCents,
  GENERATED_ORDER_ID_BITS,
  OrderIdParamsSchema,
  OrderRequestSchema,
  OrderResponseSchema,
  RecentOrdersQuerySchema,
  RecentOrdersResponseSchema,
  StoredOrderSchema,
  type DeliveryRequest,
  type OrderResponse,
  type ValidOrder,
} from '@demo/contracts';
import { currentTraceId, HttpError } from '@demo/service-kit';
import type { DeliveryClient } from '../delivery-client';

/** `ORD-` and GENERATED_ORDER_ID_BITS random bits in upper-case hex (the original: 32 bits). */
export function generateOrderId(): string {
  return `ORD-${randomBytes(GENERATED_ORDER_ID_BITS / 8)
    .toString('hex')
    .toUpperCase()}`;
}

/** The original computes a missing total from the items: sum of price x quantity. */
export function totalCents(order: ValidOrder): number {
  return order.total_amount ?? order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
}

/** The Delivery API's request, with money as JSON numbers as the original sent it. */
function toDeliveryRequest(order: ValidOrder, orderId: string, total: number): DeliveryRequest {
  return {
    order_id: orderId,
    customer_name: order.customer_name,
    items: order.items.map((item) => ({
      product_id: item.product_id,
      quantity: item.quantity,
      price: centsToNumber(item.price),
    })),
    total_amount: centsToNumber(total),
    shipping_address: order.shipping_address,
    timestamp: new Date().toISOString(),
  };
}

const errors = {
  400: ErrorBodySchema,
  409: ErrorBodySchema,
  422: ErrorBodySchema,
  500: ErrorBodySchema,
  502: ErrorBodySchema,
  503: ErrorBodySchema,
  504: ErrorBodySchema,
};

export function orderRoutes(app: FastifyInstance, delivery: DeliveryClient): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  // POST /api/orders - validate, forward to the Delivery API, answer with the stored order
  routes.post(
    '/api/orders',
    {
      schema: {
        summary: 'Create an order',
        description:
          'Validates the order, stores it through the Delivery API and returns it. Re-sending an ' +
          'order_id with the same content returns the stored order; with other content, 409.',
        body: OrderRequestSchema,
        response: { 200: OrderResponseSchema, ...errors },
      },
    },
    async (request) => {
      const order = request.body;
      const orderId = order.order_id ?? generateOrderId();
      const total = totalCents(order);
      const stored = await delivery.createOrder(toDeliveryRequest(order, orderId, total));
      const response: OrderResponse = {
        order_id: stored.order_id,
        status: 'processed',
        message: 'Order processed successfully',
        customer_name: order.customer_name,
        total_amount: formatCents(total),
        item_count: order.items.length,
        created_at: stored.processed_at,
        trace_id: currentTraceId(),
      };
      return response;
    },
  );

  // GET /api/orders?limit= - the newest stored orders
  routes.get(
    '/api/orders',
    {
      schema: {
        summary: 'List the newest orders',
        querystring: RecentOrdersQuerySchema,
        response: { 200: RecentOrdersResponseSchema, ...errors },
      },
    },
    async (request) => delivery.recentOrders(request.query.limit),
  );

  // GET /api/orders/:order_id - one stored order
  routes.get(
    '/api/orders/:order_id',
    {
      schema: {
        summary: 'Read one order',
        params: OrderIdParamsSchema,
        response: { 200: StoredOrderSchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      const order = await delivery.getOrder(request.params.order_id);
      if (!order) {
        throw new HttpError(404, 'Not Found', { detailMessage: `Order ${request.params.order_id} not found` });
      }
      return order;
    },
  );
}
