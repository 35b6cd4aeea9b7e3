import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './e2e/chromium';

/**
 * End-to-end journeys in a real Chromium against the whole local stack. The global setup runs
 * local-cloud (as `npm run demo` does) on free ports with a temporary data directory, console
 * included, and tears it down afterwards. Browsers are not downloaded: Debian's Chromium is used.
 */
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  timeout: 180_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  outputDir: 'test-results/e2e',
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1400, height: 1000 },
    launchOptions: CHROMIUM_LAUNCH,
  },
});
