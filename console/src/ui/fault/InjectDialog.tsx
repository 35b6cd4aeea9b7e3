'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { GUARD_LIMITS, type GuardConfig, type SteadyState } from '../../shared/experiment';
import type { FaultPlan, RunRecord } from '../../shared/fault';
import { SCENARIOS, type ScenarioId } from '../../shared/scenarios';
import { ErrorText } from '../common/Card';
import { getJson, postJson } from '../api';

const steadyStateQuery = {
  queryKey: ['fault', 'steady-state'],
  queryFn: () => getJson<SteadyState>('/api/experiments/steady-state'),
  refetchInterval: 5000,
};

function SteadyStatePanel({ state, loading }: { state: SteadyState | undefined; loading: boolean }) {
  if (!state) return <p className="text-xs text-slate-500">{loading ? 'Checking the steady state…' : ''}</p>;
  return (
    <div className="mt-2" data-testid="steady-state" data-ok={state.ok ? 'true' : 'false'}>
      <p className={`text-xs font-medium ${state.ok ? 'text-emerald-800' : 'text-red-800'}`}>
        Steady state {state.ok ? 'met' : 'NOT met'} (checked{' '}
        {new Date(state.checkedAt).toLocaleTimeString([], { hour12: false })}):
      </p>
      <ul className="text-xs">
        {state.checks.map((check) => (
          <li key={check.id} data-testid={`steady-${check.id}`} data-ok={check.ok ? 'true' : 'false'}>
            <span className={check.ok ? 'text-emerald-700' : 'text-red-700'}>{check.ok ? '✓' : '✗'}</span> {check.title}
            : {check.value} <span className="text-slate-500">(expected {check.expected})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function GuardFields({ guards, onChange }: { guards: GuardConfig; onChange: (g: GuardConfig) => void }) {
  const number = (
    key: 'faultRatePercent' | 'faultRatePeriods' | 'budgetBurnPercent',
    label: string,
    testId: string,
  ) => (
    <label className="text-xs text-slate-700">
      {label}
      <input
        type="number"
        min={GUARD_LIMITS[key].min}
        max={GUARD_LIMITS[key].max}
        value={guards[key]}
        onChange={(e) => onChange({ ...guards, [key]: Number(e.target.value) })}
        className="ml-1 w-16 rounded border border-slate-300 px-1 py-0.5 text-xs"
        data-testid={testId}
      />
    </label>
  );
  return (
    <fieldset className="mt-2 flex flex-wrap items-center gap-3" data-testid="guard-settings">
      <legend className="text-xs font-medium">Guards: restore by itself when (0 turns one off)</legend>
      {number('faultRatePercent', 'Order API Fault rate above %', 'guard-fault-rate')}
      {number('faultRatePeriods', 'for periods', 'guard-fault-periods')}
      {number('budgetBurnPercent', 'or error budget burnt past %', 'guard-budget')}
      <label className="text-xs text-slate-700">
        <input
          type="checkbox"
          checked={guards.restoreOnBurstEnd}
          onChange={(e) => onChange({ ...guards, restoreOnBurstEnd: e.target.checked })}
          className="mr-1"
          data-testid="guard-burst-end"
        />
        or when a burst ends
      </label>
    </fieldset>
  );
}

/**
 * The Inject confirmation, or a dry run of it: the exact calls, the steady-state check as it stands
 * now, and the guards. A failing steady state needs an override and then a second confirmation;
 * the server checks again and records the override.
 */
export function InjectDialog({
  plan,
  scenario,
  delay,
  dryRun,
  onClose,
}: {
  plan: FaultPlan;
  scenario: ScenarioId;
  delay: number;
  dryRun: boolean;
  onClose: () => void;
}) {
  const [guards, setGuards] = useState<GuardConfig>({ ...SCENARIOS[scenario].guards });
  const [override, setOverride] = useState(false);
  const [confirmingOverride, setConfirmingOverride] = useState(false);
  const steady = useQuery(steadyStateQuery);
  const inject = useMutation({
    mutationFn: () =>
      postJson<RunRecord>('/api/fault/inject', {
        scenario,
        faultDelaySeconds: delay,
        guards,
        ...(override ? { overrideSteadyState: true } : {}),
      }),
    onSuccess: onClose,
  });
  const state = steady.data;
  const met = state?.ok === true;
  return (
    <div
      role="dialog"
      aria-label={dryRun ? 'Dry run of Inject' : 'Confirm inject'}
      className="mt-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm"
      data-testid="confirm-dialog"
      data-dry-run={dryRun ? 'true' : 'false'}
    >
      <p className="font-medium">
        {dryRun ? 'Dry run: ' : ''}Inject {SCENARIOS[scenario].title.toLowerCase()}? These calls will be made (nothing
        has been changed{dryRun ? ', and a dry run changes nothing' : ' yet'}):
      </p>
      <ol className="mt-1 list-decimal pl-5 font-mono text-xs">
        {plan.calls.map((call) => (
          <li key={call}>{call}</li>
        ))}
      </ol>
      <SteadyStatePanel state={state} loading={steady.isLoading} />
      <ErrorText error={steady.error} />
      <GuardFields guards={guards} onChange={setGuards} />
      {!dryRun && state && !met && (
        <label className="mt-2 block text-xs text-red-800">
          <input
            type="checkbox"
            checked={override}
            onChange={(e) => {
              setOverride(e.target.checked);
              setConfirmingOverride(false);
            }}
            className="mr-1"
            data-testid="override-steady-state"
          />
          Inject although the steady state is not met (recorded in the run and the audit log)
        </label>
      )}
      {confirmingOverride && (
        <p className="mt-2 text-xs font-medium text-red-800" data-testid="override-confirmation">
          Second confirmation: the system is not in its steady state, so what the charts show will not be this fault
          alone. Inject anyway?
        </p>
      )}
      <div className="mt-2 flex gap-2">
        {!dryRun &&
          (confirmingOverride ? (
            <button
              type="button"
              onClick={() => inject.mutate()}
              disabled={inject.isPending}
              className="rounded bg-red-800 px-3 py-1 text-sm text-white"
              data-testid="confirm-override"
            >
              Yes, inject anyway
            </button>
          ) : (
            <button
              type="button"
              onClick={() => (met ? inject.mutate() : setConfirmingOverride(true))}
              disabled={inject.isPending || !state || (!met && !override)}
              className="rounded bg-slate-900 px-3 py-1 text-sm text-white disabled:opacity-50"
              data-testid="confirm-run"
            >
              {met ? 'Inject' : 'Inject anyway…'}
            </button>
          ))}
        <button
          type="button"
          onClick={onClose}
          className="rounded border border-slate-300 px-3 py-1 text-sm"
          data-testid="close-dialog"
        >
          {dryRun ? 'Close' : 'Cancel'}
        </button>
      </div>
      <ErrorText error={inject.error} />
    </div>
  );
}
