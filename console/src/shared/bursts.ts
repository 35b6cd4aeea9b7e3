import { z } from 'zod';
import type { Snapshot, Summary } from '@demo/load';

export interface BurstCaps {
  maxRate: number;
  maxDurationSeconds: number;
  maxInFlight: number;
}

/** A burst request, checked the same way in the browser and on the server (against the caps). */
export function burstRequestSchema(caps: BurstCaps) {
  return z.object({
    rate: z
      .number({ error: 'must be a number' })
      .positive('must be above 0')
      .max(caps.maxRate, `at most ${caps.maxRate} per second`),
    durationSeconds: z
      .number({ error: 'must be a number' })
      .int('whole seconds')
      .min(1, 'at least 1 s')
      .max(caps.maxDurationSeconds, `at most ${caps.maxDurationSeconds} s`),
    maxInFlight: z
      .number({ error: 'must be a number' })
      .int('a whole number')
      .min(1, 'at least 1')
      .max(caps.maxInFlight, `at most ${caps.maxInFlight}`),
    invalidShare: z.number({ error: 'must be a number' }).min(0, 'at least 0').max(0.5, 'at most 0.5').default(0),
  });
}
export type BurstRequest = z.output<ReturnType<typeof burstRequestSchema>>;

export type BurstStatus = 'running' | 'completed' | 'stopped' | 'failed';

export interface BurstRecord {
  id: string;
  status: BurstStatus;
  startedBy: string;
  startedAt: string;
  endedAt?: string;
  options: BurstRequest & { target: string };
  summary?: Summary;
  snapshots: Snapshot[];
  error?: string;
}

export type { Snapshot, Summary };
