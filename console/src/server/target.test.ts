import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatEndpointsFile, type LocalEndpoints } from '@demo/contracts';
import { describe, expect, it } from 'vitest';
import { loadConsoleConfig } from './config';
import { resolveTarget, TargetError } from './target';

const dir = mkdtempSync(path.join(os.tmpdir(), 'console-target-'));
const file = (name: string, text: string) => {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
};

describe('console configuration', () => {
  it('binds loopback by default and needs no token there', () => {
    const config = loadConsoleConfig({}, dir);
    expect(config).toMatchObject({
      target: 'local',
      host: '127.0.0.1',
      caps: { maxRate: 500, maxDurationSeconds: 300, maxInFlight: 500 },
      autoRestoreMinutes: 10,
    });
    expect(config.operatorToken).toBeUndefined();
  });

  it('refuses to bind beyond loopback without an operator token', () => {
    expect(() => loadConsoleConfig({ CONSOLE_HOST: '0.0.0.0' }, dir)).toThrow(/CONSOLE_OPERATOR_TOKEN/);
    expect(
      loadConsoleConfig({ CONSOLE_HOST: '0.0.0.0', CONSOLE_OPERATOR_TOKEN: 'x'.repeat(16) }, dir).operatorToken,
    ).toBe('x'.repeat(16));
  });

  it('lists every bad variable', () => {
    expect(() => loadConsoleConfig({ CONSOLE_TARGET: 'gcp', CONSOLE_MAX_RATE: '-1' }, dir)).toThrow(
      /CONSOLE_TARGET[\s\S]*CONSOLE_MAX_RATE/,
    );
  });
});

const LOCAL_ENDPOINTS: LocalEndpoints = {
  APP_PREFIX: 'ts',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9999',
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'local-cloud',
  AWS_SECRET_ACCESS_KEY: 'local-cloud',
  AWS_EC2_METADATA_DISABLED: 'true',
  KUBECONFIG: '/tmp/kc',
  ORDER_API_URL: 'http://127.0.0.1:8080',
  DELIVERY_API_URL: 'http://127.0.0.1:5000',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
};

