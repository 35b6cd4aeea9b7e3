import { afterEach, describe, expect, it } from 'vitest';
import { POOL_PARAM_DEFAULTS } from '@demo/contracts';
import type { GuardConfig, SteadyState } from '../../shared/experiment';
import type { ChartView, SeriesPoint } from '../../shared/signals';
import { AuditLog } from '../audit';
import { openDatabase, type Db } from '../db';
import { Runbook } from '../runbook/runbook';
import { RunStore } from '../runbook/store';
import { FakeClock, FakeCluster, TEST_RUNBOOK_OPTIONS } from '../runbook/test-doubles';
import type { RunTrigger } from '../runbook/types';
import { Experiments } from './experiments';
import { GuardWatch } from './guard-watch';

/**
 * The experiment around the runbook: the steady-state gate before an Inject, and the guards that
 * restore a fault by themselves, with a real runbook and database and in-memory ports.
 */
const dbs: Db[] = [];
const runbooks: Runbook[] = [];
afterEach(() => {
  runbooks.splice(0).forEach((r) => r.dispose());
  dbs.splice(0).forEach((db) => db.close());
});

const met: SteadyState = {
  ok: true,
  checks: [{ id: 'chips', title: 'Status', ok: true, value: 'all green', expected: 'every status chip green' }],
  checkedAt: '2026-12-03T10:00:00.000Z',
};
const notMet: SteadyState = {
  ok: false,
  checks: [{ id: 'slo', title: 'Availability SLO', ok: false, value: 'BREACHED', expected: 'not BREACHED' }],
  checkedAt: '2026-12-03T10:00:00.000Z',
};

function setup(steady: SteadyState = met, gate?: () => void) {
  const db = openDatabase(':memory:');
  dbs.push(db);
  const clock = new FakeClock();
  const cluster = new FakeCluster();
  const audit = new AuditLog(db, clock.now);
  const runs = new RunStore(db);
  const runbook = new Runbook(cluster, runs, audit, clock, {
    ...TEST_RUNBOOK_OPTIONS,
    ...(gate ? { injectGate: gate } : {}),
  });
  runbooks.push(runbook);
  let steadyReads = 0;
  const experiments = new Experiments({
    runbook,
    runs,
    audit,
    steadyState: () => {
      steadyReads++;
      return Promise.resolve(steady);
    },
    report: {} as never,
  });
  return { db, clock, cluster, audit, runs, runbook, experiments, steadyReads: () => steadyReads };
}

