import { defineConfig } from 'tsup';

/**
 * How every Node program here is built: CommonJS, with only our own workspace packages bundled
 * in. Everything else (fastify, express, mysql2, undici, the AWS SDK) stays a plain `require`, so
 * OpenTelemetry's require hooks (the local register, or ADOT on EKS) can instrument it.
 */
export function nodeProgram(entry: string | Record<string, string>) {
  return defineConfig({
    entry: typeof entry === 'string' ? [entry] : entry,
    format: ['cjs'],
    platform: 'node',
    target: 'node24',
    sourcemap: true,
    clean: true,
    noExternal: [/^@demo\//],
  });
}
