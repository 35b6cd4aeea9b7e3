import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The built register (npm test builds first), as the workloads start under it. */
const REGISTER = path.resolve(__dirname, '../../dist/otel-register.js');

const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--require', REGISTER, '-e', 'console.log("started")'], {
    env: { PATH: process.env.PATH ?? '', OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process', ...env },
    encoding: 'utf8',
  });

describe("local-cloud's OpenTelemetry register", () => {
  it('starts a program with OTLP/HTTP JSON traces, or none', () => {
    expect(run({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toMatchObject({ status: 0, stdout: 'started\n' });
    expect(run({ OTEL_TRACES_EXPORTER: 'none' })).toMatchObject({ status: 0, stdout: 'started\n' });
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER=zipkin'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_TRACES_EXPORTER=otlp, protocol grpc'],
  ])('refuses what it does not support, %o, saying so, before the program runs', (env, said) => {
    const result = run(env);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`exports OTLP/HTTP JSON traces only (${said}`);
  });
});
