'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { SloRow } from '../../shared/signals';
import { Card, ErrorText } from '../common/Card';
import { LiveNotice } from '../common/LiveNotice';
import { postJson, slosQuery } from '../api';
import { useLiveQuery } from '../live';

const STATUS_CLASSES: Record<SloRow['status'], string> = {
  OK: 'bg-emerald-100 text-emerald-800',
  WARNING: 'bg-amber-100 text-amber-800',
  BREACHED: 'bg-red-100 text-red-800',
  INSUFFICIENT_DATA: 'bg-slate-100 text-slate-600',
  UNKNOWN: 'bg-slate-100 text-slate-500',
};

/** The demo's two SLOs, with attainment, error budget and status from the budget report. */
export function SloCard() {
  const queryClient = useQueryClient();
  const slos = useLiveQuery('slos', slosQuery);
  const { data } = slos;
  const create = useMutation({
    mutationFn: () => postJson('/api/slos'),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['slos'] }),
  });
  const missing = data?.slos.some((s) => !s.arn);
  return (
    <Card
      title="Service level objectives"
      testId="slo-card"
      actions={
        missing && (
          <button
            type="button"
            onClick={() => create.mutate()}
            disabled={create.isPending}
            className="rounded bg-slate-800 px-2 py-1 text-xs text-white"
            data-testid="create-slos"
          >
            Create the demo SLOs
          </button>
        )
      }
    >
      <LiveNotice topic="slos" query={slos} testId="slos-stale" />
      <ErrorText error={create.error} />
      <ul className="grid gap-2 text-sm">
        {data?.slos.map((slo) => (
          <li
            key={slo.name}
            className="grid grid-cols-[1fr_auto] gap-x-2"
            data-testid={`slo-${slo.name}`}
            data-status={slo.status}
          >
            <span>
              <span className="font-medium">{slo.name}</span>
              <span className="block text-xs text-slate-500">{slo.objective}</span>
            </span>
            <span className={`self-start rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_CLASSES[slo.status]}`}>
              {slo.arn ? slo.status : 'not created'}
            </span>
            {slo.attainment !== null && (
              <span className="col-span-2 text-xs text-slate-600">
                attainment {slo.attainment.toFixed(2)} % (goal {slo.goal} %), budget left {slo.budgetSecondsRemaining}{' '}
                of {slo.totalBudgetSeconds} s
              </span>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
