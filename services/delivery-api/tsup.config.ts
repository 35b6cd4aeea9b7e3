import { defineConfig } from 'tsup';

// CommonJS, with only our own workspace packages bundled in: mysql2, express and the AWS SDK stay
// plain `require`s so OpenTelemetry's require hooks can instrument them.
export default defineConfig({
  entry: ['src/server.ts'],
  format: ['cjs'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  noExternal: [/^@demo\//],
});