describe('the steady-state check before an Inject', () => {
  it('met: the Inject runs, carrying the check and the scenario guards with the changes asked', async () => {
    const { experiments, runbook, runs } = setup();
    const run = await experiments.inject({ requestedBy: 'p', guards: { faultRatePeriods: 3 } });
    await runbook.idle();
    expect(runs.get(run.id)?.experiment).toEqual({
      guards: { faultRatePercent: 20, faultRatePeriods: 3, budgetBurnPercent: 300, restoreOnBurstEnd: false },
      steadyState: { ...met, overridden: false },
    });
  });

  it('not met: 409 with the failing checks, and nothing is written', async () => {
    const { experiments, cluster, runs, audit } = setup(notMet);
    await expect(experiments.inject({ requestedBy: 'p' })).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('Availability SLO: BREACHED') as string,
      extra: { steadyState: notMet },
    });
    expect(cluster.calls).toEqual([]);
    expect(runs.list()).toEqual([]);
    expect(audit.list()).toEqual([]);
  });

  it('overridden (the second confirmation): the Inject runs, and the override is on the run and in the audit log', async () => {
    const { experiments, runbook, runs, audit } = setup(notMet);
    const run = await experiments.inject({ requestedBy: 'p', overrideSteadyState: true });
    await runbook.idle();
    expect(runs.get(run.id)?.experiment?.steadyState).toEqual({ ...notMet, overridden: true });
    const rows = audit.list().reverse();
    expect(rows[0]).toMatchObject({
      action: 'experiment.override',
      outcome: 'confirmed',
      detail: { failing: ['Availability SLO: BREACHED'] },
    });
    expect(rows[1]).toMatchObject({
      action: 'fault.inject',
      outcome: 'started',
      detail: { steadyStateOverridden: true },
    });
  });

  it('the kill switch, the cooldown and bad values refuse before the steady state is even read', async () => {
    const { experiments, steadyReads } = setup(met, () => {
      throw Object.assign(new Error('The kill switch is on'), { status: 409 });
    });
    await expect(experiments.inject({ requestedBy: 'p' })).rejects.toThrow('The kill switch is on');
    await expect(
      experiments.inject({ requestedBy: 'p', scenario: 'slow-database', faultDelaySeconds: 9 }),
    ).rejects.toMatchObject({ status: 422 });
    expect(steadyReads()).toBe(0);
  });

  it('a note is saved on the run (audited), and one over the limit is a 422 that changes nothing', async () => {
    const { experiments, runbook, runs } = setup();
    const run = await experiments.inject({ requestedBy: 'p' });
    await runbook.idle();
    experiments.setNote(run.id, 'Faults on the Delivery API within one period.', 'p');
    expect(runs.get(run.id)?.experiment?.note).toBe('Faults on the Delivery API within one period.');
    expect(() => experiments.setNote(run.id, 'x'.repeat(4001), 'p')).toThrow(expect.objectContaining({ status: 422 }));
    expect(runs.get(run.id)?.experiment?.note).toBe('Faults on the Delivery API within one period.');
    expect(() => experiments.setNote('no-such-run', 'n', 'p')).toThrow(expect.objectContaining({ status: 404 }));
  });
});

/** An Order API chart of 5 s periods from `from`, each with 10 requests and `faults[i]` faults. */
function orderChart(from: number, faults: number[]): ChartView {
  const step = 5000;
  const start = Math.floor(from / step) * step;
  const points: SeriesPoint[] = faults.map((f, i) => ({
    t: start + i * step,
    p50: 5,
    p99: 9,
    avg: 5,
    requests: 10,
    faults: f,
    errors: 0,
    faultRate: f / 10,
    errorRate: 0,
  }));
  return {
    window: { from: start, to: start + faults.length * step, periodSeconds: 5 },
    points,
  } as unknown as ChartView;
}

