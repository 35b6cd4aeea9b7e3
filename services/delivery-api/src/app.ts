import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '@demo/service-kit';
import type { Config } from './config';
import type { OrdersRepository } from './db/orders-repository';
import type { Database } from './db/pool';
import { errorHandler, notFound } from './errors';
import type { FaultSwitch, ParamReader, ParamReading } from './parameters';
import { ordersRouter } from './routes/orders';
import { statusRouter, type InstanceInfo } from './routes/status';

export interface DeliveryAppDeps {
  config: Config;
  logger: Logger;
  database: Database;
  orders: OrdersRepository;
  params: { reader: ParamReader; startup: ParamReading; fault: FaultSwitch };
  instance: InstanceInfo;
  /** True once SIGTERM arrived: readiness fails and connections are closed after each response. */
  isDraining: () => boolean;
}

/** One log line per request, written when the response is done. */
function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          duration_ms: Math.round(durationMs * 10) / 10,
        },
        'request',
      );
    });
    next();
  };
}

/** Builds the Delivery API from its dependencies; no listening and no env reads here. */
export function buildApp(deps: DeliveryAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res, next) => {
    if (deps.isDraining()) res.set('Connection', 'close');
    next();
  });
  app.use(requestLog(deps.logger));
  app.use(
    express.json({
      limit: deps.config.http.bodyLimitBytes,
      type: ['application/json', 'application/*+json'],
      strict: true,
    }),
  );
  app.use(ordersRouter({ orders: deps.orders, fault: deps.params.fault }));
  app.use(statusRouter(deps));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
