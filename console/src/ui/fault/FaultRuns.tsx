'use client';

import type { RunRecord } from '../../shared/fault';
import { scenarioOf } from '../../shared/scenarios';
import { formatTime } from '../common/Card';

/** The latest fault runs (their injects), each a link to its report and evidence pack. */
export function FaultRuns({ history }: { history: RunRecord[] }) {
  const injects = history.filter((r) => r.action === 'inject').slice(0, 5);
  if (injects.length === 0) return null;
  return (
    <div className="mt-3">
      <p className="mb-1 text-xs font-medium text-slate-700">Fault runs: reports and evidence packs</p>
      <ul className="grid gap-0.5 text-xs" data-testid="fault-runs">
        {injects.map((run, i) => (
          <li key={run.id}>
            <a
              href={`/experiments/${run.id}`}
              className="text-blue-700 hover:underline"
              data-testid={i === 0 ? 'latest-report-link' : `report-link-${run.id}`}
            >
              {formatTime(run.requestedAt)} {scenarioOf(run).title.toLowerCase()}: {run.status}
              {run.experiment?.trip ? `, guard ${run.experiment.trip.guard} tripped` : ''}
              {run.experiment?.steadyState?.overridden ? ', steady state overridden' : ''}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
