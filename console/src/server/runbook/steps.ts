import type { DeliveryConfig, PoolParams } from '@demo/contracts';
import { scenarioOf } from '../../shared/scenarios';
import type { RunAction, RunbookPorts, RunRecord, StepName } from './types';

export interface StepOptions {
  rolloutTimeoutMs: number;
  verifyTimeoutMs: number;
  pollMs: number;
}

/** What every step sees: the run (steps may fill in `previous`), the ports, and cancellation. */
export interface StepContext {
  run: RunRecord;
  ports: RunbookPorts;
  signal: AbortSignal;
  options: StepOptions;
  /** The baseline an inject records, given the values it read: never a fault state. */
  baselineFrom: (current: PoolParams) => PoolParams;
  /** Generation the restart produced; the rollout wait needs the controller to have seen it. */
  generation?: number;
}

export interface Step {
  name: StepName;
  title: (action: RunAction) => string;
  /** Does the work; returns what to show as the step's detail. Throws to fail the run. */
  execute: (ctx: StepContext) => Promise<string>;
}

export function describeParams(p: PoolParams): string {
  return `pool-size=${p.poolSize} max-overflow=${p.maxOverflow} fault-injection=${p.faultInjection} fault-delay-seconds=${p.faultDelaySeconds}`;
}

/** Sleeps, but wakes (and throws) as soon as the run is cancelled. */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error(String(signal.reason ?? 'cancelled')));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error(String(signal.reason ?? 'cancelled')));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function mismatches(config: DeliveryConfig, target: PoolParams): string[] {
  const e = config.effective;
  const wrong: string[] = [];
  if (e.pool_size !== target.poolSize) wrong.push(`pool_size ${e.pool_size}`);
  if (e.max_overflow !== target.maxOverflow) wrong.push(`max_overflow ${e.max_overflow}`);
  if (e.fault_injection !== target.faultInjection) wrong.push(`fault_injection ${e.fault_injection}`);
  if (e.fault_delay_seconds !== target.faultDelaySeconds) wrong.push(`fault_delay_seconds ${e.fault_delay_seconds}`);
  return wrong;
}

/** The runbook, in order. Each step is safe to run again, so a retry simply starts over. */
export const STEPS: readonly Step[] = [
  {
    name: 'read-parameters',
    title: () => 'Read the pool parameters (SSM GetParameters)',
    async execute(ctx) {
      const current = await ctx.ports.readParams();
      // Injecting twice (with any delay) must not make fault values the ones Restore returns to.
      if (ctx.run.action === 'inject') {
        ctx.run.previous = ctx.baselineFrom(current);
        // A scenario that keeps the pool writes the one it found.
        ctx.run.target = scenarioOf(ctx.run).params(ctx.run.target.faultDelaySeconds, ctx.run.previous);
      }
      return `now: ${describeParams(current)}`;
    },
  },
  {
    name: 'write-parameters',
    title: () => 'Write the parameters (SSM PutParameter)',
    async execute(ctx) {
      const written = await ctx.ports.writeParams(ctx.run.target);
      return `wrote ${written.join(', ')}`;
    },
  },
  {
    name: 'rollout-restart',
    title: () => 'Restart the Delivery API (rollout restart)',
    async execute(ctx) {
      ctx.generation = await ctx.ports.restart();
      return `patched kubectl.kubernetes.io/restartedAt; generation ${ctx.generation}`;
    },
  },
  {
    name: 'rollout-complete',
    title: () => 'Wait for the rollout to complete',
    async execute(ctx) {
      const deadline = Date.now() + ctx.options.rolloutTimeoutMs;
      let last = 'no status yet';
      for (;;) {
        const { state, generation } = await ctx.ports.rollout();
        last = state.message;
        if (state.phase === 'failed') throw new Error(state.message);
        if (state.phase === 'done' && generation >= (ctx.generation ?? 0)) return state.message;
        if (Date.now() > deadline) {
          throw new Error(`the rollout did not complete within ${ctx.options.rolloutTimeoutMs / 1000} s: ${last}`);
        }
        await wait(ctx.options.pollMs, ctx.signal);
      }
    },
  },
  {
    name: 'verify',
    title: () => 'Verify every replica runs the new values (/api/delivery/config)',
    async execute(ctx) {
      const deadline = Date.now() + ctx.options.verifyTimeoutMs;
      for (;;) {
        const configs = await ctx.ports.configs();
        const wrong = configs.flatMap(({ pod, config }) => {
          if (!config) return [`${pod}: did not answer through the Service`];
          const off = mismatches(config, ctx.run.target);
          return off.length > 0 ? [`${pod}: ${off.join(', ')}`] : [];
        });
        if (configs.length > 0 && wrong.length === 0) {
          return `${configs.length} replica${configs.length === 1 ? '' : 's'} run ${describeParams(ctx.run.target)}`;
        }
        if (Date.now() > deadline) {
          throw new Error(
            configs.length === 0
              ? 'no ready replica answered /api/delivery/config'
              : `replicas still on other values: ${wrong.join('; ')}`,
          );
        }
        await wait(ctx.options.pollMs, ctx.signal);
      }
    },
  },
];
