import { z } from 'zod';
import { APP_PREFIX_PATTERN, DEFAULT_APP_PREFIX } from '@demo/contracts';
import { LOG_LEVELS } from './logger';

/** An integer env var with a default, e.g. `intVar(5000, 1)`. */
export function intVar(fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z.coerce.number().int().min(min).max(max).default(fallback);
}

/** The env every service reads; a service extends it with its own. */
export const baseServiceEnv = z.object({
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
