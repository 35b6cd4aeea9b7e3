/**
 * One error model for the console's server. Every error a route may answer with is a ConsoleError
 * carrying its HTTP status (and any extra JSON fields). Routes recognise one by its brand, not by
 * `instanceof`: Next bundles route handlers and instrumentation.ts separately, so the runbook kept
 * on globalThis may throw a class from another bundle's copy of this module.
 */
const BRAND = Symbol.for('appsignals-demo.console-error');

export class ConsoleError extends Error {
  readonly [BRAND] = true;

  constructor(
    readonly status: number,
    message: string,
    /** Extra fields of the JSON answer, e.g. `details` or `running`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

export function isConsoleError(error: unknown): error is ConsoleError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** 400: a body that is not what the route reads (malformed JSON). */
export class BadRequestError extends ConsoleError {
  constructor(message: string) {
    super(400, message);
    this.name = 'BadRequestError';
  }
}

/** 404: the thing named does not exist (or is no longer kept). */
export class NotFoundError extends ConsoleError {
  constructor(message: string) {
    super(404, message);
    this.name = 'NotFoundError';
  }
}

/** 409: another run of the same kind holds the slot. */
export class ConflictError extends ConsoleError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(409, message, extra);
    this.name = 'ConflictError';
  }
}

/** 422: input that parsed but is not valid, with the fields at fault. */
export class ValidationError extends ConsoleError {
  constructor(message: string, details: { field: string; message: string }[]) {
    super(422, message, { details });
    this.name = 'ValidationError';
  }
}

/** 503: the console's target (local-cloud or AWS) is not configured or not reachable. */
export class TargetError extends ConsoleError {
  constructor(message: string) {
    super(503, message);
    this.name = 'TargetError';
  }
}

interface ZodLikeError {
  issues: { path: PropertyKey[]; message: string }[];
}

/** A zod failure, also from another bundle's copy of zod. */
export function isZodError(error: unknown): error is Error & ZodLikeError {
  return error instanceof Error && error.name === 'ZodError' && Array.isArray((error as Partial<ZodLikeError>).issues);
}
