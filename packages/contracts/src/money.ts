/**
 * Money travels as a JSON number or a decimal string and is handled as integer cents, so no sum is
 * ever off by a float rounding. The column is DECIMAL(10,2): at most 99,999,999.99.
 */

export const MAX_MONEY_CENTS = 9_999_999_999;

const DECIMAL_PATTERN = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Cents for a number or decimal string with at most two decimal places, else null. A number is read
 * through its shortest string form, as the original read floats through `str()`: 29.99 is exact,
 * 0.1 + 0.2 is not a 2-place value.
 */
export function toCents(value: number | string): number | null {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) return null;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  const cents = whole * 100 + fraction;
  return Number.isSafeInteger(cents) ? cents : null;
}

/** "59.98" for 5998: always two places, as the API promises. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The JSON number for an amount in cents; its shortest form is the 2-place decimal. */
export function centsToNumber(cents: number): number {
  return cents / 100;
}
