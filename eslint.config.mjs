import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores([
    '**/dist/**',
    '**/.next/**',
    '**/next-env.d.ts',
    '.demo/**',
    'coverage/**',
    'test-results/**',
    'playwright-report/**',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Configuration is read once, validated, and passed down (DESIGN §2, STYLE 6).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read env in a config module (loadConfig) and pass it down.' },
      ],
    },
  },
  {
    files: ['console/**/*.{ts,tsx}'],
    extends: [nextVitals],
    settings: { next: { rootDir: 'console/' } },
  },
  {
    // Only the console's server domain (src/server) builds clients; pages, routes and UI call it.
    files: ['console/app/**/*.{ts,tsx}', 'console/src/ui/**/*.{ts,tsx}', 'console/src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@kubernetes/client-node', 'node:sqlite'],
              message: 'Go through console/src/server (it owns every client).',
            },
          ],
        },
      ],
    },
  },
  {
    // UI code never imports server code (and vice versa: src/server never imports src/ui).
    files: ['console/src/ui/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**'], message: 'UI code must not import server modules; share types via src/shared.' },
          ],
        },
      ],
    },
  },
  {
    files: ['console/src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/ui/**'], message: 'Server code must not import UI modules.' }] },
      ],
    },
  },
  {
    // Entry points and config modules: the only places that read the environment.
    files: [
      '**/src/config.ts',
      '**/src/server/config.ts',
      'console/instrumentation.ts',
      'packages/testkit/src/**',
      'local-cloud/vitest-mysql.ts',
      'local-cloud/test-cloud.ts',
      '**/test/**',
      '**/*.test.ts',
      'e2e/**',
      'scripts/**',
      'bench/main.ts',
      'bench/servers/**',
      '*.config.*',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
]);
