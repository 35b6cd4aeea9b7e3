import { defineConfig } from 'tsup';

// CommonJS entry for `npm run demo`; our own workspace packages are bundled in, the rest stays
// plain requires (mysql2, pino, zod, hdr-histogram-js).
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['cjs'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  noExternal: [/^@demo\//],
});
