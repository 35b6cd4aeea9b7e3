import type { Snapshot } from '../../shared/bursts';

/** The burst form's fields, as typed (text). */
export interface BurstForm {
  rate: string;
  durationSeconds: string;
  maxInFlight: string;
  invalidShare: string;
}

export const DEFAULT_BURST_FORM: BurstForm = {
  rate: '20',
  durationSeconds: '15',
  maxInFlight: '100',
  invalidShare: '0',
};

export const BURST_FIELDS: readonly { key: keyof BurstForm; label: string }[] = [
  { key: 'rate', label: 'Rate (req/s)' },
  { key: 'durationSeconds', label: 'Duration (s)' },
  { key: 'maxInFlight', label: 'Max in flight' },
  { key: 'invalidShare', label: 'Invalid share' },
];

/** The form as the burst request the server checks (the same schema checks it here first). */
export function toBurstRequest(form: BurstForm): Record<keyof BurstForm, number> {
  return {
    rate: Number(form.rate),
    durationSeconds: Number(form.durationSeconds),
    maxInFlight: Number(form.maxInFlight),
    invalidShare: Number(form.invalidShare),
  };
}

export interface BurstTotals {
  sent: number;
  ok: number;
  c4xx: number;
  c5xx: number;
  timeouts: number;
  failures: number;
  dropped: number;
}

/** What a burst's per-second snapshots add up to so far. */
export function totals(snapshots: readonly Snapshot[]): BurstTotals {
  const sum = (key: 'sent' | 'ok' | 'clientErrors' | 'serverErrors' | 'timeouts' | 'failures' | 'dropped') =>
    snapshots.reduce((n, s) => n + s[key], 0);
  return {
    sent: sum('sent'),
    ok: sum('ok'),
    c4xx: sum('clientErrors'),
    c5xx: sum('serverErrors'),
    timeouts: sum('timeouts'),
    failures: sum('failures'),
    dropped: sum('dropped'),
  };
}
