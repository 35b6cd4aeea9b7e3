import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadConfig, type Config } from '../src/config';
import { buildApp } from '../src/app';
import { DeliveryClient, type DeliveryClientOptions } from '../src/delivery-client';

export interface RunningOrder {
  url: string;
  app: FastifyInstance;
  config: Config;
  draining: { value: boolean };
  close(): Promise<void>;
}

/** Env for fast tests: the original's retry count, but millisecond backoff. */
export function orderEnv(deliveryUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DELIVERY_API_URL: deliveryUrl,
    HTTP_RETRY_BACKOFF_FACTOR: '0.001',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

/** The Order API in this process, listening on a free port. */
export async function startOrder(options: {
  deliveryUrl: string;
  env?: Record<string, string>;
  client?: DeliveryClientOptions;
}): Promise<RunningOrder> {
  const config = loadConfig(orderEnv(options.deliveryUrl, options.env));
  const draining = { value: false };
  const delivery = new DeliveryClient(config.delivery, 'order-api-test/1.0', options.client);
  const app = await buildApp({ config, logger: pino({ level: 'silent' }), delivery, isDraining: () => draining.value });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, app, config, draining, close: () => app.close() };
}

/** A valid Order API request; override fields per case. */
export function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customer_name: 'Jane Doe',
    items: [{ product_id: 'LAPTOP-001', quantity: 2, price: 29.99 }],
    shipping_address: '123 Main Street, Springfield',
    ...overrides,
  };
}
