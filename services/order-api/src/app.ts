import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { createHttpServer, type Logger } from '@demo/service-kit';
import type { Config } from './config';
import type { DeliveryClient } from './delivery-client';
import { installErrorHandling, installNotFound } from './errors';
import { orderRoutes } from './routes/orders';
import { statusRoutes } from './routes/status';

export interface OrderAppDeps {
  config: Config;
  logger: Logger;
  delivery: DeliveryClient;
  /** True once SIGTERM arrived: readiness fails and connections are closed after each response. */
  isDraining: () => boolean;
}

/** Builds the Order API from its dependencies; no listening and no env reads here. */
export async function buildApp(deps: OrderAppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  // Typed as Fastify's logger interface so the instance has the plain FastifyInstance type.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    // One line per request is written by the onResponse hook below instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.bodyLimitBytes,
    // Header, request and idle timeouts and the connection cap (Fastify's own turn the body's off).
    serverFactory: (handler) => createHttpServer(config.http.limits, handler),
    // Draining is ours (GracefulShutdown); by the time Fastify closes, connections are done.
    return503OnClosing: false,
    forceCloseConnections: true,
  });
  // JSON only: Fastify also parses text/plain by default, which would reach validation as a string.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    /^application\/[\w.-]+\+json$/,
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installNotFound(app);

  app.addHook('onRequest', async (_request, reply) => {
    if (deps.isDraining()) void reply.header('connection', 'close');
  });
  // One log line per request.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        route: request.routeOptions.url,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Order API',
        description: 'Orders for the CloudWatch Application Signals demo. Schemas are the ones that validate.',
        version: config.service.version,
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  orderRoutes(app, deps.delivery);
  statusRoutes(app, { delivery: deps.delivery, service: config.service, isDraining: deps.isDraining });
  app.addHook('onClose', () => deps.delivery.close());
  return app;
}
