import type { Totals } from '../../shared/signals';

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(rate > 0 && rate < 0.01 ? 2 : 1)} %`;
}

export function millis(ms: number | null): string {
  return ms === null ? '—' : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

/** Green, amber or red for a node or edge: faults first, then latency. */
export function health(totals: Totals): 'green' | 'amber' | 'red' | 'idle' {
  if (totals.requests === 0) return 'idle';
  const faults = totals.faultRate ?? 0;
  if (faults >= 0.05 || (totals.p99 ?? 0) >= 2000) return 'red';
  if (faults > 0 || (totals.p99 ?? 0) >= 500) return 'amber';
  return 'green';
}

export const HEALTH_CLASSES = {
  green: 'border-emerald-400 bg-emerald-50',
  amber: 'border-amber-400 bg-amber-50',
  red: 'border-red-500 bg-red-50',
  idle: 'border-slate-200 bg-white',
} as const;
