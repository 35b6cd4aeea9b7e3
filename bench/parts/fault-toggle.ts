import path from 'node:path';
import { startLoad, type Outcome } from '@demo/load';
import type { FaultView, RunRecord } from '../../console/src/shared/fault';
import { startDemo } from '../lib/demo';
import type { Part } from '../lib/part';
import { figure } from '../lib/report';
import { repeat } from '../lib/stats';

const BACKGROUND_RPS = 50;
/** How long the fault stays on, and the calm after Restore, before the next toggle. */
const HOLD_MS = 5000;

interface Toggle {
  action: 'inject' | 'restore';
  /** From the API call until the run reported every step verified, seen by polling every 100 ms. */
  clientMs: number;
  /** The runbook's own requestedAt -> endedAt. */
  serverMs: number;
  status: string;
  /** Milliseconds each runbook step took, by the runbook's timestamps. */
  steps: Record<string, number>;
}

/**
 * The background load's answers, classified. The Order API is never restarted; a Delivery API
 * replica restart that drops requests shows as the Order API failing to reach it (503 "Unable to
 * connect" / "currently unavailable") or as a transport failure. The fault itself shows as 502/504
 * (the Delivery API answered 503 "Too Many Connections", or too slowly): that is the demo working.
 */
function classify(outcome: Outcome): 'ok' | 'restart' | 'fault' | 'other' {
  if (typeof outcome === 'number') {
    if (outcome < 300) return 'ok';
    if (outcome === 503) return 'restart';
    if (outcome === 502 || outcome === 504) return 'fault';
    return 'other';
  }
  return outcome === 'failure' ? 'restart' : 'fault';
}

export const faultToggle: Part = {
  name: 'fault-toggle',
  title: `Fault toggle on the local stack (console API), under a ${BACKGROUND_RPS} rps background load`,
  async run({ config, workDir, log }) {
    const demo = await startDemo({
      path: config.PATH,
      home: config.HOME,
      logFile: path.join(workDir, 'demo.log'),
      // Pairs back to back: the presenter's cooldown between runs would only add waits to what is timed.
      env: { CONSOLE_FAULT_COOLDOWN_SECONDS: '0' },
    });
    const counts = { ok: 0, restart: 0, fault: 0, other: 0 };
    const statuses: Record<string, number> = {};
    const load = startLoad({
      url: demo.orderApiUrl,
      rate: BACKGROUND_RPS,
      // Room for every request the fault holds (10 s at 50 rps), so none is dropped by the generator.
      maxInFlight: 2000,
      requestTimeoutMs: 60_000,
      onResponse: (_, outcome) => {
        counts[classify(outcome)]++;
        statuses[String(outcome)] = (statuses[String(outcome)] ?? 0) + 1;
      },
    });
    try {
      const toggle = async (action: Toggle['action']): Promise<Toggle> => {
        const t0 = performance.now();
        // Pairs run back to back on purpose: each Inject is past the steady-state check (and its guards off).
        const response = await fetch(`${demo.consoleUrl}/api/fault/${action}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            action === 'inject'
              ? {
                  overrideSteadyState: true,
                  guards: { faultRatePercent: 0, budgetBurnPercent: 0, restoreOnBurstEnd: false },
                }
              : {},
          ),
        });
        if (response.status !== 202) throw new Error(`${action}: HTTP ${response.status} ${await response.text()}`);
        const started = (await response.json()) as RunRecord;
        for (;;) {
          const view = (await (await fetch(`${demo.consoleUrl}/api/fault`)).json()) as FaultView;
          const run = view.history.find((r) => r.id === started.id);
          if (run && run.status !== 'running') {
            const clientMs = performance.now() - t0;
            if (run.status !== 'succeeded') throw new Error(`${action} ended ${run.status}: ${run.error ?? ''}`);
            const serverMs = Date.parse(run.endedAt!) - Date.parse(run.requestedAt);
            const steps = Object.fromEntries(
              run.steps.map((step) => [
                step.name,
                step.startedAt && step.endedAt ? Date.parse(step.endedAt) - Date.parse(step.startedAt) : -1,
              ]),
            );
            return { action, clientMs, serverMs, status: run.status, steps };
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      log(`${config.BENCH_TOGGLES} inject/restore pairs (after one warm-up pair)`);
      const pairs = await repeat(config.BENCH_TOGGLES, async (run) => {
        const inject = await toggle('inject');
        await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
        const restore = await toggle('restore');
        await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
        log(`  pair ${run}: inject ${Math.round(inject.clientMs)} ms, restore ${Math.round(restore.clientMs)} ms`);
        return { inject, restore };
      });
      const summary = await load.stop();
      return {
        figures: [
          figure(
            'Inject: API call -> verified',
            pairs.map((p) => p.inject.clientMs / 1000),
            's',
            {
              target: { text: '<= 5 s', check: (v) => v <= 5 },
            },
          ),
          figure(
            'Restore: API call -> verified',
            pairs.map((p) => p.restore.clientMs / 1000),
            's',
            {
              target: { text: '<= 5 s', check: (v) => v <= 5 },
            },
          ),
          figure('failed background requests caused by the restarts', [counts.restart + counts.other], '', {
            target: { text: '0', check: (v) => v === 0 },
            note: `${summary.sent} sent at ${BACKGROUND_RPS} rps; ${counts.fault} failed by the fault itself, as the demo intends`,
          }),
        ],
        raw: { pairs, counts, statuses, load: summary },
      };
    } finally {
      // Idempotent: answers the same summary when the load was already stopped.
      await load.stop();
      await demo.stop();
    }
  },
};
