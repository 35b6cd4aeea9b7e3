import { describe, expect, it } from 'vitest';
import { formatPoolParams, parsePoolParams, POOL_PARAM_DEFAULTS } from './pool-params';

describe('parsePoolParams', () => {
  it('uses the defaults, and reports each as missing, when nothing is set', () => {
    const { params, problems } = parsePoolParams({});
    expect(params).toEqual(POOL_PARAM_DEFAULTS);
    expect(Object.keys(problems).sort()).toEqual(['faultDelaySeconds', 'faultInjection', 'maxOverflow', 'poolSize']);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['enabled', false],
    ['', false],
  ])('fault-injection "%s" is %s', (raw, expected) => {
    expect(parsePoolParams({ faultInjection: raw }).params.faultInjection).toBe(expected);
  });

  it.each([
    ['poolSize', '0'],
    ['poolSize', '101'],
    ['poolSize', '2.5'],
    ['poolSize', 'ten'],
    ['maxOverflow', '-1'],
    ['maxOverflow', '201'],
    ['faultDelaySeconds', '61'],
  ] as const)('%s "%s" falls back to the default with a reason', (key, raw) => {
    const { params, problems } = parsePoolParams({ [key]: raw });
    expect(params[key]).toBe(POOL_PARAM_DEFAULTS[key]);
    expect(problems[key]).toBeTruthy();
  });

  it('round-trips through the stored strings', () => {
    const params = { poolSize: 1, maxOverflow: 0, faultInjection: true, faultDelaySeconds: 3 };
    expect(parsePoolParams(formatPoolParams(params)).params).toEqual(params);
  });
});
