import { afterEach, describe, expect, it } from 'vitest';
import { POOL_PARAM_DEFAULTS, type DeliveryConfig } from '@demo/contracts';
import { AuditLog } from '../audit';
import { openDatabase, type Db } from '../db';
import { Runbook } from './runbook';
import { RunStore } from './store';
import { FakeClock, FakeCluster, TEST_RUNBOOK_OPTIONS } from './test-doubles';
import { RunConflictError } from './types';

const dbs: Db[] = [];
const runbooks: Runbook[] = [];
afterEach(() => {
  runbooks.splice(0).forEach((r) => r.dispose());
  // A restart test hands one database to two runbooks: close it once.
  dbs.splice(0).forEach((db) => db.isOpen && db.close());
});

function setup(
  db = openDatabase(':memory:'),
  cluster = new FakeCluster(),
  clock = new FakeClock(),
  extra: { cooldownMs?: number; injectGate?: () => void } = {},
) {
  dbs.push(db);
  const audit = new AuditLog(db, clock.now);
  const runbook = new Runbook(cluster, new RunStore(db), audit, clock, {
    ...extra,
    ...TEST_RUNBOOK_OPTIONS,
  });
  runbooks.push(runbook);
  return { db, cluster, clock, runbook, audit };
}

const FAULT = { poolSize: 1, maxOverflow: 0, faultInjection: true, faultDelaySeconds: 10 };

describe('inject', () => {
  it('runs every step in order, records what it replaced, and schedules Restore', async () => {
    const { runbook, cluster, clock } = setup();
    cluster.params = { poolSize: 12, maxOverflow: 5, faultInjection: false, faultDelaySeconds: 10 };
    const started = await runbook.start('inject', { requestedBy: 'presenter' });
    expect(started.status).toBe('running');
    await runbook.idle();
    const [run] = runbook.state().history;
    expect(run?.status).toBe('succeeded');
    expect(run?.steps.map((s) => [s.name, s.status])).toEqual([
      ['read-parameters', 'succeeded'],
      ['write-parameters', 'succeeded'],
      ['rollout-restart', 'succeeded'],
      ['rollout-complete', 'succeeded'],
      ['verify', 'succeeded'],
    ]);
    expect(run?.steps.every((s) => s.startedAt && s.endedAt)).toBe(true);
    expect(run?.steps[4]?.detail).toMatch(/2 replicas run pool-size=1 max-overflow=0 fault-injection=true/);
    expect(cluster.params).toEqual(FAULT);
    expect(run?.previous).toEqual({ poolSize: 12, maxOverflow: 5, faultInjection: false, faultDelaySeconds: 10 });
    expect(run?.autoRestoreAt).toBe(new Date(clock.time + 10 * 60_000).toISOString());
    expect(runbook.state()).toMatchObject({ faultActive: true, autoRestoreAt: run?.autoRestoreAt });
  });

  it('uses the asked fault delay', async () => {
    const { runbook, cluster } = setup();
    await runbook.start('inject', { requestedBy: 'p', faultDelaySeconds: 3 });
    await runbook.idle();
    expect(cluster.params.faultDelaySeconds).toBe(3);
  });

  it('refuses a second run while one is active (double click): 409, and the first goes on', async () => {
    const { runbook, cluster } = setup();
    cluster.stuck = true;
    await runbook.start('inject', { requestedBy: 'p' });
    await expect(runbook.start('inject', { requestedBy: 'p' })).rejects.toBeInstanceOf(RunConflictError);
    cluster.stuck = false;
    await runbook.idle();
    expect(runbook.state().history.map((r) => r.status)).toEqual(['succeeded']);
  });
});

