import {
  appNames,
  POOL_PARAM_DEFAULTS,
  type DeliveryConfig,
  type PoolParams,
  type RolloutState,
} from '@demo/contracts';
import type { RunbookOptions } from './runbook';
import type { Clock, RunbookPorts } from './types';

/**
 * In-memory ports for the runbook's unit tests (SSM values, a Deployment that rolls out when told,
 * and replicas that report what they run). The same runbook, built by createConsoleContext, against
 * a running local-cloud is covered in test/console-runbook.test.ts.
 */
export class FakeCluster implements RunbookPorts {
  params: PoolParams = { ...POOL_PARAM_DEFAULTS };
  running: PoolParams = { ...POOL_PARAM_DEFAULTS };
  generation = 1;
  observed = 1;
  fail: Partial<Record<keyof RunbookPorts, Error>> = {};
  /** While set, rollouts never finish (until released). */
  stuck = false;
  /** A ready pod the Service proxy never reaches. */
  unreached: string | undefined;
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
    return Promise.resolve(
      ['delivery-a', 'delivery-b'].map((pod) => (pod === this.unreached ? { pod } : { pod, config })),
    );
  };
}

/** A clock whose time and timers move only when told. */
export class FakeClock implements Clock {
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

/** The runbook options of the unit tests: quick timeouts, a 10-minute auto-restore. */
export const TEST_RUNBOOK_OPTIONS: RunbookOptions = {
  names: appNames('ts'),
  deployment: 'ts-delivery-api',
  autoRestoreMs: 10 * 60_000,
  rolloutTimeoutMs: 2000,
  verifyTimeoutMs: 300,
  pollMs: 5,
};
