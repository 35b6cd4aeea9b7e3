import { describe, expect, it } from 'vitest';
import { humanDuration, toTable, wantsTable } from './tables';

describe('server-side printing', () => {
  // The cases of k8s.io/apimachinery/pkg/util/duration's HumanDuration tests.
  it.each([
    [1, '1s'],
    [70, '70s'],
    [190, '3m10s'],
    [70 * 60, '70m'],
    [47 * 3600, '47h'],
    [49 * 3600, '2d1h'],
    [(8 * 24 + 2) * 3600, '8d'],
    [367 * 24 * 3600, '367d'],
    [(365 * 2 + 5) * 24 * 3600, '2y5d'],
    [(365 * 8 + 2) * 24 * 3600, '8y'],
    [-0.5, '0s'],
    [-1.5, '0s'],
    [-2, '<invalid>'],
  ])('%d s is %s', (seconds, shown) => {
    expect(humanDuration(seconds)).toBe(shown);
  });

  it("asks for a Table only with kubectl's Accept", () => {
    expect(
      wantsTable(
        'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      ),
    ).toBe(true);
    expect(wantsTable('application/json')).toBe(false);
    expect(wantsTable(undefined)).toBe(false);
  });

  it('leaves kinds it does not print alone', () => {
    expect(toTable({ kind: 'Scale', spec: {} })).toBeUndefined();
    expect(toTable({ kind: 'Status' })).toBeUndefined();
  });
});
