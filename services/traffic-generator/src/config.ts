import { z } from 'zod';
import { appNames, type AppNames } from '@demo/contracts';
import { baseServiceEnv, intVar, parseEnv, type LogLevel } from '@demo/service-kit';

const EnvSchema = baseServiceEnv.extend({
  /** The Order API; defaults to its Service in the cluster, `http://<prefix>-order-api`. */
  ORDER_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Orders per second. */
  RATE: z.coerce.number().positive().max(10_000).default(5),
  /** Share of deliberately invalid orders (they show as Errors, 4xx). */
  INVALID_SHARE: z.coerce.number().min(0).max(1).default(0.05),
  MAX_IN_FLIGHT: intVar(50, 1, 10_000),
  REQUEST_TIMEOUT_MS: intVar(30_000, 100),
  /** Seconds between stats lines (the original: 60). */
  STATS_INTERVAL: intVar(60, 1, 3600),
});

export interface Config {
  names: AppNames;
  orderApiUrl: string;
  rate: number;
  invalidShare: number;
  maxInFlight: number;
  requestTimeoutMs: number;
  statsIntervalSeconds: number;
  logLevel: LogLevel;
  version: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(EnvSchema, env);
  const names = appNames(e.APP_PREFIX);
  return {
    names,
    orderApiUrl: e.ORDER_API_URL ?? `http://${names.orderApi}`,
    rate: e.RATE,
    invalidShare: e.INVALID_SHARE,
    maxInFlight: e.MAX_IN_FLIGHT,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    statsIntervalSeconds: e.STATS_INTERVAL,
    logLevel: e.LOG_LEVEL,
    version: e.SERVICE_VERSION,
  };
}
