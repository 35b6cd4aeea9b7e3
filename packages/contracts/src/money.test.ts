import { describe, expect, it } from 'vitest';
import { formatCents, toCents } from './money';

describe('toCents', () => {
  it.each([
    [29.99, 2999],
    ['29.99', 2999],
    [0.1, 10],
    [30, 3000],
    ['30.5', 3050],
    [' 7.05 ', 705],
    [99999999.99, 9999999999],
    [0, 0],
  ])('%j is %i cents', (input, cents) => {
    expect(toCents(input)).toBe(cents);
  });

  it.each([[0.1 + 0.2], [29.999], ['1.005'], [-1], ['-1'], [1e21], ['1e3'], [''], ['abc'], [Number.NaN], ['12.']])(
    'refuses %j',
    (input) => {
      expect(toCents(input)).toBeNull();
    },
  );
});

describe('formatCents', () => {
  it.each([
    [5998, '59.98'],
    [5100, '51.00'],
    [5, '0.05'],
    [0, '0.00'],
    [-250, '-2.50'],
  ])('%i is %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });
});
