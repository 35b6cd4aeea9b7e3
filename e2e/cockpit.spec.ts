import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { parseEndpointsFile } from '@demo/contracts';

/**
 * The presenter's journeys through the cockpit, in order: an order, a clean burst, the fault
 * (inject, every runbook step, a burst that shows it, the guard that restores it), a clean burst
 * again, the run's report and its evidence pack opened offline, the slow-database scenario (a dry
 * run, then an Inject past a failing steady state, ended by the burst guard) and the kill switch.
 * Screenshots of each stage land in test-results/screenshots/.
 */
test.describe.configure({ mode: 'serial' });

const shots = path.resolve(__dirname, '..', 'test-results', 'screenshots');
mkdirSync(shots, { recursive: true });
const snap = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
/** The README's presenter section shows these (copied to docs/presenter/): one card, or one screen. */
const presenterShot = (target: Page | Locator, name: string) =>
  target.screenshot({ path: path.join(shots, `presenter-${name}.png`) });

let page: Page;

interface ChartPoint {
  t: number;
  requests: number;
  faults: number;
}

/** The same data the Order API charts draw (the console's signals API, as the page fetches it). */
async function orderChart(
  from: number,
  to = Date.now(),
): Promise<{ points: ChartPoint[]; markers: { kind: string; t: number }[] }> {
  const params = new URLSearchParams({
    service: 'ts-order-api',
    operation: 'POST /api/orders',
    from: String(from),
    to: String(to),
  });
  const response = await page.request.get(`${process.env.CONSOLE_URL}/api/signals/chart?${params.toString()}`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as { points: ChartPoint[]; markers: { kind: string; t: number }[] };
}

/** The peak a chart's summary line gives for one series ("sent/s 20 (peak 21) · ..."), or NaN. */
function peakOf(summary: string | null, series: string): number {
  const escaped = series.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return Number(new RegExp(`${escaped} [\\d.—]+ \\(peak ([\\d.]+)\\)`).exec(summary ?? '')?.[1]);
}

async function sloStatus(name: string): Promise<string | null> {
  return page.getByTestId(`slo-${name}`).getAttribute('data-status');
}

const marks: { verified?: number; restored?: number; faultSendsEnded?: number } = {};

/**
 * The longest an order sent during the fault can take the Order API to answer: 4 attempts, each
 * waiting at most the 5 s acquire timeout plus the 3 s fault delay, and the original's 9.1 s of
 * backoff between them. A 502 that long after its send is still the fault's, even when it lands
 * after Restore (the burst's own client gives up at 30 s, the Order API does not).
 */
const ORDER_ANSWER_UNDER_FAULT_MS = 4 * (5000 + 3000) + 9100;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await page.goto(process.env.CONSOLE_URL ?? '');
  await expect(page.getByTestId('chip-Cluster')).toHaveAttribute('data-light', 'green');
  await expect(page.getByTestId('chip-Order API')).toHaveAttribute('data-light', 'green');
});

test.afterAll(async () => {
  await page.close();
});

async function runBurst(
  options: { rate: number; seconds: number; maxInFlight?: number },
  name: string,
  whileRunning?: () => Promise<void>,
): Promise<{ fiveHundreds: number; summary: string; startedAt: number }> {
  const card = page.getByTestId('burst-card');
  await card.locator('input[name=rate]').fill(String(options.rate));
  await card.locator('input[name=durationSeconds]').fill(String(options.seconds));
  await card.locator('input[name=maxInFlight]').fill(String(options.maxInFlight ?? 100));
  const startedAt = Date.now();
  await page.getByTestId('start-burst').click();
  // Live numbers move while it runs (the SSE feed), and the chart under them reads the same sends.
  await expect(page.getByTestId('burst-live')).toHaveAttribute('data-state', 'running');
  await expect
    .poll(async () => Number(await page.getByTestId('live-sent').textContent()), { timeout: 10_000 })
    .toBeGreaterThan(0);
  await expect
    .poll(async () => peakOf(await page.getByTestId('burst-chart-summary').textContent(), 'sent/s'), {
      timeout: 10_000,
    })
    .toBeGreaterThan(0);
  await whileRunning?.();
  await snap(page, `${name}-running`);
  await expect(page.getByTestId('burst-summary')).toBeVisible({ timeout: (options.seconds + 90) * 1000 });
  await snap(page, `${name}-summary`);
  return {
    fiveHundreds: Number(await page.getByTestId('summary-5xx').textContent()),
    summary: (await page.getByTestId('burst-summary').textContent()) ?? '',
    startedAt,
  };
}

