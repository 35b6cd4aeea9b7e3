import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';

/**
 * The presenter's journeys through the cockpit, in order: an order, a clean burst, the fault
 * (inject, every runbook step, a burst that shows it, restore) and a clean burst again.
 * Screenshots of each stage land in test-results/screenshots/.
 */
test.describe.configure({ mode: 'serial' });

const shots = path.resolve(__dirname, '..', 'test-results', 'screenshots');
mkdirSync(shots, { recursive: true });
const snap = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

let page: Page;

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
): Promise<{ fiveHundreds: number; summary: string }> {
  const card = page.getByTestId('burst-card');
  await card.locator('input[name=rate]').fill(String(options.rate));
  await card.locator('input[name=durationSeconds]').fill(String(options.seconds));
  await card.locator('input[name=maxInFlight]').fill(String(options.maxInFlight ?? 100));
  await page.getByTestId('start-burst').click();
  // Live numbers move while it runs (the SSE feed), and a chart is drawn.
  await expect(page.getByTestId('burst-live')).toHaveAttribute('data-state', 'running');
  await expect
    .poll(async () => Number(await page.getByTestId('live-sent').textContent()), { timeout: 10_000 })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('burst-chart').locator('.recharts-line-curve').first()).toBeVisible();
  await snap(page, `${name}-running`);
  await expect(page.getByTestId('burst-summary')).toBeVisible({ timeout: (options.seconds + 90) * 1000 });
  await snap(page, `${name}-summary`);
  return {
    fiveHundreds: Number(await page.getByTestId('summary-5xx').textContent()),
    summary: (await page.getByTestId('burst-summary').textContent()) ?? '',
  };
}

async function runRunbook(action: 'inject' | 'restore', name: string): Promise<void> {
  await page.getByTestId(action === 'inject' ? 'inject-fault' : 'restore').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText('ssm:PutParameter /ts-sample-app/mysql/fault-injection');
  await expect(dialog).toContainText('PATCH apps/v1 deployments/ts-delivery-api');
  await snap(page, `${name}-confirm`);
  await page.getByTestId('confirm-run').click();
  const steps = page.locator(`[data-testid=runbook-steps][data-action=${action}]`);
  // Every step is shown as it completes.
  for (const step of ['read-parameters', 'write-parameters', 'rollout-restart', 'rollout-complete', 'verify']) {
    await expect(steps.getByTestId(`step-${step}`)).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
  }
  await expect(steps).toHaveAttribute('data-run-status', 'succeeded');
  await snap(page, `${name}-verified`);
}

test('submit an order and see it in recent orders', async () => {
  await page.getByTestId('fill-sample').click();
  await page.getByTestId('submit-order').click();
  await expect(page.getByTestId('order-status')).toHaveText('200');
  const orderId = (await page.getByTestId('order-id').textContent()) ?? '';
  expect(orderId).toMatch(/^ORD-[0-9A-F]{8}$/);
  await expect(page.getByTestId('trace-id')).toHaveText(/^[0-9a-f]{32}$/);
  await expect(page.getByTestId('recent-orders')).toContainText(orderId, { timeout: 15_000 });
  await snap(page, '1-order');
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

test('inject the fault, see every step complete, and a burst shows 5xx and latency', async () => {
  await page.getByTestId('fault-delay').fill('3');
  await runRunbook('inject', '3-inject');
  await expect(page.getByTestId('fault-state')).toHaveAttribute('data-active', 'true');
  await expect(page.getByTestId('auto-restore')).toContainText('Auto-restore in');
  await expect(page.getByTestId('drift-warning')).toHaveCount(0);
  const { fiveHundreds, summary } = await runBurst({ rate: 10, seconds: 5, maxInFlight: 200 }, '4-burst-under-fault');
  const p99 = Number(/p99 ([\d.]+) ms/.exec(summary)?.[1]);
  expect(fiveHundreds > 0 || p99 > 2000).toBe(true);
  expect(fiveHundreds).toBeGreaterThan(0);
});

test('restore, and a burst is clean again', async () => {
  await runRunbook('restore', '5-restore');
  await expect(page.getByTestId('fault-state')).toHaveAttribute('data-active', 'false');
  await expect(page.getByTestId('auto-restore')).toHaveCount(0);
  const { fiveHundreds, summary } = await runBurst({ rate: 20, seconds: 10 }, '6-burst-after-restore');
  expect(fiveHundreds).toBe(0);
  expect(summary).toContain('0 timeouts, 0 failed, 0 dropped');
  await expect(page.getByTestId('activity-log')).toContainText('fault.restore succeeded');
});

test('settings show what the console points at', async () => {
  await page.goto(`${process.env.CONSOLE_URL}/settings`);
  await expect(page.getByTestId('settings')).toContainText('local:ts');
  await expect(page.getByTestId('settings')).toContainText('SSM, CloudWatch, Application Signals');
  await snap(page, '7-settings');
});
