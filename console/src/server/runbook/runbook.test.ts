import { afterEach, describe, expect, it } from 'vitest';
import {
  appNames,
  POOL_PARAM_DEFAULTS,
  type DeliveryConfig,
  type PoolParams,
  type RolloutState,
} from '@demo/contracts';
import { AuditLog } from '../audit';
import { openDatabase, type Db } from '../db';
import { Runbook } from './runbook';
import { RunStore } from './store';
import { RunConflictError, type Clock, type RunbookPorts } from './types';

/**
 * The state machine with in-memory ports (SSM values, a Deployment that rolls out when told, and
 * replicas that report what they run). The same runbook, built by createConsoleContext, against a
 * running local-cloud is covered in test/console-runbook.test.ts.
 */
class FakeCluster implements RunbookPorts {
  params: PoolParams = { ...POOL_PARAM_DEFAULTS };
  running: PoolParams = { ...POOL_PARAM_DEFAULTS };
  generation = 1;
  observed = 1;
  fail: Partial<Record<keyof RunbookPorts, Error>> = {};
  /** While set, rollouts never finish (until released). */
  stuck = false;
  calls: string[] = [];

  private check(name: keyof RunbookPorts) {
    this.calls.push(name);
    const error = this.fail[name];
    if (error) throw error;
  }

  readParams = () => {
    this.check('readParams');
    return Promise.resolve({ ...this.params });
  };
  writeParams = (params: PoolParams) => {
    this.check('writeParams');
    this.params = { ...params };
    return Promise.resolve([`pool-size=${params.poolSize}`]);
  };
  restart = () => {
    this.check('restart');
    this.generation++;
    return Promise.resolve(this.generation);
  };
  rollout = (): Promise<{ state: RolloutState; generation: number }> => {
    this.check('rollout');
    if (!this.stuck) {
      this.observed = this.generation;
      this.running = { ...this.params };
    }
    const done = this.observed === this.generation;
    return Promise.resolve({
      state: done
        ? { phase: 'done', message: 'successfully rolled out' }
        : { phase: 'progressing', message: '1 old replicas are pending termination...' },
      generation: this.generation,
    });
  };
  configs = () => {
    this.check('configs');
    const config = {
      effective: {
        pool_size: this.running.poolSize,
        max_overflow: this.running.maxOverflow,
        fault_injection: this.running.faultInjection,
        fault_delay_seconds: this.running.faultDelaySeconds,
      },
    } as DeliveryConfig;
    return Promise.resolve([
      { pod: 'delivery-a', config },
      { pod: 'delivery-b', config },
    ]);
  };
}

/** A clock whose time and timers move only when told. */
class FakeClock implements Clock {
  time = Date.UTC(2026, 10, 28, 9, 0, 0);
  timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  now = () => new Date(this.time);
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers.delete(handle as number);
  };
  advance(ms: number): void {
    this.time += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= this.time) {
        this.timers.delete(id);
        timer.fn();
      }
    }
  }
}

const dbs: Db[] = [];
const runbooks: Runbook[] = [];
afterEach(() => {
  runbooks.splice(0).forEach((r) => r.dispose());
  // A restart test hands one database to two runbooks: close it once.
  dbs.splice(0).forEach((db) => db.isOpen && db.close());
});

function setup(db = openDatabase(':memory:'), cluster = new FakeCluster(), clock = new FakeClock()) {
  dbs.push(db);
  const audit = new AuditLog(db, clock.now);
  const runbook = new Runbook(cluster, new RunStore(db), audit, clock, {
    names: appNames('ts'),
    deployment: 'ts-delivery-api',
    autoRestoreMs: 10 * 60_000,
    rolloutTimeoutMs: 2000,
    verifyTimeoutMs: 300,
    pollMs: 5,
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
    ['write-parameters', 'writeParams', false],
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
      // Once parameters were written, Restore is scheduled even though the run failed.
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
