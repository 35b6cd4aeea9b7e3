import { defineConfig } from 'tsup';

// CommonJS, with only our own workspace packages bundled in: undici stays
// a plain `require` (the same module layout as the services).
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['cjs'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  noExternal: [/^@demo\//],
});
