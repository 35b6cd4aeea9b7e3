import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appNames, POOL_PARAM_DEFAULTS } from '@demo/contracts';
import { startTestCloud, type TestCloud } from '@demo/testkit';
import type { LocalCloud } from '@demo/local-cloud';
import type { ConsoleContext } from '../console/src/server/context';
import { localConsole } from './local-console';
import { startLoad } from '@demo/load';

/**
 * The console's runbook, built by the console's own composition root (SSM through the AWS SDK,
 * the Deployment and pods through client-node), against a running local-cloud.
 */
const repoRoot = path.resolve(__dirname, '..');
const names = appNames('ts');
let testCloud: TestCloud;
let cloud: LocalCloud;
let app: ConsoleContext;
let runbook: ConsoleContext['runbook'];
let kube: ConsoleContext['kube'];
let signals: ConsoleContext['signals'];
/** These tests time and end each fault themselves: no guard restores it first. */
const unguarded = {
  experiment: { guards: { faultRatePercent: 0, faultRatePeriods: 1, budgetBurnPercent: 0, restoreOnBurstEnd: false } },
};

beforeAll(async () => {
  testCloud = await startTestCloud({ mysqlUrl: inject('mysqlUrl'), repoRoot });
  ({ cloud } = testCloud);
  // No cooldown: the kill switch test injects right after the first test's Restore.
  app = localConsole(testCloud, repoRoot, { CONSOLE_FAULT_COOLDOWN_SECONDS: '0' });
  ({ runbook, kube, signals } = app);
}, 90_000);

afterAll(async () => {
  app?.dispose();
  await testCloud?.stop();
}, 60_000);

