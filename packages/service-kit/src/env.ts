import { z } from 'zod';
import { APP_PREFIX_PATTERN, DEFAULT_APP_PREFIX } from '@demo/contracts';
import { LOG_LEVELS } from './logger';

/** An integer env var with a default, e.g. `intVar(5000, 1)`. */
export function intVar(fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z.coerce.number().int().min(min).max(max).default(fallback);
}

/**
 * The limits every service's HTTP server runs with, so a slow or endless client cannot hold a
 * connection or the process: Node's defaults wait 60 s for headers and 300 s for a body (Fastify
 * turns the latter off), and never cap connections.
 */
export const httpLimitsEnv = z.object({
  /** All request headers must arrive within this. */
  HTTP_HEADERS_TIMEOUT_MS: intVar(10_000, 100),
  /** The whole request (headers and body) must arrive within this; answering may take longer. */
  HTTP_REQUEST_TIMEOUT_MS: intVar(30_000, 100),
  /** An idle keep-alive connection is closed after this (longer than a cloud load balancer's 60 s). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: intVar(65_000, 1000),
  /** A connection with no traffic either way for this long is closed (above the slowest answer). */
  HTTP_SOCKET_TIMEOUT_MS: intVar(180_000, 1000),
  /** Connections beyond this are closed as they arrive. */
  HTTP_MAX_SERVER_CONNECTIONS: intVar(2048, 1),
});

/** The env every service reads; a service extends it with its own. */
export const baseServiceEnv = httpLimitsEnv.extend({
  APP_PREFIX: z.string().regex(APP_PREFIX_PATTERN).default(DEFAULT_APP_PREFIX),
  HOST: z.string().min(1).default('0.0.0.0'),
  SERVICE_VERSION: z.string().min(1).default('1.0.0'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Longest drain on SIGTERM before open connections are cut. */
  SHUTDOWN_TIMEOUT_MS: intVar(20_000, 0),
});

/** Parses env with a schema, or throws one error that names every bad variable. */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
