import type { Server } from 'node:http';
import pino from 'pino';
import { closeServer } from '@demo/service-kit';
import {
  createDeliveryService,
  loadConfig,
  type Config,
  type DeliveryService,
  type ParamReader,
} from '@demo/delivery-api';
import { LOCAL_CREDENTIALS } from '@demo/local-cloud';
import type { TestDatabase } from './database';
import { listenOnFreePort } from './http';

export interface RunningDelivery {
  url: string;
  config: Config;
  service: DeliveryService;
  server: Server;
  draining: { value: boolean };
  close(): Promise<void>;
}

/** Env that points a Delivery API at a test database (and an SSM endpoint, if any). */
export function deliveryEnv(
  db: TestDatabase,
  ssmUrl?: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    MYSQL_HOST: db.endpoint.host,
    MYSQL_PORT: String(db.endpoint.port),
    MYSQL_USER: db.endpoint.user,
    MYSQL_PASSWORD: db.endpoint.password,
    MYSQL_DATABASE: db.endpoint.database,
    // A closed port: "SSM unreachable" unless a test brings its own.
    AWS_ENDPOINT_URL: ssmUrl ?? 'http://127.0.0.1:9',
    // The keys local-cloud's SSM checks signatures with (a child process inherits no others).
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

/** The Delivery API in this process on a free port, started through the same path as server.ts. */
export async function startDelivery(options: {
  db: TestDatabase;
  ssmUrl?: string;
  env?: Record<string, string>;
  reader?: ParamReader;
}): Promise<RunningDelivery> {
  const config = loadConfig(deliveryEnv(options.db, options.ssmUrl, options.env));
  const draining = { value: false };
  const service = await createDeliveryService(config, pino({ level: 'silent' }), {
    isDraining: () => draining.value,
    ...(options.reader ? { reader: options.reader } : {}),
  });
  const { server, url } = await listenOnFreePort((port, host, callback) => service.server.listen(port, host, callback));
  return {
    url,
    config,
    service,
    server,
    draining,
    async close() {
      await closeServer(server);
      await service.close();
    },
  };
}

/** A valid Delivery request; override fields per case. */
export function deliveryOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    order_id: `D-${Math.random().toString(36).slice(2, 12)}`,
    customer_name: 'Jane Doe',
    total_amount: 59.98,
    shipping_address: '123 Main Street, Springfield',
    items: [{ product_id: 'LAPTOP-001', quantity: 2, price: 29.99 }],
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}
