import { describe, expect, it } from 'vitest';
import type { GuardConfig } from '../../shared/experiment';
import { readGuards } from './guards';

const config: GuardConfig = {
  faultRatePercent: 20,
  faultRatePeriods: 2,
  budgetBurnPercent: 50,
  restoreOnBurstEnd: true,
};
const none = { faultRates: [], budgetBurnt: null, endedBurst: null };

describe('guards as state transitions of one reading', () => {
  it('within bounds: nothing tripped, each shows where it stands', () => {
    const verdict = readGuards(config, { faultRates: [0, 0.1, 0.3], budgetBurnt: 0.2, endedBurst: null });
    expect(verdict.trip).toBeUndefined();
    expect(verdict.readings.map((r) => [r.id, r.value, r.tripped])).toEqual([
      ['fault-rate', '30.0 % (1 of 2 periods above)', false],
      ['budget', '20.0 %', false],
      ['burst-end', 'no burst ended', false],
    ]);
    expect(verdict.readings[0]?.threshold).toBe('above 20 % for 2 periods');
  });

  it('fault rate: trips on the Y-th period in a row above X %, and a period under it starts the count again', () => {
    expect(readGuards(config, { ...none, faultRates: [0.3, 0.25] }).trip).toEqual({
      guard: 'fault-rate',
      value: '25.0 % (2 of 2 periods above)',
    });
    expect(readGuards(config, { ...none, faultRates: [0.3, 0.1, 0.25] }).trip).toBeUndefined();
    // Exactly at the threshold is not above it.
    expect(readGuards(config, { ...none, faultRates: [0.2, 0.2] }).trip).toBeUndefined();
  });

  it('budget: trips past Z % burnt since the inject, not before its first reading', () => {
    expect(readGuards(config, { ...none, budgetBurnt: 0.51 }).trip).toEqual({ guard: 'budget', value: '51.0 %' });
    expect(readGuards(config, { ...none, budgetBurnt: 0.5 }).trip).toBeUndefined();
    expect(readGuards(config, none).readings[1]).toMatchObject({ value: null, tripped: false });
  });

  it('burst end: trips when a burst during the fault has ended', () => {
    const verdict = readGuards(config, {
      ...none,
      endedBurst: { id: 'abcdef0123', endedAt: '2026-12-03T10:00:05.000Z' },
    });
    expect(verdict.trip).toEqual({ guard: 'burst-end', value: 'burst abcdef01 ended 2026-12-03T10:00:05.000Z' });
  });

  it('a guard turned off (0 or false) never trips, whatever its value', () => {
    const off: GuardConfig = {
      faultRatePercent: 0,
      faultRatePeriods: 1,
      budgetBurnPercent: 0,
      restoreOnBurstEnd: false,
    };
    const verdict = readGuards(off, { faultRates: [1, 1], budgetBurnt: 1, endedBurst: { id: 'b', endedAt: 'now' } });
    expect(verdict.trip).toBeUndefined();
    expect(verdict.readings.map((r) => r.enabled)).toEqual([false, false, false]);
  });

  it('with several over their bounds, the first in order is the trip', () => {
    expect(readGuards(config, { faultRates: [1, 1], budgetBurnt: 0.9, endedBurst: null }).trip?.guard).toBe(
      'fault-rate',
    );
  });
});