describe('guards restore the fault by themselves', () => {
  async function watching(
    options: {
      faults?: number[];
      restoreFails?: boolean;
      bursts?: { id: string; endedAt?: string }[];
      guards?: Partial<GuardConfig>;
    } = {},
  ) {
    const ctx = setup();
    const asked: string[] = [];
    let faults = options.faults ?? [];
    const bursts = options.bursts ?? [];
    const watch = new GuardWatch({
      runs: ctx.runs,
      restoreIfNeeded: (actor: string, trigger: RunTrigger) => {
        asked.push(`${actor} ${trigger}`);
        if (options.restoreFails) return Promise.reject(new Error('SSM unreachable'));
        return ctx.runbook.restoreIfNeeded(actor, trigger);
      },
      audit: ctx.audit,
      bursts: { list: () => bursts.map((b) => ({ ...b, startedAt: '', status: 'completed' }) as never) },
      orderChart: (from) => Promise.resolve(orderChart(from, faults)),
      availabilityBudget: () => Promise.resolve(null),
      periodMs: 5000,
      now: () => ctx.clock.time,
    });
    const run = await ctx.experiments.inject({
      requestedBy: 'p',
      guards: { faultRatePercent: 20, faultRatePeriods: 2, ...options.guards },
    });
    await ctx.runbook.idle();
    return { ...ctx, watch, run, asked, setFaults: (f: number[]) => (faults = f) };
  }

  it('verified -> watching -> tripped -> restored: a trip is stored, audited, and its Restore runs with trigger guard', async () => {
    const { watch, clock, runs, run, audit, runbook, cluster, setFaults } = await watching();
    await watch.tick();
    expect(watch.current()).toMatchObject({
      runId: run.id,
      readings: [{ id: 'fault-rate', value: null, tripped: false }, {}, {}],
    });
    // One period above 20 %: not yet.
    setFaults([5, 0]);
    clock.advance(10_000);
    await watch.tick();
    expect(watch.current()?.readings[0]).toMatchObject({ value: '0.0 % (0 of 2 periods above)', tripped: false });
    setFaults([0, 5, 4]);
    clock.advance(5000);
    await watch.tick();
    expect(watch.current()?.readings[0]?.value).toBe('40.0 % (2 of 2 periods above)');
    expect(watch.current()?.trip).toMatchObject({ guard: 'fault-rate', value: '40.0 % (2 of 2 periods above)' });
    expect(runs.get(run.id)?.experiment?.trip?.guard).toBe('fault-rate');
    expect(audit.list(5).find((r) => r.action === 'guard.trip')).toMatchObject({
      actor: 'guard',
      outcome: 'fault-rate',
      detail: { run: run.id, threshold: 'above 20 % for 2 periods' },
    });
    await runbook.idle();
    expect(runs.list(1)[0]).toMatchObject({
      action: 'restore',
      trigger: 'guard',
      requestedBy: 'guard:fault-rate',
      status: 'succeeded',
    });
    expect(cluster.params).toEqual(POOL_PARAM_DEFAULTS);
    // Restored: nothing is watched any more.
    await watch.tick();
    expect(watch.current()).toBeUndefined();
  });

  it('nothing is watched before an inject is verified, nor once a Restore has started', async () => {
    const ctx = setup();
    const watch = new GuardWatch({
      runs: ctx.runs,
      restoreIfNeeded: () => Promise.resolve(''),
      audit: ctx.audit,
      bursts: { list: () => [] },
      orderChart: (from) => Promise.resolve(orderChart(from, [10, 10, 10])),
      availabilityBudget: () => Promise.resolve(null),
      periodMs: 5000,
    });
    await watch.tick();
    expect(watch.current()).toBeUndefined();
    ctx.cluster.stuck = true;
    await ctx.experiments.inject({ requestedBy: 'p' });
    await watch.tick();
    expect(watch.current()).toBeUndefined(); // running, not verified
    ctx.cluster.stuck = false;
    await ctx.runbook.idle();
    await ctx.runbook.start('restore', { requestedBy: 'p' });
    await ctx.runbook.idle();
    await watch.tick();
    expect(watch.current()).toBeUndefined();
    expect(ctx.audit.list().some((r) => r.action === 'guard.trip')).toBe(false);
  });

  it('burst end: a burst that ended after the fault was verified trips it, one that ended before does not', async () => {
    const bursts: { id: string; endedAt?: string }[] = [{ id: 'burst-before', endedAt: '2020-01-01T00:00:00.000Z' }];
    const { watch, clock, runbook } = await watching({ bursts, guards: { restoreOnBurstEnd: true } });
    await watch.tick();
    expect(watch.current()?.trip).toBeUndefined();
    expect(watch.current()?.readings[2]).toMatchObject({ value: 'no burst ended', tripped: false });
    bursts.unshift({ id: 'burst-during', endedAt: new Date(clock.time).toISOString() });
    await watch.tick();
    expect(watch.current()?.trip?.guard).toBe('burst-end');
    await runbook.idle();
  });

  it('a Restore that does not start is asked for again each period, and the trip is recorded once', async () => {
    const { watch, clock, asked, audit, setFaults } = await watching({ restoreFails: true });
    setFaults([9, 9, 9]);
    clock.advance(15_000);
    await watch.tick();
    expect(watch.current()?.error).toBe('the Restore did not start: SSM unreachable');
    await watch.tick(); // within the same period: not asked again
    clock.advance(5000);
    await watch.tick();
    expect(asked).toEqual(['guard:fault-rate guard', 'guard:fault-rate guard']);
    expect(audit.list().filter((r) => r.action === 'guard.trip')).toHaveLength(1);
  });
});