describe('each step failing', () => {
  it.each([
    ['read-parameters', 'readParams', false],
    // A write that failed may have written some values: Restore is scheduled from its start.
    ['write-parameters', 'writeParams', true],
    ['rollout-restart', 'restart', true],
    ['rollout-complete', 'rollout', true],
    ['verify', 'configs', true],
  ] as const)(
    '%s fails: the run says failed at that step, skips the rest, never "done"',
    async (stepName, port, scheduled) => {
      const { runbook, cluster } = setup();
      cluster.fail[port] = new Error(`${port} exploded`);
      await runbook.start('inject', { requestedBy: 'p' });
      await runbook.idle();
      const [run] = runbook.state().history;
      expect(run?.status).toBe('failed');
      expect(run?.error).toContain(`${port} exploded`);
      const index = run?.steps.findIndex((s) => s.name === stepName) ?? -1;
      expect(run?.steps[index]).toMatchObject({ status: 'failed', detail: `${port} exploded` });
      expect(run?.steps.slice(0, index).every((s) => s.status === 'succeeded')).toBe(true);
      expect(run?.steps.slice(index + 1).every((s) => s.status === 'skipped')).toBe(true);
      // Once parameters began to be written, Restore is scheduled even though the run failed.
      expect(Boolean(run?.autoRestoreAt)).toBe(scheduled);
    },
  );

  it('a rollout that never completes fails after the timeout, naming where it stood', async () => {
    const { runbook, cluster } = setup();
    cluster.stuck = true;
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    const [run] = runbook.state().history;
    expect(run?.status).toBe('failed');
    expect(run?.steps[3]?.detail).toBe(
      'the rollout did not complete within 2 s: 1 old replicas are pending termination...',
    );
  });

  it('replicas that kept the old values fail verification, with the pods named', async () => {
    const { runbook, cluster } = setup();
    cluster.configs = () => {
      const config = {
        effective: { pool_size: 10, max_overflow: 20, fault_injection: false, fault_delay_seconds: 10 },
      } as DeliveryConfig;
      return Promise.resolve([{ pod: 'delivery-old', config }]);
    };
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    expect(runbook.state().history[0]?.steps[4]?.detail).toBe(
      'replicas still on other values: delivery-old: pool_size 10, max_overflow 20, fault_injection false',
    );
  });

  it('a ready pod that never answered through the Service fails verification, named', async () => {
    const { runbook, cluster } = setup();
    cluster.unreached = 'delivery-b';
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    const verify = runbook.state().history[0]?.steps.find((s) => s.name === 'verify');
    expect(verify).toMatchObject({ status: 'failed' });
    expect(verify?.detail).toBe('replicas still on other values: delivery-b: did not answer through the Service');
  });

  it('retry starts the failed action again and can succeed', async () => {
    const { runbook, cluster } = setup();
    cluster.fail.restart = new Error('API server unreachable');
    await runbook.start('inject', { requestedBy: 'p', faultDelaySeconds: 4 });
    await runbook.idle();
    delete cluster.fail.restart;
    const retried = await runbook.retry('p');
    expect(retried).toMatchObject({ action: 'inject', trigger: 'retry' });
    await runbook.idle();
    expect(runbook.state().history.map((r) => r.status)).toEqual(['succeeded', 'failed']);
    expect(cluster.params.faultDelaySeconds).toBe(4);
  });
});

