import 'server-only';
import { STEADY_STATE, type SteadyState, type SteadyStateCheck } from '../../shared/experiment';
import type { ChartView, SloRow } from '../../shared/signals';
import type { StatusView } from '../../shared/status';

export interface SteadyStateSources {
  status(): Promise<StatusView>;
  /** The Delivery API's chart over a window. */
  deliveryChart(from: number, to: number): Promise<ChartView>;
  slos(): Promise<SloRow[]>;
  /** The demo's availability SLO, by name. */
  availabilitySlo: string;
  periodMs: number;
  now?: () => number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A source that did not answer fails its check, saying why: health unknown is not health. */
async function settle<T>(read: () => Promise<T>): Promise<{ value: T } | { error: string }> {
  try {
    return { value: await read() };
  } catch (error) {
    return { error: `could not read: ${message(error)}` };
  }
}

/**
 * Whether the system is healthy enough for a fault run to mean something: every status chip
 * green, the Delivery API's Fault rate under the threshold over the last periods, and the
 * availability SLO not already breached.
 */
export async function readSteadyState(sources: SteadyStateSources): Promise<SteadyState> {
  const now = sources.now?.() ?? Date.now();
  const { periods, deliveryFaultRatePercent } = STEADY_STATE;
  const [status, chart, slos] = await Promise.all([
    settle(() => sources.status()),
    // One period more than asked, so that the last complete ones are in it.
    settle(() => sources.deliveryChart(now - (periods + 1) * sources.periodMs, now)),
    settle(() => sources.slos()),
  ]);
  const checks: SteadyStateCheck[] = [];

  const chipsExpected = 'every status chip green';
  if ('error' in status)
    checks.push({ id: 'chips', title: 'Status', ok: false, value: status.error, expected: chipsExpected });
  else {
    const off = status.value.chips.filter((c) => c.light !== 'green');
    checks.push({
      id: 'chips',
      title: 'Status',
      ok: off.length === 0,
      value: off.length === 0 ? 'all green' : off.map((c) => `${c.name} ${c.light} (${c.reason})`).join('; '),
      expected: chipsExpected,
    });
  }

  const faultsExpected = `under ${deliveryFaultRatePercent} % over the last ${periods} periods`;
  if ('error' in chart)
    checks.push({
      id: 'delivery-faults',
      title: 'Delivery API Fault rate',
      ok: false,
      value: chart.error,
      expected: faultsExpected,
    });
  else {
    const step = chart.value.window.periodSeconds * 1000;
    const complete = chart.value.points.filter((p) => p.t + step <= now).slice(-periods);
    const requests = complete.reduce((n, p) => n + p.requests, 0);
    const faults = complete.reduce((n, p) => n + p.faults, 0);
    const rate = requests > 0 ? (faults / requests) * 100 : 0;
    checks.push({
      id: 'delivery-faults',
      title: 'Delivery API Fault rate',
      ok: rate < deliveryFaultRatePercent,
      value: requests > 0 ? `${rate.toFixed(1)} % (${faults} of ${requests} requests)` : 'no requests (0 faults)',
      expected: faultsExpected,
    });
  }

  const sloExpected = 'not BREACHED';
  if ('error' in slos)
    checks.push({ id: 'slo', title: 'Availability SLO', ok: false, value: slos.error, expected: sloExpected });
  else {
    const row = slos.value.find((s) => s.name === sources.availabilitySlo);
    const state = row?.status ?? 'UNKNOWN';
    checks.push({
      id: 'slo',
      title: 'Availability SLO',
      ok: state !== 'BREACHED',
      value: row && row.status !== 'UNKNOWN' ? state : 'not created yet',
      expected: sloExpected,
    });
  }

  return { ok: checks.every((c) => c.ok), checks, checkedAt: new Date(now).toISOString() };
}
