import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
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
    // Entry points and config modules: the only places that read the environment.
    files: [
      '**/src/config.ts',
      '**/config/*.ts',
      'packages/testkit/src/**',
      '**/test/**',
      '**/*.test.ts',
      'scripts/**',
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
