/**
 * The four SSM parameters that shape the Delivery API's MySQL pool and its fault, and how their
 * string values are read. The Delivery API, the console's runbook and the scripts agree on this.
 */

export interface PoolParams {
  poolSize: number;
  maxOverflow: number;
  faultInjection: boolean;
  faultDelaySeconds: number;
}

export const POOL_PARAM_DEFAULTS: PoolParams = {
  poolSize: 10,
  maxOverflow: 20,
  faultInjection: false,
  faultDelaySeconds: 10,
};

/** What *Inject fault* writes: one connection, no overflow, every insert holds it. */
export const FAULT_POOL_PARAMS: Omit<PoolParams, 'faultDelaySeconds'> = {
  poolSize: 1,
  maxOverflow: 0,
  faultInjection: true,
};

export const POOL_PARAM_LIMITS = {
  poolSize: { min: 1, max: 100 },
  maxOverflow: { min: 0, max: 200 },
  faultDelaySeconds: { min: 0, max: 60 },
} as const;

/** The original accepted these spellings of "on" (lower-cased); anything else is off. */
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);

export interface ParsedParam<T> {
  value: T;
  /** Why the raw value was not used, when it was not. */
  problem?: string;
}

function parseIntParam(
  raw: string | undefined,
  fallback: number,
  limits: { min: number; max: number },
): ParsedParam<number> {
  if (raw === undefined) return { value: fallback, problem: 'missing' };
  const trimmed = raw.trim();
  if (!/^\d+$/.test(trimmed)) return { value: fallback, problem: `not a whole number: "${raw}"` };
  const value = Number(trimmed);
  if (value < limits.min || value > limits.max) {
    return { value: fallback, problem: `out of range ${limits.min}..${limits.max}: ${value}` };
  }
  return { value };
}

function parseBoolParam(raw: string | undefined, fallback: boolean): ParsedParam<boolean> {
  if (raw === undefined) return { value: fallback, problem: 'missing' };
  return { value: TRUE_WORDS.has(raw.trim().toLowerCase()) };
}

export type PoolParamKey = keyof PoolParams;

/**
 * Reads raw parameter strings (undefined when the parameter does not exist). A missing or invalid
 * value falls back to its default and is reported, so the caller can log it; it never throws.
 */
export function parsePoolParams(raw: Partial<Record<PoolParamKey, string>>): {
  params: PoolParams;
  problems: Partial<Record<PoolParamKey, string>>;
} {
  const parsed = {
    poolSize: parseIntParam(raw.poolSize, POOL_PARAM_DEFAULTS.poolSize, POOL_PARAM_LIMITS.poolSize),
    maxOverflow: parseIntParam(raw.maxOverflow, POOL_PARAM_DEFAULTS.maxOverflow, POOL_PARAM_LIMITS.maxOverflow),
    faultInjection: parseBoolParam(raw.faultInjection, POOL_PARAM_DEFAULTS.faultInjection),
    faultDelaySeconds: parseIntParam(
      raw.faultDelaySeconds,
      POOL_PARAM_DEFAULTS.faultDelaySeconds,
      POOL_PARAM_LIMITS.faultDelaySeconds,
    ),
  };
  const problems: Partial<Record<PoolParamKey, string>> = {};
  for (const key of Object.keys(parsed) as PoolParamKey[]) {
    const problem = parsed[key].problem;
    if (problem) problems[key] = problem;
  }
  return {
    params: {
      poolSize: parsed.poolSize.value,
      maxOverflow: parsed.maxOverflow.value,
      faultInjection: parsed.faultInjection.value,
      faultDelaySeconds: parsed.faultDelaySeconds.value,
    },
    problems,
  };
}

/** The string each parameter is stored as in SSM. */
export function formatPoolParams(params: PoolParams): Record<PoolParamKey, string> {
  return {
    poolSize: String(params.poolSize),
    maxOverflow: String(params.maxOverflow),
    faultInjection: params.faultInjection ? 'true' : 'false',
    faultDelaySeconds: String(params.faultDelaySeconds),
  };
}
