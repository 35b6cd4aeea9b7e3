import { z } from 'zod';
import { appNames, PORTS, type AppNames } from '@demo/contracts';
import { baseServiceEnv, httpLimitsFrom, intVar, parseEnv, type HttpLimits, type LogLevel } from '@demo/service-kit';

const seconds = (fallback: number) => z.coerce.number().positive().max(3600).default(fallback);

const EnvSchema = baseServiceEnv.extend({
  PORT: intVar(PORTS.orderApi, 1, 65535),
  /** Defaults to the Deployment name, `<prefix>-order-api`. */
  SERVICE_NAME: z.string().min(1).optional(),
  /** Defaults to the Delivery API's Service, `http://<prefix>-delivery-api:5000`. */
  DELIVERY_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  // The original's client settings (seconds), with its defaults.
  HTTP_CONNECT_TIMEOUT: seconds(10),
  HTTP_READ_TIMEOUT: seconds(30),
  HTTP_MAX_RETRIES: intVar(3, 0, 10),
  HTTP_RETRY_BACKOFF_FACTOR: z.coerce.number().min(0).max(30).default(1),
  HTTP_MAX_CONNECTIONS: intVar(100, 1, 10_000),
  /** Order health's call to Delivery health (the original waited 30 s). */
  HEALTH_TIMEOUT_SECONDS: seconds(5),
  BODY_LIMIT_BYTES: intVar(1_048_576, 1024),
});

export interface Config {
  names: AppNames;
  service: { name: string; version: string };
  http: { host: string; port: number; bodyLimitBytes: number; limits: HttpLimits };
  logLevel: LogLevel;
  delivery: {
    url: string;
    connectTimeoutMs: number;
    readTimeoutMs: number;
    maxRetries: number;
    backoffFactorSeconds: number;
    maxConnections: number;
    healthTimeoutMs: number;
  };
  shutdownTimeoutMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(EnvSchema, env);
  const names = appNames(e.APP_PREFIX);
  return {
    names,
    service: { name: e.SERVICE_NAME ?? names.orderApi, version: e.SERVICE_VERSION },
    http: {
      host: e.HOST,
      port: e.PORT,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      limits: httpLimitsFrom(e),
    },
    logLevel: e.LOG_LEVEL,
    delivery: {
      url: (e.DELIVERY_API_URL ?? `http://${names.deliveryApi}:${PORTS.deliveryApi}`).replace(/\/+$/, ''),
      connectTimeoutMs: e.HTTP_CONNECT_TIMEOUT * 1000,
      readTimeoutMs: e.HTTP_READ_TIMEOUT * 1000,
      maxRetries: e.HTTP_MAX_RETRIES,
      backoffFactorSeconds: e.HTTP_RETRY_BACKOFF_FACTOR,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
      healthTimeoutMs: e.HEALTH_TIMEOUT_SECONDS * 1000,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}
