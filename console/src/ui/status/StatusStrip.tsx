'use client';

import type { Light } from '../../shared/status';
import { statusQuery } from '../api';
import { LiveNotice } from '../common/LiveNotice';
import { useLiveQuery } from '../live';

const COLOURS: Record<Light, string> = {
  green: 'bg-emerald-500',
  amber: 'bg-amber-400',
  red: 'bg-red-500',
};

/** Each dependency as a chip (reason on hover), and the pool's desired vs effective values. */
export function StatusStrip() {
  const status = useLiveQuery('status', statusQuery);
  const { data } = status;
  if (!data)
    return (
      <div className="text-sm text-slate-500">
        {status.error ? 'Status unavailable' : 'Checking…'}
        <LiveNotice topic="status" query={status} testId="status-stale" />
      </div>
    );
  const desired = data.pool.desired;
  return (
    <div className="flex flex-col gap-2" data-testid="status-strip">
      <LiveNotice topic="status" query={status} testId="status-stale" />
      <ul className="flex flex-wrap gap-2">
        {data.chips.map((chip) => (
          <li
            key={chip.name}
            title={chip.reason}
            data-testid={`chip-${chip.name}`}
            data-light={chip.light}
            className="flex items-center gap-2 rounded-full border border-slate-200 bg-white px-3 py-1 text-sm"
          >
            <span className={`h-2.5 w-2.5 rounded-full ${COLOURS[chip.light]}`} aria-label={chip.light} />
            {chip.name}
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-3 text-xs text-slate-600" data-testid="pool-settings">
        <span>
          Pool desired (SSM):{' '}
          {desired
            ? `size ${desired.poolSize}, overflow ${desired.maxOverflow}, fault ${desired.faultInjection ? `on (${desired.faultDelaySeconds} s)` : 'off'}`
            : 'unknown'}
        </span>
        {data.pool.replicas.map((r) => (
          <span key={r.pod} className="rounded bg-slate-100 px-2 py-0.5" title={r.pod}>
            {r.pod.slice(-5)}: size {r.effective.pool_size}, overflow {r.effective.max_overflow}, fault{' '}
            {r.effective.fault_injection ? 'on' : 'off'}
          </span>
        ))}
        {data.pool.drift && (
          <span className="rounded bg-amber-100 px-2 py-0.5 font-medium text-amber-800" data-testid="drift-warning">
            Drift: running replicas differ from SSM (a restart applies it)
          </span>
        )}
      </div>
    </div>
  );
}
