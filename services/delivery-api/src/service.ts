import type http from 'node:http';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Express } from 'express';
import { createHttpServer, type Logger } from '@demo/service-kit';
import { buildApp } from './app';
import type { Config } from './config';
import { migrate } from './db/migrations';
import { OrdersRepository } from './db/orders-repository';
import { Database } from './db/pool';
import { FaultSwitch, ssmParamReader, type ParamReader } from './parameters';

export interface DeliveryService {
  app: Express;
  /** The app in an HTTP server with the configured timeouts and connection cap; not listening yet. */
  server: http.Server;
  database: Database;
  close(): Promise<void>;
}

/** An SSM client that gives up fast: an unreachable store must not stall start-up or /config. */
export function createSsmClient(config: Config): SSMClient {
  return new SSMClient({
    region: config.ssm.region,
    ...(config.ssm.endpoint ? { endpoint: config.ssm.endpoint } : {}),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: config.ssm.timeoutMs, requestTimeout: config.ssm.timeoutMs },
  });
}

/**
 * Start-up in order: pool parameters from SSM (read once; a change needs a restart, as in the
 * original), the pool sized from them, the schema, then the app. `server.ts` and the tests both
 * start the service through here.
 */
export async function createDeliveryService(
  config: Config,
  logger: Logger,
  options: {
    /** True once the server drains (readiness fails, connections close after each response). */
    isDraining: () => boolean;
    reader?: ParamReader;
  },
): Promise<DeliveryService> {
  const reader = options.reader ?? ssmParamReader(createSsmClient(config), config.names, logger);
  const startup = await reader.read();
  const database = new Database({ ...config.mysql, acquireTimeoutMs: config.mysql.poolTimeoutMs }, startup.params);
  try {
    const applied = await migrate(database);
    if (applied.length > 0) logger.info({ applied }, 'schema migrated');
  } catch (error) {
    await database.end();
    throw error;
  }
  logger.info(
    { params: startup.params, source: startup.source, pool: database.shape },
    'pool configured from parameters',
  );
  const app = buildApp({
    config,
    logger,
    database,
    orders: new OrdersRepository(database),
    params: { reader, startup, fault: new FaultSwitch(reader, startup, config.ssm.faultCacheTtlMs) },
    instance: {
      id: `${config.hostname}-${process.pid}`,
      hostname: config.hostname,
      pid: process.pid,
      startedAt: new Date(),
    },
    isDraining: options.isDraining,
  });
  return { app, server: createHttpServer(config.http.limits, app), database, close: () => database.end() };
}
