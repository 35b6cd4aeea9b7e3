'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useLiveQuery } from '../live';
import { useEffect, useState } from 'react';
import type { RunAction, RunRecord, StepStatus } from '../../shared/fault';
import { SCENARIO_IDS, SCENARIOS, scenarioOf, type ScenarioId } from '../../shared/scenarios';
import { Card, ErrorText, formatTime } from '../common/Card';
import { LiveNotice } from '../common/LiveNotice';
import { faultPlansQuery, faultStateQuery, postJson } from '../api';
import { FaultRuns } from './FaultRuns';
import { GuardsPanel } from './GuardsPanel';
import { InjectDialog } from './InjectDialog';

const STEP_ICON: Record<StepStatus, string> = { pending: '○', running: '◔', succeeded: '✓', failed: '✗', skipped: '–' };
const STEP_TONE: Record<StepStatus, string> = {
  pending: 'text-slate-400',
  running: 'text-blue-700',
  succeeded: 'text-emerald-700',
  failed: 'text-red-700',
  skipped: 'text-slate-400',
};

function useCountdown(until: string | undefined): string | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  if (!until) return undefined;
  const left = Math.max(0, Math.round((new Date(until).getTime() - now) / 1000));
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

function RunSteps({ run }: { run: RunRecord }) {
  return (
    <ol
      className="grid gap-1 text-sm"
      data-testid="runbook-steps"
      data-run-status={run.status}
      data-action={run.action}
    >
      {run.steps.map((step) => (
        <li
          key={step.name}
          className="grid grid-cols-[1.25rem_1fr_auto] gap-x-2"
          data-testid={`step-${step.name}`}
          data-status={step.status}
        >
          <span className={STEP_TONE[step.status]}>{STEP_ICON[step.status]}</span>
          <span className={STEP_TONE[step.status]}>{step.title}</span>
          <span className="text-xs text-slate-400">{formatTime(step.endedAt ?? step.startedAt)}</span>
          {step.detail && (
            <span className="col-start-2 col-end-4 break-words text-xs text-slate-500">{step.detail}</span>
          )}
        </li>
      ))}
    </ol>
  );
}

/**
 * Inject fault / Restore. Each asks for confirmation with the exact calls it will make (Inject also
 * shows the steady-state check and its guards; "Dry run" shows the same and changes nothing); the
 * run itself happens on the server, so it goes on (guards, auto-restore) with the browser closed.
 */