/**
 * Inject or Restore through its confirmation. An Inject's dialog shows the steady-state check: met,
 * it injects at once; not met (`override`), it takes the override and the second confirmation.
 */
async function runRunbook(
  action: 'inject' | 'restore',
  name: string,
  options: { override?: boolean; faultGuardPeriods?: number; restoreOnBurstEnd?: boolean } = {},
): Promise<void> {
  await page.getByTestId(action === 'inject' ? 'inject-fault' : 'restore').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText('ssm:PutParameter /ts-sample-app/mysql/fault-injection');
  await expect(dialog).toContainText('PATCH apps/v1 deployments/ts-delivery-api');
  if (action === 'inject') {
    const steady = dialog.getByTestId('steady-state');
    await expect(steady).toHaveAttribute('data-ok', options.override ? 'false' : 'true');
    await expect(dialog.getByTestId('guard-settings')).toBeVisible();
    if (options.faultGuardPeriods !== undefined)
      await dialog.getByTestId('guard-fault-periods').fill(String(options.faultGuardPeriods));
    if (options.restoreOnBurstEnd) await dialog.getByTestId('guard-burst-end').check();
    await snap(page, `${name}-confirm`);
    if (name === '3-inject') await presenterShot(page.getByTestId('fault-card'), 'inject-confirm');
    if (options.override) {
      // Not met: Inject stays disabled until the override is ticked, then asks a second time.
      await expect(page.getByTestId('confirm-run')).toBeDisabled();
      await page.getByTestId('override-steady-state').check();
      await page.getByTestId('confirm-run').click();
      await expect(page.getByTestId('override-confirmation')).toContainText('Second confirmation');
      await page.getByTestId('confirm-override').click();
    } else await page.getByTestId('confirm-run').click();
  } else {
    await snap(page, `${name}-confirm`);
    await page.getByTestId('confirm-run').click();
  }
  const steps = page.locator(`[data-testid=runbook-steps][data-action=${action}]`);
  // Every step is shown as it completes.
  for (const step of ['read-parameters', 'write-parameters', 'rollout-restart', 'rollout-complete', 'verify']) {
    await expect(steps.getByTestId(`step-${step}`)).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
  }
  await expect(steps).toHaveAttribute('data-run-status', 'succeeded');
  await snap(page, `${name}-verified`);
}

interface FaultState {
  history: { id: string; action: string; trigger: string; status: string; endedAt?: string }[];
}

