// Must come first: it hooks Fastify's initialisation (see otel.ts).
import './otel';
import { createLogger, GracefulShutdown } from '@demo/service-kit';
import { buildApp } from './app';
import { loadConfig } from './config';
import { DeliveryClient } from './delivery-client';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({
    service: config.service.name,
    version: config.service.version,
    level: config.logLevel,
  });
  const delivery = new DeliveryClient(config.delivery, `${config.service.name}/${config.service.version}`);
  const shutdown = new GracefulShutdown({ logger, timeoutMs: config.shutdownTimeoutMs, stop: () => app.close() });
  const app = await buildApp({ config, logger, delivery, isDraining: () => shutdown.draining });
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    logger.fatal({ err: error, port: config.http.port }, 'cannot listen');
    process.exit(1);
  }
  logger.info({ delivery: config.delivery.url }, 'order api ready');
  shutdown.track(app.server);
  // Under `--require .../register` SIGTERM no longer ends the process by itself: we own it.
  shutdown.installSignalHandlers((code) => process.exit(code));
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', msg: 'order api failed to start', error: String(error) }));
  process.exit(1);
});