describe('restore', () => {
  it('puts back the values recorded before the inject, and clears the scheduled Restore', async () => {
    const { runbook, cluster } = setup();
    cluster.params = { poolSize: 7, maxOverflow: 3, faultInjection: false, faultDelaySeconds: 10 };
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    await runbook.start('restore', { requestedBy: 'p' });
    await runbook.idle();
    expect(cluster.params).toEqual({ poolSize: 7, maxOverflow: 3, faultInjection: false, faultDelaySeconds: 10 });
    expect(runbook.state()).toMatchObject({ faultActive: false });
    expect(runbook.state().autoRestoreAt).toBeUndefined();
  });

  it('uses the defaults when there was no inject, and injecting twice still restores the original values', async () => {
    const { runbook, cluster } = setup();
    cluster.params = { ...FAULT };
    await runbook.start('restore', { requestedBy: 'p' });
    await runbook.idle();
    expect(cluster.params).toEqual(POOL_PARAM_DEFAULTS);
    cluster.params = { poolSize: 5, maxOverflow: 5, faultInjection: false, faultDelaySeconds: 10 };
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    await runbook.start('restore', { requestedBy: 'p' });
    await runbook.idle();
    expect(cluster.params).toEqual({ poolSize: 5, maxOverflow: 5, faultInjection: false, faultDelaySeconds: 10 });
  });

  it('during an inject cancels the inject and restores at once', async () => {
    const { runbook, cluster } = setup();
    cluster.stuck = true;
    await runbook.start('inject', { requestedBy: 'p' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    cluster.stuck = false;
    const restore = await runbook.start('restore', { requestedBy: 'p' });
    expect(restore.status).toBe('running');
    await runbook.idle();
    const [restored, inject] = runbook.state().history;
    expect(inject).toMatchObject({ action: 'inject', status: 'cancelled' });
    expect(inject?.steps[3]).toMatchObject({ status: 'failed', detail: 'cancelled by restore' });
    expect(restored).toMatchObject({ action: 'restore', status: 'succeeded' });
    expect(cluster.params).toEqual(POOL_PARAM_DEFAULTS);
  });

  it('refuses an inject while a restore runs', async () => {
    const { runbook, cluster } = setup();
    cluster.stuck = true;
    await runbook.start('restore', { requestedBy: 'p' });
    await expect(runbook.start('inject', { requestedBy: 'p' })).rejects.toBeInstanceOf(RunConflictError);
    cluster.stuck = false;
    await runbook.idle();
  });
});

describe('auto-restore and console restarts', () => {
  it('fires by itself when its time comes', async () => {
    const { runbook, cluster, clock } = setup();
    await runbook.start('inject', { requestedBy: 'presenter' });
    await runbook.idle();
    clock.advance(10 * 60_000 - 1);
    await runbook.idle();
    expect(runbook.state().history).toHaveLength(1);
    clock.advance(1);
    await runbook.idle();
    const [restore] = runbook.state().history;
    expect(restore).toMatchObject({
      action: 'restore',
      trigger: 'auto-restore',
      requestedBy: 'auto-restore',
      status: 'succeeded',
    });
    expect(cluster.params).toEqual(POOL_PARAM_DEFAULTS);
    expect(runbook.state().autoRestoreAt).toBeUndefined();
  });

  it('survives a console restart: the new console arms the pending Restore', async () => {
    const first = setup();
    await first.runbook.start('inject', { requestedBy: 'presenter' });
    await first.runbook.idle();
    first.runbook.dispose();
    // The console restarts (same database, same cluster), after the restore time has passed.
    const second = setup(first.db, first.cluster, first.clock);
    first.clock.advance(11 * 60_000);
    second.runbook.resume();
    first.clock.advance(0);
    await second.runbook.idle();
    expect(second.runbook.state().history[0]).toMatchObject({
      action: 'restore',
      trigger: 'auto-restore',
      status: 'succeeded',
    });
    expect(first.cluster.params).toEqual(POOL_PARAM_DEFAULTS);
  });

  it('records a run cut off by a console restart as interrupted, never as done, and it can be retried', async () => {
    const first = setup();
    first.cluster.stuck = true;
    await first.runbook.start('inject', { requestedBy: 'presenter' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    // The process dies here: nothing else of the first runbook runs.
    const second = setup(first.db, first.cluster, first.clock);
    second.runbook.resume();
    const [run] = second.runbook.state().history;
    expect(run).toMatchObject({ status: 'failed', error: 'interrupted by a console restart; retry to finish it' });
    expect(run?.steps.find((s) => s.name === 'rollout-complete')).toMatchObject({
      status: 'failed',
      detail: 'interrupted: the console stopped during this step',
    });
    expect(run?.steps.find((s) => s.name === 'verify')?.status).toBe('skipped');
    first.runbook.dispose();
    first.cluster.stuck = false;
    await second.runbook.retry('presenter');
    await second.runbook.idle();
    expect(second.runbook.state().history[0]).toMatchObject({ status: 'succeeded', trigger: 'retry' });
  });

  it('writes every start and outcome to the append-only audit log', async () => {
    const { runbook, audit, db } = setup();
    await runbook.start('inject', { requestedBy: 'presenter' });
    await runbook.idle();
    expect(audit.list().map((e) => [e.actor, e.action, e.outcome])).toEqual([
      ['presenter', 'fault.inject', 'succeeded'],
      ['presenter', 'fault.inject', 'started'],
    ]);
    expect(() => db.prepare("UPDATE audit SET outcome = 'edited'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
  });
});

/** Lets the runbook's background work (real 5 ms polls) move until `ready` holds. */
async function until(ready: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const stepOf = (run: { steps: { name: string; status: string }[] } | undefined, name: string) =>
  run?.steps.find((s) => s.name === name)?.status;

describe('a runbook that cannot be left half-done (issue 12 C)', () => {
  it('three concurrent Restores during an Inject: one is accepted, two get 409, parameters are written once more', async () => {
    const { runbook, cluster } = setup();
    cluster.stuck = true;
    await runbook.start('inject', { requestedBy: 'p' });
    await until(() => cluster.calls.includes('rollout'));
    const results = await Promise.allSettled([
      runbook.start('restore', { requestedBy: 'a' }),
      runbook.start('restore', { requestedBy: 'b' }),
      runbook.start('restore', { requestedBy: 'c' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(results.filter((r) => r.status === 'rejected').map((r) => r.reason as unknown)).toEqual([
      expect.any(RunConflictError),
      expect.any(RunConflictError),
    ]);
    // Nor may an Inject slip in while the Restore waits for the cancelled Inject to stop.
    await expect(runbook.start('inject', { requestedBy: 'd' })).rejects.toBeInstanceOf(RunConflictError);
    cluster.stuck = false;
    await runbook.idle();
    expect(runbook.state().history.map((r) => [r.action, r.status, r.requestedBy])).toEqual([
      ['restore', 'succeeded', 'a'],
      ['inject', 'cancelled', 'p'],
    ]);
    expect(cluster.calls.filter((c) => c === 'writeParams')).toHaveLength(2);
    expect(cluster.params).toEqual(POOL_PARAM_DEFAULTS);
  });

  it('the database allows one running run, so a second console on the same file is refused too', async () => {
    const first = setup();
    first.cluster.stuck = true;
    await first.runbook.start('inject', { requestedBy: 'p' });
    const second = setup(first.db, new FakeCluster(), first.clock);
    await expect(second.runbook.start('restore', { requestedBy: 'q' })).rejects.toBeInstanceOf(RunConflictError);
    first.cluster.stuck = false;
    await first.runbook.idle();
  });

  it('a second Inject with another delay keeps the real baseline, and Restore returns to it', async () => {
    const { runbook, cluster } = setup();
    const baseline = { poolSize: 8, maxOverflow: 4, faultInjection: false, faultDelaySeconds: 10 };
    cluster.params = { ...baseline };
    await runbook.start('inject', { requestedBy: 'p', faultDelaySeconds: 5 });
    await runbook.idle();
    await runbook.start('inject', { requestedBy: 'p', faultDelaySeconds: 20 });
    await runbook.idle();
    expect(runbook.state().history.map((r) => r.previous)).toEqual([baseline, baseline]);
    expect(runbook.plan('restore').target).toEqual(baseline);
    await runbook.start('restore', { requestedBy: 'p' });
    await runbook.idle();
    expect(cluster.params).toEqual(baseline);
  });

  it('never takes a baseline from fault values, even ones the console did not write', async () => {
    const { runbook, cluster } = setup();
    // Someone set the fault by hand (or an older console did): nothing on record to return to.
    cluster.params = { poolSize: 1, maxOverflow: 0, faultInjection: true, faultDelaySeconds: 3 };
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    expect(runbook.state().history[0]?.previous).toEqual(POOL_PARAM_DEFAULTS);
  });

  it('after a failed Inject wrote part of the fault, the next Inject still records the real baseline', async () => {
    const { runbook, cluster } = setup();
    const baseline = { poolSize: 9, maxOverflow: 9, faultInjection: false, faultDelaySeconds: 10 };
    cluster.params = { ...baseline };
    cluster.fail.restart = new Error('kube down');
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    // The first write reached SSM for pool-size only (fault-injection still false).
    cluster.params = { ...baseline, poolSize: 1 };
    delete cluster.fail.restart;
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    expect(runbook.state().history[0]?.previous).toEqual(baseline);
  });

  it("a newer Inject takes over the schedule: the first one's timer never fires", async () => {
    const { runbook, cluster, clock } = setup();
    await runbook.start('inject', { requestedBy: 'p', faultDelaySeconds: 5 });
    await runbook.idle();
    clock.advance(5 * 60_000);
    await runbook.start('inject', { requestedBy: 'p', faultDelaySeconds: 7 });
    await runbook.idle();
    const due = runbook.state().autoRestoreAt;
    expect(due).toBe(new Date(clock.time + 10 * 60_000).toISOString());
    clock.advance(5 * 60_000); // the first inject's time
    await runbook.idle();
    expect(runbook.state().history.map((r) => r.action)).toEqual(['inject', 'inject']);
    expect(cluster.params.faultDelaySeconds).toBe(7);
    clock.advance(5 * 60_000); // the second's
    await runbook.idle();
    expect(runbook.state().history.map((r) => [r.action, r.trigger])).toEqual([
      ['restore', 'auto-restore'],
      ['inject', 'operator'],
      ['inject', 'operator'],
    ]);
    expect(clock.timers.size).toBe(0);
  });

  it('a failing auto-restore backs off (5 s doubling to 5 min), so an hour of SSM outage costs a few dozen audit rows', async () => {
    const { runbook, cluster, clock, audit } = setup();
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    cluster.fail.writeParams = new Error('SSM unreachable');
    const startedAt = clock.time;
    clock.advance(10 * 60_000);
    await runbook.idle();
    // One simulated hour, a second at a time.
    for (let s = 0; s < 3600; s++) {
      clock.advance(1000);
      await runbook.idle();
    }
    const attempts = runbook.state().history.filter((r) => r.action === 'restore');
    const gaps = attempts
      .map((r) => Date.parse(r.requestedAt))
      .reverse()
      .map((t, i, all) => (i === 0 ? t - startedAt : t - (all[i - 1] ?? 0)) / 1000);
    // 600 s to the first; then 5, 10, 20, ... s, capped at 300 s.
    expect(gaps.slice(0, 8)).toEqual([600, 5, 10, 20, 40, 80, 160, 300]);
    expect(gaps.slice(8).every((g) => g === 300)).toBe(true);
    expect(attempts.length).toBeLessThan(20);
    expect(audit.list(1000).length).toBeLessThan(50);
    expect(runbook.state().autoRestoreAt).toBeDefined();
    // SSM comes back: the next attempt restores and ends the schedule.
    delete cluster.fail.writeParams;
    clock.advance(300_000);
    await runbook.idle();
    expect(runbook.state().history[0]).toMatchObject({ action: 'restore', status: 'succeeded' });
    expect(runbook.state().autoRestoreAt).toBeUndefined();
    expect(cluster.params).toEqual(POOL_PARAM_DEFAULTS);
  });

  it('a console killed right after writing the fault restarts with the auto-restore armed, and it fires', async () => {
    const first = setup();
    first.cluster.stuck = true;
    await first.runbook.start('inject', { requestedBy: 'presenter' });
    await until(() => stepOf(first.runbook.state().running, 'write-parameters') === 'succeeded');
    const due = first.runbook.state().autoRestoreAt;
    expect(due).toBeDefined();
    // kill -9: the first runbook does nothing more (its timers go with the process).
    first.clock.timers.clear();
    const second = setup(first.db, first.cluster, first.clock);
    second.runbook.resume();
    expect(second.runbook.state()).toMatchObject({ faultActive: true, autoRestoreAt: due });
    first.cluster.stuck = false;
    first.clock.advance(10 * 60_000);
    await second.runbook.idle();
    expect(second.runbook.state().history[0]).toMatchObject({
      action: 'restore',
      trigger: 'auto-restore',
      status: 'succeeded',
    });
    expect(first.cluster.params).toEqual(POOL_PARAM_DEFAULTS);
    first.runbook.dispose();
  });

  it('a console killed during a Restore runs the Restore again on restart', async () => {
    const first = setup();
    first.cluster.params = { poolSize: 6, maxOverflow: 6, faultInjection: false, faultDelaySeconds: 10 };
    await first.runbook.start('inject', { requestedBy: 'p' });
    await first.runbook.idle();
    first.cluster.stuck = true;
    await first.runbook.start('restore', { requestedBy: 'p' });
    await until(() => first.cluster.calls.filter((c) => c === 'rollout').length > 1);
    first.clock.timers.clear();
    const second = setup(first.db, first.cluster, first.clock);
    first.cluster.stuck = false;
    second.runbook.resume();
    first.clock.advance(0);
    await second.runbook.idle();
    const [again, interrupted] = second.runbook.state().history;
    expect(interrupted).toMatchObject({ action: 'restore', status: 'failed' });
    expect(again).toMatchObject({ action: 'restore', status: 'succeeded' });
    expect(second.runbook.state()).toMatchObject({ faultActive: false });
    expect(first.cluster.params).toEqual({ poolSize: 6, maxOverflow: 6, faultInjection: false, faultDelaySeconds: 10 });
    first.runbook.dispose();
  });
});

describe('the audit log', () => {
  it('keeps its newest 10,000 rows and refuses every other change', () => {
    const db = openDatabase(':memory:');
    dbs.push(db);
    const audit = new AuditLog(db);
    for (let i = 1; i <= 10_005; i++) audit.append({ actor: 'p', action: 'test', outcome: String(i) });
    const { n, oldest } = db.prepare('SELECT COUNT(*) AS n, MIN(id) AS oldest FROM audit').get() as {
      n: number;
      oldest: number;
    };
    expect([n, oldest]).toEqual([10_000, 6]);
    expect(audit.list(1)[0]?.outcome).toBe('10005');
    expect(() => db.prepare('DELETE FROM audit WHERE id = 10005').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit SET outcome = 'edited' WHERE id = 6").run()).toThrow(/append-only/);
  });
});

describe('plan', () => {
  it('lists the exact calls a run will make', () => {
    const { runbook } = setup();
    const plan = runbook.plan('inject', 5);
    expect(plan.target).toEqual({ ...FAULT, faultDelaySeconds: 5 });
    expect(plan.calls).toContain('ssm:PutParameter /ts-sample-app/mysql/pool-size = 1 (String, Overwrite)');
    expect(plan.calls).toContain('ssm:PutParameter /ts-sample-app/mysql/fault-delay-seconds = 5 (String, Overwrite)');
    expect(plan.calls.some((c) => c.startsWith('PATCH apps/v1 deployments/ts-delivery-api'))).toBe(true);
  });
});

describe('scenarios', () => {
  it('slow database: keeps the pool it reads, turns the hold on, and Restore returns to the same pool', async () => {
    const { runbook, cluster } = setup();
    cluster.params = { poolSize: 12, maxOverflow: 5, faultInjection: false, faultDelaySeconds: 10 };
    const started = await runbook.start('inject', {
      requestedBy: 'p',
      scenario: 'slow-database',
      faultDelaySeconds: 2,
    });
    expect(started.scenario).toBe('slow-database');
    await runbook.idle();
    const [run] = runbook.state().history;
    expect(run).toMatchObject({ status: 'succeeded', scenario: 'slow-database' });
    expect(cluster.params).toEqual({ poolSize: 12, maxOverflow: 5, faultInjection: true, faultDelaySeconds: 2 });
    // What the run wrote and verified is on record (target), not the plan's guess made before the read.
    expect(run?.target).toEqual(cluster.params);
    expect(run?.steps[4]?.detail).toMatch(
      /2 replicas run pool-size=12 max-overflow=5 fault-injection=true fault-delay-seconds=2/,
    );
    await runbook.start('restore', { requestedBy: 'p' });
    await runbook.idle();
    expect(cluster.params).toEqual({ poolSize: 12, maxOverflow: 5, faultInjection: false, faultDelaySeconds: 10 });
  });

  it("refuses a hold outside the scenario's bounds with 422 naming faultDelaySeconds, and changes nothing", async () => {
    const { runbook, cluster } = setup();
    for (const [scenario, faultDelaySeconds] of [
      ['slow-database', 3],
      ['slow-database', 0],
      ['pool-exhaustion', 61],
      ['pool-exhaustion', 1.5],
    ] as const) {
      await expect(runbook.start('inject', { requestedBy: 'p', scenario, faultDelaySeconds })).rejects.toMatchObject({
        status: 422,
        extra: { details: [{ field: 'faultDelaySeconds' }] },
      });
    }
    expect(cluster.calls).toEqual([]);
    expect(runbook.state().history).toEqual([]);
  });

  it('a dry run names each scenario and its exact calls, and changes nothing', () => {
    const { runbook, cluster } = setup();
    const slow = runbook.plan('inject', 2, 'slow-database');
    expect(slow.scenario).toBe('slow-database');
    expect(slow.calls).toContain('ssm:PutParameter /ts-sample-app/mysql/fault-injection = true (String, Overwrite)');
    expect(slow.calls).toContain('ssm:PutParameter /ts-sample-app/mysql/fault-delay-seconds = 2 (String, Overwrite)');
    expect(slow.calls).toContain(
      'ssm:PutParameter /ts-sample-app/mysql/pool-size = <as read, unchanged> (String, Overwrite)',
    );
    expect(runbook.plan('inject', 5, 'pool-exhaustion').calls).toContain(
      'ssm:PutParameter /ts-sample-app/mysql/pool-size = 1 (String, Overwrite)',
    );
    expect(runbook.plan('restore').scenario).toBeUndefined();
    expect(cluster.calls).toEqual([]);
  });

  it('keeps the scenario through a retry and a console restart', async () => {
    const db = openDatabase(':memory:');
    const first = setup(db);
    first.cluster.fail.restart = new Error('the API server is unreachable');
    await first.runbook.start('inject', { requestedBy: 'p', scenario: 'slow-database', faultDelaySeconds: 1 });
    await first.runbook.idle();
    expect(first.runbook.state().history[0]).toMatchObject({ status: 'failed', scenario: 'slow-database' });
    first.runbook.dispose();
    const second = setup(db, first.cluster);
    second.cluster.fail = {};
    second.runbook.resume();
    const retried = await second.runbook.retry('p');
    expect(retried).toMatchObject({ scenario: 'slow-database', trigger: 'retry' });
    await second.runbook.idle();
    expect(second.cluster.params).toMatchObject({
      poolSize: 10,
      maxOverflow: 20,
      faultInjection: true,
      faultDelaySeconds: 1,
    });
  });
});

describe('cooldown and the gate', () => {
  it('refuses an Inject for the cooldown after a Restore succeeded (409 with its end), then allows it', async () => {
    const { runbook, clock } = setup(undefined, undefined, undefined, { cooldownMs: 30_000 });
    // No Restore yet: no cooldown.
    expect(runbook.state().cooldownUntil).toBeUndefined();
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    await runbook.start('restore', { requestedBy: 'p' });
    await runbook.idle();
    const until = new Date(clock.time + 30_000).toISOString();
    expect(runbook.state().cooldownUntil).toBe(until);
    await expect(runbook.start('inject', { requestedBy: 'p' })).rejects.toMatchObject({
      status: 409,
      extra: { cooldownUntil: until },
    });
    // A Restore is never held back.
    await runbook.start('restore', { requestedBy: 'p' });
    await runbook.idle();
    clock.advance(30_000);
    expect(runbook.state().cooldownUntil).toBeUndefined();
    await expect(runbook.start('inject', { requestedBy: 'p' })).resolves.toMatchObject({ action: 'inject' });
    await runbook.idle();
  });

  it('a failed Restore starts no cooldown', async () => {
    const { runbook, cluster } = setup(undefined, undefined, undefined, { cooldownMs: 30_000 });
    cluster.fail.writeParams = new Error('SSM throttled');
    await runbook.start('restore', { requestedBy: 'p' });
    await runbook.idle();
    expect(runbook.state().cooldownUntil).toBeUndefined();
  });

  it('the gate (the kill switch) refuses an Inject before anything is touched, never a Restore', async () => {
    let engaged = true;
    const { runbook, cluster } = setup(undefined, undefined, undefined, {
      injectGate: () => {
        if (engaged) throw new RunConflictError(undefined, 'The kill switch is on');
      },
    });
    await expect(runbook.start('inject', { requestedBy: 'p' })).rejects.toThrow('The kill switch is on');
    expect(cluster.calls).toEqual([]);
    await runbook.start('restore', { requestedBy: 'p' });
    await runbook.idle();
    expect(runbook.state().history[0]).toMatchObject({ action: 'restore', status: 'succeeded' });
    engaged = false;
    await expect(runbook.start('inject', { requestedBy: 'p' })).resolves.toMatchObject({ action: 'inject' });
    await runbook.idle();
  });
});

describe('restoreIfNeeded (what the kill switch and a tripped guard start)', () => {
  it('does nothing without a fault, restores an active one, and never starts a second Restore', async () => {
    const { runbook, cluster } = setup();
    await expect(runbook.restoreIfNeeded('kill-switch', 'kill-switch')).resolves.toBe('no fault to restore');
    expect(runbook.state().history).toEqual([]);
    await runbook.start('inject', { requestedBy: 'p' });
    await runbook.idle();
    expect(cluster.params).toEqual(FAULT);
    const first = await runbook.restoreIfNeeded('guard', 'guard');
    expect(first).toMatch(/^restore .+ started$/);
    // While that Restore runs, another ask names it instead of starting one.
    const running = runbook.state().running;
    expect(running).toMatchObject({ action: 'restore', trigger: 'guard' });
    await expect(runbook.restoreIfNeeded('kill-switch', 'kill-switch')).resolves.toBe(
      `restore ${running?.id} already running`,
    );
    await runbook.idle();
    expect(cluster.params).toEqual(POOL_PARAM_DEFAULTS);
    await expect(runbook.restoreIfNeeded('kill-switch', 'kill-switch')).resolves.toBe('no fault to restore');
    expect(runbook.state().history.map((r) => `${r.action}:${r.trigger}:${r.status}`)).toEqual([
      'restore:guard:succeeded',
      'inject:operator:succeeded',
    ]);
  });

  it('cuts a running Inject short (the fault may be half-written)', async () => {
    const { runbook, cluster } = setup();
    cluster.stuck = true;
    await runbook.start('inject', { requestedBy: 'p' });
    await until(() => cluster.calls.includes('rollout'));
    await expect(runbook.restoreIfNeeded('kill-switch', 'kill-switch')).resolves.toMatch(/started$/);
    cluster.stuck = false;
    await runbook.idle();
    expect(runbook.state().history.map((r) => `${r.action}:${r.status}`)).toEqual([
      'restore:succeeded',
      'inject:cancelled',
    ]);
    expect(cluster.params).toEqual(POOL_PARAM_DEFAULTS);
  });
});
