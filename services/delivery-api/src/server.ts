import { closeServer, createLogger, GracefulShutdown } from '@demo/service-kit';
import { loadConfig } from './config';
import { createDeliveryService } from './service';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({
    service: config.service.name,
    version: config.service.version,
    level: config.logLevel,
  });
  const shutdown = new GracefulShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    stop: async () => {
      await closeServer(server);
      await service.close();
    },
  });
  const service = await createDeliveryService(config, logger, { isDraining: () => shutdown.draining });
  const { server } = service;
  server.once('error', (error) => {
    logger.fatal({ err: error, port: config.http.port }, 'cannot listen');
    process.exit(1);
  });
  server.listen(config.http.port, config.http.host, () => {
    logger.info({ host: config.http.host, port: config.http.port }, 'delivery api listening');
  });
  shutdown.track(server);
  // Under `--require .../register` SIGTERM no longer ends the process by itself: we own it.
  shutdown.installSignalHandlers((code) => process.exit(code));
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', msg: 'delivery api failed to start', error: String(error) }));
  process.exit(1);
});