describe('the runbook against local-cloud', () => {
  it('injects: writes SSM, rolls the Delivery API, and verifies every replica; then restores', async () => {
    // Steady orders throughout, as the traffic generator gives a presenter.
    const load = startLoad({ url: cloud.endpoints.orderApiUrl, rate: 20, maxInFlight: 200, requestTimeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const before = Date.now();
    await runbook.start('inject', { requestedBy: 'test', faultDelaySeconds: 2, ...unguarded });
    await runbook.idle();
    const verifiedAt = Date.now();
    const injectMs = verifiedAt - before;
    // How long until the console's charts show the first Fault: the Delivery API answers 503 after
    // its acquire timeout; the Order API's 502 comes only after its retries.
    const firstFault: Record<string, number | undefined> = {};
    const charts = {
      delivery: { service: names.deliveryApi, operation: 'POST /api/delivery' },
      order: { service: names.orderApi, operation: 'POST /api/orders' },
    };
    while ((firstFault.delivery === undefined || firstFault.order === undefined) && Date.now() - verifiedAt < 60_000) {
      for (const [name, chart] of Object.entries(charts)) {
        if (firstFault[name] !== undefined) continue;
        const view = await signals.chart({ ...chart, from: verifiedAt - 60_000, to: Date.now() });
        if (view.points.some((p) => p.t >= before - 5000 && p.faults > 0)) firstFault[name] = Date.now() - verifiedAt;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Stopping waits for in-flight orders (slow under the fault); let it run beside the restore.
    const stopped = load.stop();
    expect(firstFault.delivery).toBeDefined();
    expect(firstFault.order).toBeDefined();
    const [inject] = runbook.state().history;
    expect(inject?.status, inject?.error).toBe('succeeded');
    expect(inject?.previous).toEqual(POOL_PARAM_DEFAULTS);
    const configs = await kube.deliveryConfigs(names.deliveryApi);
    expect(configs).toHaveLength(2);
    for (const { config } of configs)
      expect(config?.effective).toMatchObject({
        pool_size: 1,
        max_overflow: 0,
        fault_injection: true,
        fault_delay_seconds: 2,
      });
    expect(await kube.serviceUrl(names.orderApi)).toBe(cloud.endpoints.orderApiUrl);

    const restoring = Date.now();
    await runbook.start('restore', { requestedBy: 'test' });
    await runbook.idle();
    const restoreMs = Date.now() - restoring;
    expect(runbook.state().history[0]?.status).toBe('succeeded');
    for (const { config } of await kube.deliveryConfigs(names.deliveryApi))
      expect(config?.effective).toMatchObject({ pool_size: 10, max_overflow: 20, fault_injection: false });
    await stopped;
    // Application Signals' own change events (ListEntityEvents) mark the Delivery API's chart beside
    // the console's: each runbook wrote the parameters (config) and rolled the Deployment (deploy).
    const marked = await signals.chart({ ...charts.delivery, from: before - 1000, to: Date.now() + 1000 });
    const changes = marked.markers.filter((m) => m.kind === 'deployment' || m.kind === 'configuration');
    // One PutParameter event per parameter written, then the rollout: twice (inject, restore).
    const runs = changes
      .map((m) => m.label)
      .join(' ')
      .replace(/(config )+/g, 'config* ');
    expect(runs).toBe('config* deploy config* deploy');
    expect(changes.find((m) => m.label === 'deploy')?.detail).toBe(
      'Application Signals: deployment (PatchDeployment by kubeconfig-user)',
    );
    expect(marked.markers.map((m) => m.label)).toContain('fault on');
    const orderChart = await signals.chart({ ...charts.order, from: before - 1000, to: Date.now() + 1000 });
    expect(orderChart.markers.filter((m) => m.kind === 'deployment')).toEqual([]);
    console.log(
      `[measured] console runbook on local-cloud: inject -> verified ${injectMs} ms, restore -> verified ${restoreMs} ms; ` +
        `first Fault on the chart after verified: Delivery API ${firstFault.delivery} ms, Order API ${firstFault.order} ms (20 orders/s, 5 s acquire timeout, 3 retries)`,
    );
  }, 120_000);

  it('the kill switch stops the burst and the background traffic, restores the fault, and blocks new runs until re-armed', async () => {
    await runbook.start('inject', { requestedBy: 'test', faultDelaySeconds: 1, ...unguarded });
    await runbook.idle();
    expect(runbook.state().faultActive).toBe(true);
    await app.traffic.set(true, 'test');
    const burst = await app.bursts.start({ rate: 5, durationSeconds: 120, maxInFlight: 50 }, 'test');
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const engaged = await app.killSwitch.engage('presenter');
    expect(engaged).toMatchObject({ engaged: true, by: 'presenter' });
    expect(runbook.state().running).toMatchObject({ action: 'restore', trigger: 'kill-switch' });
    await runbook.idle();
    expect(runbook.state().faultActive).toBe(false);
    expect(runbook.state().history[0]).toMatchObject({
      action: 'restore',
      status: 'succeeded',
      trigger: 'kill-switch',
    });
    for (const { config } of await kube.deliveryConfigs(names.deliveryApi))
      expect(config?.effective).toMatchObject({ pool_size: 10, max_overflow: 20, fault_injection: false });
    expect((await app.traffic.read()).replicas).toBe(0);
    // The burst stopped sending at once; it ends when its last answers are in.
    await expect.poll(() => app.bursts.get(burst.id)?.status, { timeout: 45_000 }).toBe('stopped');

    // Nothing new starts while it is on; a Restore still may.
    const refused = { status: 409, message: expect.stringMatching(/kill switch is on/) as unknown };
    await expect(runbook.start('inject', { requestedBy: 'test' })).rejects.toMatchObject(refused);
    await expect(app.bursts.start({ rate: 1, durationSeconds: 1, maxInFlight: 1 }, 'test')).rejects.toMatchObject(
      refused,
    );
    await expect(app.traffic.set(true, 'test')).rejects.toMatchObject(refused);
    await expect(app.traffic.set(false, 'test')).resolves.toMatchObject({ enabled: false });

    app.killSwitch.rearm('presenter');
    const after = await app.bursts.start({ rate: 2, durationSeconds: 1, maxInFlight: 5 }, 'test');
    await expect.poll(() => app.bursts.get(after.id)?.status, { timeout: 10_000 }).toBe('completed');
    const audit = app.audit
      .list(30)
      .filter((e) => e.action.startsWith('killswitch.'))
      .map((e) => `${e.action} ${e.outcome}`);
    expect(audit.reverse()).toEqual([
      'killswitch.engage started',
      'killswitch.engage succeeded',
      'killswitch.rearm succeeded',
    ]);
  }, 120_000);

  // Detection and recovery as the report measures them, with orders flowing before, during and
  // after each fault (the e2e journey's bursts end before their Restore, so recovery reads 0 there).
  for (const scenario of ['pool-exhaustion', 'slow-database'] as const) {
    it(`${scenario}: the report gives detection and recovery under steady orders`, async () => {
      const load = startLoad({
        url: cloud.endpoints.orderApiUrl,
        rate: 10,
        maxInFlight: 200,
        requestTimeoutMs: 60_000,
      });
      let id = '';
      try {
        await new Promise((resolve) => setTimeout(resolve, 10_000)); // periods before the inject
        const injected = await runbook.start('inject', {
          requestedBy: 'test',
          scenario,
          faultDelaySeconds: scenario === 'pool-exhaustion' ? 2 : 1,
          ...unguarded,
        });
        await runbook.idle();
        expect(runbook.state().history[0]?.status).toBe('succeeded');
        id = injected.id;
        const detected = async () => (await app.experiments.report(id)).timings;
        await expect
          .poll(async () => (await detected()).every((t) => t.detectionSeconds !== null), {
            timeout: 60_000,
            interval: 2000,
          })
          .toBe(true);
        await runbook.start('restore', { requestedBy: 'test' });
        await runbook.idle();
        // Orders go on after the Restore; the last elevated period is behind us within 40 s.
        await new Promise((resolve) => setTimeout(resolve, 40_000));
      } finally {
        await load.stop();
      }
      const report = await app.experiments.report(id);
      expect(report.restore?.status).toBe('succeeded');
      for (const timing of report.timings) {
        expect(timing.detectionSeconds, timing.title).not.toBeNull();
        expect(timing.recoverySeconds, timing.title).not.toBeNull();
      }
      console.log(
        `[measured] ${scenario}, 10 orders/s throughout: ` +
          report.timings
            .map(
              (t) => `${t.title} (${t.operation}) detection ${t.detectionSeconds} s, recovery ${t.recoverySeconds} s`,
            )
            .join('; '),
      );
    }, 180_000);
  }
});
