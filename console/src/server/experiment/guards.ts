import type { GuardConfig, GuardId, GuardReading } from '../../shared/experiment';

/** What the guards are read from, gathered by GuardWatch once per metric period (the burst every second). */
export interface GuardInputs {
  /** The Order API's POST /api/orders Fault rate (0..1) of each complete period with requests since the fault was verified, oldest first. */
  faultRates: number[];
  /** The availability SLO's budget burnt since the inject, as a share of its total (0..1); null until known. */
  budgetBurnt: number | null;
  /** A burst that ran while the fault was on, and has ended. */
  endedBurst: { id: string; endedAt: string } | null;
}

export interface GuardVerdict {
  readings: GuardReading[];
  /** The first guard that tripped, with the value that tripped it. */
  trip?: { guard: GuardId; value: string };
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
export const periods = (n: number) => `${n} period${n === 1 ? '' : 's'}`;

/** The guards as state transitions of one reading: each is within bounds, tripped, or off. */
export function readGuards(config: GuardConfig, inputs: GuardInputs): GuardVerdict {
  const readings: GuardReading[] = [];

  // Fault rate: the trailing run of periods above the threshold.
  const faultOn = config.faultRatePercent > 0;
  let streak = 0;
  for (let i = inputs.faultRates.length - 1; i >= 0; i--) {
    if ((inputs.faultRates[i] ?? 0) * 100 > config.faultRatePercent) streak++;
    else break;
  }
  const lastRate = inputs.faultRates.at(-1);
  readings.push({
    id: 'fault-rate',
    title: 'Order API Fault rate (POST /api/orders)',
    enabled: faultOn,
    threshold: `above ${config.faultRatePercent} % for ${periods(config.faultRatePeriods)}`,
    value:
      lastRate === undefined
        ? null
        : `${percent(lastRate)} (${Math.min(streak, config.faultRatePeriods)} of ${periods(config.faultRatePeriods)} above)`,
    tripped: faultOn && streak >= config.faultRatePeriods,
  });

  const budgetOn = config.budgetBurnPercent > 0;
  readings.push({
    id: 'budget',
    title: 'Availability SLO error budget burnt since the inject',
    enabled: budgetOn,
    threshold: `past ${config.budgetBurnPercent} %`,
    value: inputs.budgetBurnt === null ? null : percent(inputs.budgetBurnt),
    tripped: budgetOn && inputs.budgetBurnt !== null && inputs.budgetBurnt * 100 > config.budgetBurnPercent,
  });

  readings.push({
    id: 'burst-end',
    title: 'A burst during the fault ends',
    enabled: config.restoreOnBurstEnd,
    threshold: 'when a burst ends',
    value: inputs.endedBurst
      ? `burst ${inputs.endedBurst.id.slice(0, 8)} ended ${inputs.endedBurst.endedAt}`
      : 'no burst ended',
    tripped: config.restoreOnBurstEnd && inputs.endedBurst !== null,
  });

  const tripped = readings.find((r) => r.tripped);
  return { readings, ...(tripped ? { trip: { guard: tripped.id, value: tripped.value ?? '' } } : {}) };
}
