import { describe, expect, it } from 'vitest';
import type { ChartView, SeriesPoint, SloRow } from '../../shared/signals';
import type { StatusView } from '../../shared/status';
import { readSteadyState, type SteadyStateSources } from './steady-state';

const NOW = Date.UTC(2026, 11, 3, 10, 0, 0);
const chip = (name: string, light: 'green' | 'amber' | 'red' = 'green') => ({
  name,
  light,
  reason: `${name} ${light}`,
});

function chart(faultsPerPeriod: number[], requests = 100): ChartView {
  const points: SeriesPoint[] = faultsPerPeriod.map((faults, i) => ({
    t: NOW - (faultsPerPeriod.length - i) * 5000,
    p50: 5,
    p99: 9,
    avg: 5,
    requests,
    faults,
    errors: 0,
    faultRate: faults / requests,
    errorRate: 0,
  }));
  return { window: { from: NOW - 40_000, to: NOW, periodSeconds: 5 }, points } as unknown as ChartView;
}

const slo = (status: SloRow['status']): SloRow[] => [
  {
    name: 'ts-orders-availability',
    arn: 'a',
    objective: '',
    status,
    attainment: 100,
    goal: 99,
    totalBudgetSeconds: 36,
    budgetSecondsRemaining: 36,
  },
];

function sources(over: Partial<SteadyStateSources> = {}): SteadyStateSources {
  return {
    status: () => Promise.resolve({ chips: [chip('Cluster'), chip('Order API')] } as StatusView),
    deliveryChart: () => Promise.resolve(chart([0, 0, 0, 0, 0, 0, 0])),
    slos: () => Promise.resolve(slo('OK')),
    availabilitySlo: 'ts-orders-availability',
    periodMs: 5000,
    now: () => NOW,
    ...over,
  };
}

describe('the steady-state check before an Inject', () => {
  it('met: every chip green, no Delivery API faults over the last periods, the SLO not breached', async () => {
    const state = await readSteadyState(sources());
    expect(state.ok).toBe(true);
    expect(state.checks.map((c) => [c.id, c.ok, c.value])).toEqual([
      ['chips', true, 'all green'],
      ['delivery-faults', true, '0.0 % (0 of 600 requests)'],
      ['slo', true, 'OK'],
    ]);
  });

  it('not met, each check on its own: an amber chip, faults at the threshold, a breached SLO', async () => {
    const amber = await readSteadyState(
      sources({ status: () => Promise.resolve({ chips: [chip('Cluster'), chip('MySQL', 'amber')] } as StatusView) }),
    );
    expect(amber.ok).toBe(false);
    expect(amber.checks[0]).toMatchObject({ ok: false, value: 'MySQL amber (MySQL amber)' });
    // 6 faults in 600 requests is 1 %: not under it. Only the last 6 complete periods count.
    const faults = await readSteadyState(
      sources({ deliveryChart: () => Promise.resolve(chart([50, 1, 1, 1, 1, 1, 1])) }),
    );
    expect(faults.checks[1]).toMatchObject({
      ok: false,
      value: '1.0 % (6 of 600 requests)',
      expected: 'under 1 % over the last 6 periods',
    });
    const breached = await readSteadyState(sources({ slos: () => Promise.resolve(slo('BREACHED')) }));
    expect(breached.checks[2]).toMatchObject({ ok: false, value: 'BREACHED' });
  });

  it('a source that does not answer fails its check and says why (unknown is not healthy)', async () => {
    const state = await readSteadyState(
      sources({ deliveryChart: () => Promise.reject(new Error('GetMetricData throttled')) }),
    );
    expect(state.ok).toBe(false);
    expect(state.checks[1]).toMatchObject({ ok: false, value: 'could not read: GetMetricData throttled' });
    expect(state.checks[0]?.ok).toBe(true);
  });

  it('no SLO yet is not a breach', async () => {
    const state = await readSteadyState(sources({ slos: () => Promise.resolve([]) }));
    expect(state.checks[2]).toMatchObject({ ok: true, value: 'not created yet' });
  });
});