async function faultState(): Promise<FaultState> {
  const response = await page.request.get(`${process.env.CONSOLE_URL}/api/fault`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as FaultState;
}

interface Report {
  complete: boolean;
  timings: { title: string; detectionSeconds: number | null; recoverySeconds: number | null }[];
  experiment: { trip?: { guard: string }; steadyState?: { ok: boolean; overridden: boolean }; note?: string };
  findings: { source: string; items: { operation?: string; description: string }[] };
}

async function report(id: string): Promise<Report> {
  const response = await page.request.get(`${process.env.CONSOLE_URL}/api/experiments/${id}`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as Report;
}

/** The detection and recovery times a report gives, as one line for the test log. */
const timesOf = (r: Report) =>
  r.timings
    .map((t) => `${t.title} detection ${t.detectionSeconds ?? '—'} s, recovery ${t.recoverySeconds ?? '—'} s`)
    .join('; ');

const ids: { poolExhaustion?: string; slowDatabase?: string } = {};

test('submit an order and see it in recent orders', async () => {
  await page.getByTestId('fill-sample').click();
  // As a person does: submit once the form shows the sample.
  await expect(page.getByLabel('Customer name')).not.toHaveValue('');
  await page.getByTestId('submit-order').click();
  await expect(page.getByTestId('order-status')).toHaveText('200');
  const orderId = (await page.getByTestId('order-id').textContent()) ?? '';
  expect(orderId).toMatch(/^ORD-[0-9A-F]{24}$/);
  await expect(page.getByTestId('trace-id')).toHaveText(/^[0-9a-f]{32}$/);
  await expect(page.getByTestId('recent-orders')).toContainText(orderId, { timeout: 15_000 });
  await snap(page, '1-order');
});

/** Sets the replicas of a Deployment of local-cloud's cluster, as `kubectl scale` does; returns what it had. */
async function scale(name: string, replicas: number): Promise<number> {
  const env = parseEndpointsFile(readFileSync(process.env.LOCAL_CLOUD_ENDPOINTS ?? '', 'utf8'));
  const kubeconfig = new k8s.KubeConfig();
  kubeconfig.loadFromFile(env.KUBECONFIG ?? '');
  const apps = kubeconfig.makeApiClient(k8s.AppsV1Api);
  const before = (await apps.readNamespacedDeployment({ name, namespace: 'default' })).spec?.replicas ?? 1;
  await apps.patchNamespacedDeployment(
    { name, namespace: 'default', body: { spec: { replicas } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  return before;
}

test('a panel whose source stops answering keeps its data, marked stale with its age and why', async () => {
  const orders = page.getByTestId('recent-order');
  const shown = await orders.allTextContents();
  expect(shown.length).toBeGreaterThan(0);
  const replicas = await scale('ts-order-api', 0);
  try {
    await expect(page.getByTestId('orders-stale')).toContainText(/^Stale, \d+ s old: could not refresh \(.+\)$/, {
      timeout: 40_000,
    });
    expect(await orders.allTextContents()).toEqual(shown);
    await snap(page, '1-orders-stale');
  } finally {
    await scale('ts-order-api', replicas);
  }
  await expect(page.getByTestId('orders-stale')).toHaveCount(0, { timeout: 40_000 });
  await expect(page.getByTestId('chip-Order API')).toHaveAttribute('data-light', 'green', { timeout: 30_000 });
});

test('the browser refuses an invalid order with the fields at fault, and sends nothing', async () => {
  await page.locator('input[name=customer_name]').fill('R2-D2');
  await page.locator('input[name=shipping_address]').fill('short');
  await page.getByTestId('submit-order').click();
  await expect(page.getByTestId('order-card')).toContainText('Customer name contains invalid characters');
  await expect(page.getByTestId('order-card')).toContainText('must be at least 10 characters');
});

test('run a 15 s burst and see live numbers and a clean summary', async () => {
  const { fiveHundreds, summary } = await runBurst({ rate: 20, seconds: 15 }, '2-burst');
  expect(fiveHundreds).toBe(0);
  expect(summary).toMatch(/Completed: (29\d|30\d) sent/);
  expect(summary).toContain('0 timeouts, 0 failed, 0 dropped');
});

// After traffic: as on AWS, an SLO can only be made for an operation that has reported metrics.
test('create the demo SLOs', async () => {
  await page.getByTestId('create-slos').click();
  await expect(page.getByTestId('slo-ts-orders-availability')).not.toHaveAttribute('data-status', 'UNKNOWN');
  await expect(page.getByTestId('slo-ts-orders-p99-latency')).not.toHaveAttribute('data-status', 'UNKNOWN');
  expect(await sloStatus('ts-orders-availability')).not.toBe('BREACHED');
});

test('inject the fault (steady state met, default guards), a burst shows 5xx and latency, and the Fault guard restores it by itself', async () => {
  await page.getByTestId('fault-delay').fill('3');
  // One period above 20 % trips the Fault guard: this burst's 502s come in a few periods, not
  // necessarily two in a row.
  await runRunbook('inject', '3-inject', { faultGuardPeriods: 1 });
  await expect(page.getByTestId('fault-state')).toHaveAttribute('data-active', 'true');
  await expect(page.getByTestId('auto-restore')).toContainText('Auto-restore in');
  await expect(page.getByTestId('drift-warning')).toHaveCount(0);
  marks.verified = Date.now();
  // The guards of the fault now on, live, each with its threshold and current value.
  const guards = page.getByTestId('guards');
  await expect(guards.getByTestId('guard-fault-rate')).toContainText('above 20 % for 1 period');
  await expect(guards.getByTestId('guard-fault-rate')).toHaveAttribute('data-enabled', 'true');
  await expect(guards.getByTestId('guard-budget')).toContainText('past 300 %');
  await expect(guards.getByTestId('guard-burst-end')).toHaveAttribute('data-enabled', 'false');
  const { fiveHundreds, summary, startedAt } = await runBurst(
    { rate: 10, seconds: 5, maxInFlight: 200 },
    '4-burst-under-fault',
    async () => {
      // The pool holds one insert at a time for 3 s: the live tiles read as a stall, not as zero.
      await expect
        .poll(async () => Number(await page.getByTestId('live-oldest-open').textContent()), { timeout: 10_000 })
        .toBeGreaterThanOrEqual(2);
      await expect
        .poll(async () => Number(await page.getByTestId('live-p99').textContent()), { timeout: 10_000 })
        .toBeGreaterThanOrEqual(2000);
      await presenterShot(page.getByTestId('fault-card'), 'guards-live');
    },
  );
  marks.faultSendsEnded = startedAt + 5000;
  const p99 = Number(/p99 ([\d.]+) ms/.exec(summary)?.[1]);
  expect(fiveHundreds > 0 || p99 > 2000).toBe(true);
  expect(fiveHundreds).toBeGreaterThan(0);

  // The Order API's Fault series rises inside the fault window, and the runbook's markers are on it.
  await expect
    .poll(
      async () =>
        (await orderChart(marks.verified! - 60_000)).points
          .filter((p) => p.t >= marks.verified! - 5000)
          .reduce((n, p) => n + p.faults, 0),
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);
  const chart = await orderChart(marks.verified - 5 * 60_000);
  expect(chart.markers.map((m) => m.kind)).toEqual(
    expect.arrayContaining(['inject-requested', 'rollout-complete', 'verified', 'burst-start']),
  );
  const panel = page.getByTestId('signals-panel');
  await page.getByTestId('range-5m').click();
  // What the presenter reads under the charts: the markers, and a Fault rate that rose.
  await expect(panel.getByTestId('chart-fault-rate-summary')).toContainText('fault on', { timeout: 20_000 });
  await expect(panel.getByTestId('chart-latency-summary')).toContainText('inject');
  await expect
    .poll(async () => peakOf(await panel.getByTestId('chart-fault-rate-summary').textContent(), 'Fault % (5xx)'), {
      timeout: 20_000,
    })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('node-ts-delivery-api')).not.toHaveAttribute('data-health', 'green', {
    timeout: 20_000,
  });
  await panel.scrollIntoViewIfNeeded();
  await snap(page, '4-signals-under-fault');

  // The Order API's Fault rate goes above 20 % for a period: the guard trips and starts the Restore.
  const card = page.getByTestId('fault-card');
  await expect(card.getByTestId('fault-runs')).toContainText('guard fault-rate tripped', { timeout: 90_000 });
  await expect(page.locator('[data-testid=runbook-steps][data-action=restore]')).toHaveAttribute(
    'data-run-status',
    'succeeded',
    { timeout: 90_000 },
  );
  await expect(card).toContainText('requested by guard:fault-rate');
  await card.scrollIntoViewIfNeeded();
  await snap(page, '5-guard-restored');
  await expect(page.getByTestId('fault-state')).toHaveAttribute('data-active', 'false');
  await expect(page.getByTestId('activity-log')).toContainText('guard.trip fault-rate');
});

test("after the guard's Restore, a burst is clean again", async () => {
  await expect(page.getByTestId('auto-restore')).toHaveCount(0);
  const [restore, inject] = (await faultState()).history;
  expect(restore).toMatchObject({ action: 'restore', trigger: 'guard', status: 'succeeded' });
  expect(inject?.action).toBe('inject');
  ids.poolExhaustion = inject?.id;
  marks.restored = new Date(restore?.endedAt ?? Date.now()).getTime();
  // The clean window opens once the Order API can no longer be answering an order sent during the fault.
  // Rounded up to a whole 5 s chart period, so no point of the window reaches back before it.
  const cleanFrom =
    Math.ceil(Math.max(marks.restored, marks.faultSendsEnded! + ORDER_ANSWER_UNDER_FAULT_MS) / 5000) * 5000;
  if (cleanFrom > Date.now()) await page.waitForTimeout(cleanFrom - Date.now());
  const { fiveHundreds, summary } = await runBurst({ rate: 20, seconds: 10 }, '6-burst-after-restore');
  expect(fiveHundreds).toBe(0);
  expect(summary).toContain('0 timeouts, 0 failed, 0 dropped');
  await expect(page.getByTestId('activity-log')).toContainText('fault.restore succeeded');

  // After Restore the Fault series falls back to zero while requests keep flowing.
  await expect
    .poll(async () => (await orderChart(cleanFrom)).points.reduce((n, p) => n + p.requests, 0), {
      timeout: 30_000,
    })
    .toBeGreaterThan(150);
  const after = await orderChart(cleanFrom);
  expect(after.points.reduce((n, p) => n + p.faults, 0)).toBe(0);
  expect((await orderChart(marks.verified! - 60_000)).markers.map((m) => m.kind)).toEqual(
    expect.arrayContaining(['restore-requested', 'restored']),
  );

  // The availability SLO is breached once the minute of faults has completed (per-minute periods).
  await expect
    .poll(() => sloStatus('ts-orders-availability'), { timeout: 120_000, intervals: [5000] })
    .toBe('BREACHED');
  await page.getByTestId('slo-card').scrollIntoViewIfNeeded();
  await snap(page, '6-slo-breached');
});

test('the run report gives detection and recovery, takes a note, and its evidence pack opens offline', async ({
  browser,
}) => {
  await page.getByTestId('latest-report-link').click();
  const view = page.getByTestId('experiment-view');
  await expect(view.getByTestId('report-trip')).toContainText('Guard fault-rate tripped');
  await expect(view.getByTestId('report-steady-state')).toHaveText('Steady state before the inject: met');
  const timings = view.getByTestId('report-timings');
  await expect(timings).toContainText('Order API');
  // The pool ran out: both services showed Faults after "verified", each after a number of seconds.
  await expect(timings.locator('tr', { hasText: 'Delivery API' })).toContainText(/\d+ s/);
  await expect(timings.locator('tr', { hasText: 'Order API' })).toContainText(/\d+ s/);
  await expect(view.getByTestId('report-findings')).toContainText("local-cloud's approximation");
  await expect(view.getByTestId('report-finding-table')).toContainText('POST /api/orders');
  await expect(view.getByTestId('report-burst-table')).toContainText('yes');
  const note = 'The 502s reached the Order API about a period after the Delivery API <b>503s</b>.';
  await view.getByTestId('report-note').fill(note);
  await view.getByTestId('save-note').click();
  await expect(view.getByTestId('note-saved')).toBeVisible();
  await snap(page, '9-report');
  await page.evaluate('window.scrollTo(0, 0)');
  await presenterShot(page, 'report');

  const measured = await report(ids.poolExhaustion ?? '');
  expect(measured.experiment.note).toBe(note);
  console.log(`[measured] pool exhaustion (3 s hold, 1 s acquire timeout, 10/s burst): ${timesOf(measured)}`);

  // The pack: one HTML file, opened in a browser with the network off and scripts off.
  const [download] = await Promise.all([page.waitForEvent('download'), view.getByTestId('export-html').click()]);
  const file = path.join(shots, '..', 'evidence-pack.html');
  await download.saveAs(file);
  const offline = await browser.newContext({ offline: true, javaScriptEnabled: false });
  const pack = await offline.newPage();
  const requested: string[] = [];
  pack.on('request', (r) => requested.push(r.url()));
  await pack.goto(`file://${file}`);
  await expect(pack.getByTestId('pack-title')).toHaveText('Fault run: Database pool exhaustion');
  // The note as typed: its markup is text, not markup.
  await expect(pack.getByTestId('pack-note')).toHaveText(note);
  await expect(pack.getByTestId('pack-trip')).toContainText('Tripped: fault-rate');
  await expect(pack.getByTestId('pack-timings')).toContainText('Delivery API');
  await expect(pack.getByTestId('steps-inject')).toContainText('Verify every replica');
  await expect(pack.getByTestId('steps-restore')).toContainText('succeeded');
  await expect(pack.getByTestId('pack-parameters')).toContainText('pool-size 1, max-overflow 0, fault-injection true');
  await expect(pack.getByTestId('pack-audit')).toContainText('guard.trip');
  await expect(pack.getByTestId('pack-findings')).toContainText('Local approximation');
  await expect(pack.getByTestId('pack-budgets')).toContainText('ts-orders-availability');
  // Charts drawn from the data: the Order API's Faults peak is a number above 0, with the markers.
  const peaks = await pack.getByTestId('pack-chart-order-api-faults-peaks').textContent();
  expect(Number(/Faults \(5xx\) peak (\d+)/.exec(peaks ?? '')?.[1])).toBeGreaterThan(0);
  await expect(pack.getByTestId('pack-chart-order-api-latency')).toContainText('fault on');
  await pack.screenshot({ path: path.join(shots, '10-evidence-pack.png'), fullPage: true });
  await presenterShot(pack, 'evidence-pack');
  expect(requested.filter((url) => !url.startsWith('file://'))).toEqual([]);
  await offline.close();

  // The same data as JSON.
  const json = await page.request.get(
    `${process.env.CONSOLE_URL}/api/experiments/${ids.poolExhaustion}/pack?format=json`,
  );
  expect(json.headers()['content-disposition']).toContain('.json');
  expect(((await json.json()) as Report).experiment.trip?.guard).toBe('fault-rate');
  await page.goto(process.env.CONSOLE_URL ?? '');
});

test("the slow-database scenario: latency climbs by the hold, nothing fails, and the burst's end restores it (the burst guard)", async () => {
  await page.getByTestId('scenario-slow-database').click();
  await expect(page.getByTestId('signature-slow-database')).toContainText('Delivery API Latency');
  await expect(page.getByTestId('fault-delay')).toHaveValue('1');
  await page.getByTestId('fault-delay').fill('2');
  await expect(page.getByTestId('inject-fault')).toBeEnabled({ timeout: 15_000 }); // the cooldown after Restore
  // A dry run: the calls, the steady state and the guards, and nothing changes.
  const runsBefore = (await faultState()).history.length;
  await page.getByTestId('dry-run').click();
  const dry = page.getByTestId('confirm-dialog');
  await expect(dry).toHaveAttribute('data-dry-run', 'true');
  await expect(dry).toContainText('ssm:PutParameter /ts-sample-app/mysql/fault-delay-seconds = 2');
  // The availability SLO was breached by the first fault: the check says so, and why.
  await expect(dry.getByTestId('steady-slo')).toHaveAttribute('data-ok', 'false');
  await expect(dry.getByTestId('steady-slo')).toContainText('BREACHED');
  await expect(dry.getByTestId('guard-fault-rate')).toHaveValue('5');
  await expect(dry.getByTestId('confirm-run')).toHaveCount(0);
  await page.getByTestId('close-dialog').click();
  expect((await faultState()).history.length).toBe(runsBefore);
  await runRunbook('inject', '7-slow-database', { override: true, restoreOnBurstEnd: true });
  await expect(page.getByTestId('guard-burst-end')).toHaveAttribute('data-enabled', 'true');
  await expect(page.getByTestId('run-status')).toHaveText('succeeded');
  await expect(page.getByTestId('fault-card')).toContainText('Inject (slow database)');
  await expect(page.getByTestId('step-verify')).toContainText('fault-injection=true fault-delay-seconds=2');
  const { fiveHundreds, summary } = await runBurst({ rate: 5, seconds: 5 }, '7-burst-slow-database');
  // Every order waited the 2 s hold, and none failed: the pool kept up.
  expect(fiveHundreds).toBe(0);
  expect(summary).toContain('0 timeouts, 0 failed, 0 dropped');
  expect(Number(/p50 ([\d.]+) ms/.exec(summary)?.[1])).toBeGreaterThanOrEqual(2000);
  // The burst has ended: the burst guard trips and its Restore ends the fault.
  const faultCard = page.getByTestId('fault-card');
  await expect(faultCard.getByTestId('fault-runs')).toContainText('guard burst-end tripped', { timeout: 30_000 });
  await expect(page.locator('[data-testid=runbook-steps][data-action=restore]')).toHaveAttribute(
    'data-run-status',
    'succeeded',
    { timeout: 60_000 },
  );
  await expect(faultCard).toContainText('requested by guard:burst-end');
  await snap(page, '7-restored-by-burst-guard');
  await page.getByTestId('scenario-pool-exhaustion').click();
  const [restore, inject] = (await faultState()).history;
  expect(restore).toMatchObject({ action: 'restore', trigger: 'guard' });
  ids.slowDatabase = inject?.id;
  const measured = await report(ids.slowDatabase ?? '');
  expect(measured.experiment.steadyState).toMatchObject({ ok: false, overridden: true });
  expect(measured.experiment.trip?.guard).toBe('burst-end');
  await expect(page.getByTestId('activity-log')).toContainText('experiment.override confirmed');
  console.log(`[measured] slow database (2 s hold, 5/s burst): ${timesOf(measured)}`);
  await expect(page.getByTestId('fault-state')).toHaveAttribute('data-active', 'false');
  // A cooldown follows every Restore: Inject waits for it, and says so.
  await expect(page.getByTestId('cooldown')).toContainText('next Inject in 0:');
  await expect(page.getByTestId('inject-fault')).toBeDisabled();
});

test('the kill switch stops the burst and the fault at once, and nothing starts until it is re-armed', async () => {
  await expect(page.getByTestId('inject-fault')).toBeEnabled({ timeout: 15_000 });
  await page.getByTestId('fault-delay').fill('3');
  await runRunbook('inject', '8-inject-before-kill', { override: true });
  const card = page.getByTestId('burst-card');
  await card.locator('input[name=rate]').fill('5');
  await card.locator('input[name=durationSeconds]').fill('120');
  await card.locator('input[name=maxInFlight]').fill('50');
  await page.getByTestId('start-burst').click();
  await expect(page.getByTestId('burst-live')).toHaveAttribute('data-state', 'running');

  await page.getByTestId('kill-switch').click();
  await expect(page.getByTestId('kill-switch-engaged')).toContainText('Kill switch on since');
  // The fault is restored by a run the switch started, and the burst ends long before its 120 s.
  await expect(page.locator('[data-testid=runbook-steps][data-action=restore]')).toHaveAttribute(
    'data-run-status',
    'succeeded',
    { timeout: 60_000 },
  );
  await expect(page.getByTestId('fault-card')).toContainText('(kill-switch)');
  await expect(page.getByTestId('fault-state')).toHaveAttribute('data-active', 'false');
  await expect(page.getByTestId('burst-summary')).toContainText('Stopped', { timeout: 60_000 });
  await snap(page, '8-kill-switch');
  // Nothing new starts: the buttons say so, and the API refuses what a script would send.
  await expect(page.getByTestId('inject-fault')).toBeDisabled();
  const refused = await page.request.post(`${process.env.CONSOLE_URL}/api/bursts`, {
    data: { rate: 1, durationSeconds: 1, maxInFlight: 1 },
    headers: { origin: process.env.CONSOLE_URL ?? '' },
  });
  expect(refused.status()).toBe(409);
  expect(((await refused.json()) as { error: string }).error).toContain('kill switch is on');
  await page.getByTestId('kill-switch-rearm').click();
  await expect(page.getByTestId('kill-switch')).toBeVisible();
  await expect(page.getByTestId('activity-log')).toContainText('killswitch.rearm succeeded');
  await expect(page.getByTestId('activity-log')).toContainText('killswitch.engage succeeded');
});

test('the service page lists operations and dependencies, and a trace opens as a waterfall', async () => {
  await page.goto(`${process.env.CONSOLE_URL}/services/ts-delivery-api`);
  await expect(page.getByTestId('operations-table')).toContainText('POST /api/delivery');
  await expect(page.getByTestId('dependencies-table')).toContainText('mysql');
  await page.getByTestId('operation-POST /api/delivery').click();
  await expect(page.getByTestId('traces')).toContainText('of POST /api/delivery');
  await page.getByTestId('trace-row').first().locator('button').click();
  await expect(page.getByTestId('waterfall')).toContainText('POST /api/delivery');
  await snap(page, '7-service-page');
});

test('settings show what the console points at', async () => {
  await page.goto(`${process.env.CONSOLE_URL}/settings`);
  await expect(page.getByTestId('settings')).toContainText('local:ts');
  await expect(page.getByTestId('settings')).toContainText('SSM, CloudWatch, Application Signals');
  await snap(page, '8-settings');
});

test('the console answers bad requests with 4xx and the field at fault, never 502', async () => {
  const api = (path: string) => `${process.env.CONSOLE_URL}${path}`;
  // A Buffer goes out as the bytes given (a string would be serialised as a JSON string).
  const post = (path: string, data: string) =>
    page.request.post(api(path), { data: Buffer.from(data), headers: { 'content-type': 'application/json' } });
  for (const path of ['/api/bursts', '/api/orders', '/api/traffic', '/api/fault/inject']) {
    const response = await post(path, '{"rate": 1');
    expect(response.status(), path).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'The request body is not valid JSON' });
  }
  const invalid = await post('/api/traffic', JSON.stringify({ enabled: 'yes' }));
  expect(invalid.status()).toBe(422);
  expect(await invalid.json()).toMatchObject({ details: [{ field: 'enabled' }] });
  expect((await page.request.get(api('/api/bursts/no-such-burst'))).status()).toBe(404);

  // A second burst while one runs is a conflict (409) that names the running one.
  const body = JSON.stringify({ rate: 5, durationSeconds: 10, maxInFlight: 10, invalidShare: 0 });
  const first = await post('/api/bursts', body);
  expect(first.status()).toBe(201);
  const { id } = (await first.json()) as { id: string };
  const second = await post('/api/bursts', body);
  expect(second.status()).toBe(409);
  expect(await second.json()).toMatchObject({ running: id });
  expect((await page.request.post(api(`/api/bursts/${id}/stop`))).status()).toBe(200);
});

/** What the browser does when a tab goes to the background or comes back (Page Visibility). */
const setVisibility = (state: 'hidden' | 'visible') =>
  `Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${state}' });
   document.dispatchEvent(new Event('visibilitychange'));`;

test('every tab follows one live stream instead of polling, and a hidden tab closes it', async ({ browser }) => {
  // Three more cockpits, as colleagues watching on their own screens.
  const tabs = await Promise.all([1, 2, 3].map(() => browser.newPage()));
  const polls: string[] = [];
  const streams: string[] = [];
  const closedStreams: string[] = [];
  const polled = /\/api\/(status|orders|audit|traffic|fault|bursts|slos|signals\/(map|chart|discovery))(\?|$)/;
  for (const tab of tabs) {
    tab.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/live') streams.push(url.search);
      else if (polled.test(url.pathname + url.search)) polls.push(url.pathname);
    });
    tab.on('requestfailed', (request) => {
      if (new URL(request.url()).pathname === '/api/live') closedStreams.push(request.url());
    });
    await tab.goto(process.env.CONSOLE_URL ?? '');
    await expect(tab.getByTestId('chip-Cluster')).toHaveAttribute('data-light', 'green');
  }
  // What a tab shows comes over its stream: the status strip and the chart summary are filled.
  for (const tab of tabs) await expect(tab.getByTestId('chip-Order API')).toHaveAttribute('data-light', 'green');
  await tabs[0]!.waitForTimeout(1000); // the first fetches of each panel, and the stream opening, settle
  const pollsBefore = polls.length;
  const streamsBefore = streams.length;
  // Long enough for every panel to have polled at least once (5-15 s) were it polling.
  await tabs[0]!.waitForTimeout(16_000);
  expect(polls.slice(pollsBefore), 'requests a polling tab would have made').toEqual([]);
  expect(streams.length - streamsBefore).toBe(0);
  // One stream per tab, carrying every panel's topic.
  expect(streams.length).toBeGreaterThanOrEqual(tabs.length);
  for (const search of streams)
    expect(new URLSearchParams(search).get('topics')?.split(',')).toEqual(
      expect.arrayContaining(['status', 'orders', 'audit', 'traffic', 'fault', 'bursts', 'map', 'slos', 'discovery']),
    );

  // A tab put in the background closes its stream and draws nothing; back in front, it reopens.
  const background = tabs[2]!;
  await background.evaluate(setVisibility('hidden'));
  await expect.poll(() => closedStreams.length, { timeout: 5000 }).toBeGreaterThan(0);
  const reopenedFrom = streams.length;
  await background.evaluate(setVisibility('visible'));
  await expect.poll(() => streams.length, { timeout: 5000 }).toBeGreaterThan(reopenedFrom);
  await Promise.all(tabs.map((tab) => tab.close()));
});
