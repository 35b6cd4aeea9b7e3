import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // `server-only` throws outside a React Server bundle; tests import server modules directly.
    alias: { 'server-only': fileURLToPath(new URL('./node_modules/server-only/empty.js', import.meta.url)) },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      'local-cloud/src/**/*.test.ts',
      'local-cloud/test/**/*.test.ts',
      'console/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    globalSetup: ['./local-cloud/vitest-mysql.ts'],
    // local-cloud's credentials (what endpoints.env gives every client) and no metadata lookups:
    // nothing in a test may reach for real AWS.
    env: {
      AWS_ACCESS_KEY_ID: 'local-cloud',
      AWS_SECRET_ACCESS_KEY: 'local-cloud',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The JSON report is what .ci/run counts.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