export function FaultCard() {
  const queryClient = useQueryClient();
  const [scenarioId, setScenarioId] = useState<ScenarioId>('pool-exhaustion');
  const scenario = SCENARIOS[scenarioId];
  const [delay, setDelay] = useState(scenario.delay.default);
  const fault = useLiveQuery('fault', faultStateQuery);
  const { data } = fault;
  const plans = useQuery(faultPlansQuery(scenarioId, delay));
  const [confirming, setConfirming] = useState<RunAction | 'dry-run'>();
  const countdown = useCountdown(data?.autoRestoreAt);
  const cooldown = useCountdown(data?.cooldownUntil);
  const killSwitch = data?.killSwitch;
  const kill = useMutation({
    mutationFn: (engaged: boolean) => postJson('/api/kill-switch', { engaged }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['fault'] }),
  });
  const closeDialog = () => {
    setConfirming(undefined);
    void queryClient.invalidateQueries({ queryKey: ['fault'] });
  };
  // Restore and Retry; Inject goes through its dialog (the steady state and the guards).
  const act = useMutation({
    mutationFn: ({ action }: { action: 'restore' | 'retry' }) => postJson<RunRecord>(`/api/fault/${action}`),
    onSettled: closeDialog,
  });

  const latest = data?.running ?? data?.history[0];
  const injectPlan = (confirming === 'inject' || confirming === 'dry-run') && plans.data?.inject;
  const restorePlan = confirming === 'restore' && plans.data?.restore;
  const busy = Boolean(data?.running);
  // A countdown that reached 0:00 is over, though the next read has not said so yet.
  const coolingDown = Boolean(cooldown && cooldown !== '0:00');
  const injectBlocked = busy || Boolean(killSwitch?.engaged) || coolingDown;
  return (
    <Card
      title="Fault"
      testId="fault-card"
      actions={
        <span
          className={`rounded-full px-2 py-0.5 text-xs font-medium ${data?.faultActive ? 'bg-red-100 text-red-800' : 'bg-emerald-100 text-emerald-800'}`}
          data-testid="fault-state"
          data-active={data?.faultActive ? 'true' : 'false'}
        >
          {data?.faultActive ? 'Fault injected' : 'Normal'}
        </span>
      }
    >
      <LiveNotice topic="fault" query={fault} testId="fault-stale" />
      <div className="mb-2 flex flex-wrap items-center gap-2">
        {killSwitch?.engaged ? (
          <>
            <span
              className="rounded bg-red-700 px-2 py-1 text-xs font-semibold text-white"
              data-testid="kill-switch-engaged"
              role="status"
            >
              Kill switch on since {formatTime(killSwitch.since)} ({killSwitch.by}): bursts, traffic and fault stopped;
              nothing new starts
            </span>
            <button
              type="button"
              onClick={() => kill.mutate(false)}
              disabled={kill.isPending}
              className="rounded border border-slate-300 px-2 py-1 text-xs"
              data-testid="kill-switch-rearm"
            >
              Re-arm
            </button>
          </>
        ) : (
          <button
            type="button"
            onClick={() => kill.mutate(true)}
            disabled={kill.isPending}
            className="rounded border-2 border-red-700 px-2 py-1 text-xs font-semibold text-red-700 hover:bg-red-50"
            data-testid="kill-switch"
            title="Stop every burst and the background traffic, restore the fault, and block new runs until re-armed"
          >
            Kill switch: stop everything
          </button>
        )}
        {coolingDown && (
          <span className="text-xs text-slate-600" data-testid="cooldown">
            Cooling down after the last Restore: next Inject in {cooldown}
          </span>
        )}
      </div>
      <ErrorText error={kill.error} />
      <fieldset className="mb-2 grid gap-1 sm:grid-cols-2" data-testid="scenarios">
        <legend className="mb-1 text-xs text-slate-600">Scenario</legend>
        {SCENARIO_IDS.map((id) => {
          const s = SCENARIOS[id];
          return (
            <label
              key={id}
              className={`rounded border p-2 text-xs ${id === scenarioId ? 'border-red-400 bg-red-50' : 'border-slate-200'}`}
              data-testid={`scenario-${id}`}
            >
              <input
                type="radio"
                name="scenario"
                value={id}
                checked={id === scenarioId}
                disabled={busy}
                onChange={() => {
                  setScenarioId(id);
                  setDelay(s.delay.default);
                }}
                className="mr-1"
              />
              <span className="font-medium">{s.title}</span>
              <span className="block text-slate-600">{s.summary}</span>
              <span className="mt-1 block text-slate-500">Verified when {s.verification}.</span>
              <span className="mt-1 block text-slate-500">Expect:</span>
              <ul className="list-disc pl-4 text-slate-600" data-testid={`signature-${id}`}>
                {s.signature.map((line) => (
                  <li key={`${line.chart}-${line.service}`}>
                    {line.service} {line.chart}: {line.expect}
                  </li>
                ))}
              </ul>
            </label>
          );
        })}
      </fieldset>
      <div className="flex flex-wrap items-end gap-2">
        <label className="text-xs text-slate-600">
          Hold each insert (s)
          <input
            type="number"
            min={scenario.delay.min}
            max={scenario.delay.max}
            value={delay}
            onChange={(e) => setDelay(Number(e.target.value))}
            className="ml-1 w-16 rounded border border-slate-300 px-2 py-1 text-sm"
            data-testid="fault-delay"
          />
        </label>
        <button
          type="button"
          disabled={injectBlocked}
          onClick={() => setConfirming('inject')}
          className="rounded bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-50"
          data-testid="inject-fault"
        >
          Inject fault
        </button>
        <button
          type="button"
          onClick={() => setConfirming('dry-run')}
          className="rounded border border-slate-300 px-3 py-1.5 text-sm"
          data-testid="dry-run"
          title="The exact calls, the steady-state check and the guards of an Inject, without making it"
        >
          Dry run
        </button>
        <button
          type="button"
          disabled={busy && data?.running?.action === 'restore'}
          onClick={() => setConfirming('restore')}
          className="rounded bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-700 disabled:opacity-50"
          data-testid="restore"
        >
          Restore
        </button>
        {latest && (latest.status === 'failed' || latest.status === 'cancelled') && !busy && (
          <button
            type="button"
            onClick={() => act.mutate({ action: 'retry' })}
            className="rounded border border-slate-300 px-3 py-1.5 text-sm"
            data-testid="retry-run"
          >
            Retry {latest.action}
          </button>
        )}
        {countdown && (
          <span className="text-xs text-slate-600" data-testid="auto-restore">
            Auto-restore in {countdown}
          </span>
        )}
      </div>

      {injectPlan && (
        <InjectDialog
          key={`${scenarioId}-${delay}`}
          plan={injectPlan}
          scenario={scenarioId}
          delay={delay}
          dryRun={confirming === 'dry-run'}
          onClose={closeDialog}
        />
      )}
      {restorePlan && (
        <div
          role="dialog"
          aria-label="Confirm restore"
          className="mt-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm"
          data-testid="confirm-dialog"
        >
          <p className="font-medium">
            Restore normal operation? These calls will be made (a dry run: nothing has been changed yet):
          </p>
          <ol className="mt-1 list-decimal pl-5 font-mono text-xs">
            {restorePlan.calls.map((call) => (
              <li key={call}>{call}</li>
            ))}
          </ol>
          {busy && <p className="mt-1 text-xs text-amber-800">The inject in progress will be cancelled first.</p>}
          <div className="mt-2 flex gap-2">
            <button
              type="button"
              onClick={() => act.mutate({ action: 'restore' })}
              disabled={act.isPending}
              className="rounded bg-slate-900 px-3 py-1 text-sm text-white"
              data-testid="confirm-run"
            >
              Restore
            </button>
            <button
              type="button"
              onClick={() => setConfirming(undefined)}
              className="rounded border border-slate-300 px-3 py-1 text-sm"
            >
              Cancel
            </button>
          </div>
        </div>
      )}
      <ErrorText error={act.error} />

      {latest && (
        <div className="mt-3">
          <p className="mb-1 text-xs text-slate-500">
            {latest.action === 'inject' ? `Inject (${scenarioOf(latest).title.toLowerCase()})` : 'Restore'} requested by{' '}
            {latest.requestedBy} at {formatTime(latest.requestedAt)} ({latest.trigger}):{' '}
            <span className="font-medium" data-testid="run-status">
              {latest.status}
            </span>
            {latest.endedAt &&
              ` in ${((new Date(latest.endedAt).getTime() - new Date(latest.requestedAt).getTime()) / 1000).toFixed(1)} s`}
          </p>
          <RunSteps run={latest} />
          {latest.error && <p className="mt-1 text-xs text-red-700">{latest.error}</p>}
        </div>
      )}
      {data?.guards && <GuardsPanel guards={data.guards} />}
      {data && <FaultRuns history={data.history} />}
    </Card>
  );
}
