import os from 'node:os';
import { z } from 'zod';
import { appNames, DATABASE_NAME, PORTS, type AppNames } from '@demo/contracts';
import { baseServiceEnv, httpLimitsFrom, intVar, parseEnv, type HttpLimits, type LogLevel } from '@demo/service-kit';

const EnvSchema = baseServiceEnv.extend({
  PORT: intVar(PORTS.deliveryApi, 1, 65535),
  /** Defaults to the Deployment name, `<prefix>-delivery-api`. */
  SERVICE_NAME: z.string().min(1).optional(),
  MYSQL_HOST: z.string().min(1).default('localhost'),
  MYSQL_PORT: intVar(3306, 1, 65535),
  MYSQL_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/)
    .default(DATABASE_NAME),
  MYSQL_USER: z.string().min(1).default('root'),
  MYSQL_PASSWORD: z.string().default(''),
  /** mysql2 has no acquire timeout; ours turns a long wait for a connection into 503. */
  MYSQL_POOL_TIMEOUT_MS: intVar(5000, 1),
  /** Per SSM call; an unreachable parameter store must not hold start-up for long. */
  SSM_TIMEOUT_MS: intVar(2000, 1),
  /** How long the fault flag is cached before SSM is asked again (the original: 30 s). */
  FAULT_CACHE_TTL_MS: intVar(30_000, 0),
  BODY_LIMIT_BYTES: intVar(1_048_576, 1024),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** The SDK's standard endpoint variables; local-cloud sets AWS_ENDPOINT_URL. Unset on AWS. */
  AWS_ENDPOINT_URL_SSM: z.url().optional(),
  AWS_ENDPOINT_URL: z.url().optional(),
  /** The pod's name: Kubernetes sets it in every container (and local-cloud in every replica). */
  HOSTNAME: z.string().min(1).optional(),
});

export interface Config {
  names: AppNames;
  service: { name: string; version: string };
  /** What `/api/delivery/config` names this instance by: the pod's name where there is one. */
  hostname: string;
  http: { host: string; port: number; bodyLimitBytes: number; limits: HttpLimits };
  logLevel: LogLevel;
  mysql: {
    host: string;
    port: number;
    database: string;
    user: string;
    password: string;
    poolTimeoutMs: number;
  };
  ssm: { region: string; endpoint?: string; timeoutMs: number; faultCacheTtlMs: number };
  shutdownTimeoutMs: number;
}

/** Reads and validates the environment once; everything else receives the result. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(EnvSchema, env);
  const names = appNames(e.APP_PREFIX);
  const endpoint = e.AWS_ENDPOINT_URL_SSM ?? e.AWS_ENDPOINT_URL;
  return {
    names,
    service: { name: e.SERVICE_NAME ?? names.deliveryApi, version: e.SERVICE_VERSION },
    hostname: e.HOSTNAME ?? os.hostname(),
    http: { host: e.HOST, port: e.PORT, bodyLimitBytes: e.BODY_LIMIT_BYTES, limits: httpLimitsFrom(e) },
    logLevel: e.LOG_LEVEL,
    mysql: {
      host: e.MYSQL_HOST,
      port: e.MYSQL_PORT,
      database: e.MYSQL_DATABASE,
      user: e.MYSQL_USER,
      password: e.MYSQL_PASSWORD,
      poolTimeoutMs: e.MYSQL_POOL_TIMEOUT_MS,
    },
    ssm: {
      region: e.AWS_REGION,
      ...(endpoint ? { endpoint } : {}),
      timeoutMs: e.SSM_TIMEOUT_MS,
      faultCacheTtlMs: e.FAULT_CACHE_TTL_MS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}
