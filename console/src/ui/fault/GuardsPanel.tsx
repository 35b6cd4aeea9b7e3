'use client';

import type { GuardWatchView } from '../../shared/experiment';
import { formatTime } from '../common/Card';

/** The guards of the fault that is on, live: each with its threshold and current value. */
export function GuardsPanel({ guards }: { guards: GuardWatchView }) {
  return (
    <div className="mt-3 rounded border border-slate-200 p-2" data-testid="guards">
      <p className="mb-1 text-xs font-medium text-slate-700">
        Guards: the fault restores itself when one trips
        {guards.checkedAt && <span className="font-normal text-slate-500"> (read {formatTime(guards.checkedAt)})</span>}
      </p>
      {guards.trip && (
        <p
          className="mb-1 rounded bg-red-100 px-2 py-1 text-xs font-medium text-red-800"
          data-testid="guard-trip"
          role="status"
        >
          Guard tripped at {formatTime(guards.trip.at)}: {guards.trip.guard} ({guards.trip.value}); Restore started
        </p>
      )}
      <ul className="grid gap-0.5 text-xs">
        {guards.readings.map((reading) => (
          <li
            key={reading.id}
            data-testid={`guard-${reading.id}`}
            data-tripped={reading.tripped ? 'true' : 'false'}
            data-enabled={reading.enabled ? 'true' : 'false'}
          >
            <span
              className={
                reading.tripped ? 'font-semibold text-red-700' : reading.enabled ? 'text-slate-800' : 'text-slate-400'
              }
            >
              {reading.tripped ? 'TRIPPED' : reading.enabled ? 'watching' : 'off'}
            </span>{' '}
            {reading.title}, {reading.threshold}:{' '}
            <span data-testid={`guard-${reading.id}-value`}>{reading.value ?? '—'}</span>
          </li>
        ))}
      </ul>
      {guards.error && <p className="mt-1 text-xs text-amber-800">{guards.error}</p>}
    </div>
  );
}
