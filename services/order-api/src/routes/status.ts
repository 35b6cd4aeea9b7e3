import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { OrderHealthSchema, ReadyBodySchema, type OrderHealth, type ReadyBody } from '@demo/contracts';
import type { DeliveryClient } from '../delivery-client';

export function statusRoutes(
  app: FastifyInstance,
  deps: { delivery: DeliveryClient; service: { name: string; version: string }; isDraining: () => boolean },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const service = { service: deps.service.name, version: deps.service.version };

  // GET /api/orders/health - deep: asks the Delivery API's health (for dashboards, not probes)
  routes.get(
    '/api/orders/health',
    { schema: { summary: 'Deep health', response: { 200: OrderHealthSchema, 503: OrderHealthSchema } } },
    async (_request, reply) => {
      const { overall, delivery } = await deps.delivery.health();
      const body: OrderHealth = {
        status: overall,
        ...service,
        timestamp: new Date().toISOString(),
        dependencies: { delivery_api: delivery },
      };
      return reply.code(overall === 'unhealthy' ? 503 : 200).send(body);
    },
  );

  // GET /api/orders/ready - shallow, no I/O; 503 while draining (probes use this)
  routes.get(
    '/api/orders/ready',
    { schema: { summary: 'Readiness', response: { 200: ReadyBodySchema, 503: ReadyBodySchema } } },
    async (_request, reply) => {
      const draining = deps.isDraining();
      const body: ReadyBody = {
        status: draining ? 'not ready' : 'ready',
        ...service,
        timestamp: new Date().toISOString(),
        dependencies: {},
      };
      return reply.code(draining ? 503 : 200).send(body);
    },
  );
}