describe('target resolution', () => {
  it('local: takes the endpoints from the environment when set', () => {
    const target = resolveTarget(
      loadConsoleConfig(
        {
          AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
          KUBECONFIG: '/k',
          APP_PREFIX: 'python',
          AWS_ACCESS_KEY_ID: 'local-cloud',
          AWS_SECRET_ACCESS_KEY: 'local-cloud',
        },
        dir,
      ),
    );
    expect(target).toMatchObject({
      kind: 'local',
      prefix: 'python',
      environment: 'local:python',
      awsEndpoint: 'http://127.0.0.1:4566',
      kubeconfig: '/k',
      localCredentials: { accessKeyId: 'local-cloud', secretAccessKey: 'local-cloud' },
      region: 'us-east-1',
      sources: { endpoints: 'environment' },
    });
  });

  it('local: refuses endpoints without the keys local-cloud checks signatures with', () => {
    expect(() =>
      resolveTarget(loadConsoleConfig({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', KUBECONFIG: '/k' }, dir)),
    ).toThrow(/AWS_ACCESS_KEY_ID/);
  });

  it('local: reads local-cloud endpoints.env otherwise', () => {
    const endpoints = file('endpoints.env', formatEndpointsFile(LOCAL_ENDPOINTS));
    const target = resolveTarget(loadConsoleConfig({ CONSOLE_ENDPOINTS_FILE: endpoints }, dir));
    expect(target).toMatchObject({
      kind: 'local',
      prefix: 'ts',
      region: 'eu-west-1',
      awsEndpoint: 'http://127.0.0.1:9999',
      kubeconfig: '/tmp/kc',
    });
  });

  it('local: in rehearsal mode reads metrics as the aws target does (60 s periods, published late)', () => {
    const endpoints = file('rehearsal.env', formatEndpointsFile({ ...LOCAL_ENDPOINTS, METRIC_TIMING: 'aws' }));
    const rehearsal = resolveTarget(loadConsoleConfig({ CONSOLE_ENDPOINTS_FILE: endpoints }, dir));
    const aws = resolveTarget(
      loadConsoleConfig({ CONSOLE_TARGET: 'aws', EKS_CLUSTER_NAME: 'c', AWS_REGION: 'eu-west-1' }, dir),
    );
    expect(rehearsal).toMatchObject({ kind: 'local', basePeriodSeconds: 60, publishLagSeconds: 180 });
    expect([rehearsal.basePeriodSeconds, rehearsal.publishLagSeconds]).toEqual([
      aws.basePeriodSeconds,
      aws.publishLagSeconds,
    ]);
    expect(rehearsal.sources['metric timing']).toContain('AWS rehearsal');
    // The environment (what local-cloud hands the console it starts) says the same.
    const fromEnv = resolveTarget(
      loadConsoleConfig(
        {
          AWS_ENDPOINT_URL: 'http://127.0.0.1:9999',
          KUBECONFIG: '/tmp/kc',
          AWS_ACCESS_KEY_ID: 'a',
          AWS_SECRET_ACCESS_KEY: 'b',
          METRIC_TIMING: 'aws',
        },
        dir,
      ),
    );
    expect(fromEnv.basePeriodSeconds).toBe(60);
    expect(
      resolveTarget(loadConsoleConfig({ CONSOLE_ENDPOINTS_FILE: endpoints, METRIC_TIMING: 'fast' }, dir))
        .basePeriodSeconds,
    ).toBe(5);
  });

  it('local: says how to get endpoints when there are none', () => {
    expect(() =>
      resolveTarget(loadConsoleConfig({ CONSOLE_ENDPOINTS_FILE: path.join(dir, 'missing.env') }, dir)),
    ).toThrow(TargetError);
    expect(() =>
      resolveTarget(loadConsoleConfig({ CONSOLE_ENDPOINTS_FILE: path.join(dir, 'missing.env') }, dir)),
    ).toThrow(/npm run demo/);
  });

  it('aws: reads the state file the provisioning scripts write', () => {
    const state = file(
      'cluster-resources.json',
      JSON.stringify({
        app_prefix: 'ts',
        namespace: 'default',
        cluster: { name: 'ts-eks-demo', region: 'us-east-2', account_id: '123' },
      }),
    );
    const target = resolveTarget(loadConsoleConfig({ CONSOLE_TARGET: 'aws', CLUSTER_CONFIG_FILE: state }, dir));
    expect(target).toMatchObject({
      kind: 'aws',
      region: 'us-east-2',
      clusterName: 'ts-eks-demo',
      environment: 'eks:ts-eks-demo/default',
      prefix: 'ts',
    });
    expect(target.awsEndpoint).toBeUndefined();
    expect(target.sources.credentials).toBe('the default AWS credential chain');
  });

  it('aws: the environment overrides the state file', () => {
    const state = file('cluster2.json', JSON.stringify({ cluster: { name: 'from-file', region: 'us-east-2' } }));
    const target = resolveTarget(
      loadConsoleConfig(
        { CONSOLE_TARGET: 'aws', CLUSTER_CONFIG_FILE: state, EKS_CLUSTER_NAME: 'from-env', AWS_REGION: 'eu-central-1' },
        dir,
      ),
    );
    expect(target).toMatchObject({
      clusterName: 'from-env',
      region: 'eu-central-1',
      environment: 'eks:from-env/default',
    });
  });

  it('aws: refuses without a cluster, and refuses a state file it does not understand', () => {
    expect(() =>
      resolveTarget(
        loadConsoleConfig({ CONSOLE_TARGET: 'aws', CLUSTER_CONFIG_FILE: path.join(dir, 'none.json') }, dir),
      ),
    ).toThrow(/1-create-env\.sh/);
    const bad = file('bad.json', JSON.stringify({ cluster: 'nope' }));
    expect(() => resolveTarget(loadConsoleConfig({ CONSOLE_TARGET: 'aws', CLUSTER_CONFIG_FILE: bad }, dir))).toThrow(
      TargetError,
    );
  });
});
