import { z } from 'zod';
import { MAX_MONEY_CENTS, toCents } from './money';

/** One failed field in a 4xx body: `items.0.price`, and what is wrong with it. */
export const FieldErrorSchema = z.object({
  field: z.string(),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldErrorSchema>;

/** The body of every error response of both services. */
export const ErrorBodySchema = z.object({
  error: z.string(),
  status_code: z.number().int(),
  message: z.string().optional(),
  details: z.array(FieldErrorSchema).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Zod issues as `{field, message}` pairs; the field is the dotted path, `(body)` for the root. */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

/** Say "is required" for a missing field instead of zod's "expected string, received undefined". */
function typeError(expected: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'Field required' : `must be ${expected}`);
}

/** A required string, whitespace-stripped before its length is checked (as the original did). */
export function trimmedString(min: number, max: number) {
  return z
    .string({ error: typeError('a string') })
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);
}

export function wholeNumber(min: number, max: number) {
  return z
    .number({ error: typeError('a number') })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

/**
 * An amount as a JSON number or decimal string with at most two places, parsed to integer cents.
 * `allowZero` distinguishes "> 0" (prices and totals on the Order API) from ">= 0".
 */
export function money(options: { allowZero: boolean }) {
  return z.union([z.number(), z.string()], { error: typeError('a number') }).transform((value, ctx) => {
    const cents = toCents(value);
    if (cents === null) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: 'must be a non-negative number with at most 2 decimal places',
      });
      return z.NEVER;
    }
    if (cents === 0 && !options.allowZero) {
      ctx.issues.push({ code: 'custom', input: value, message: 'must be greater than 0' });
      return z.NEVER;
    }
    if (cents > MAX_MONEY_CENTS) {
      ctx.issues.push({ code: 'custom', input: value, message: 'must be at most 99999999.99' });
      return z.NEVER;
    }
    return cents;
  });
}
