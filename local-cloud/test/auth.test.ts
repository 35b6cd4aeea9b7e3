import '../vitest-mysql';
import { execFile } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { ApplicationSignalsClient, ListServiceLevelObjectivesCommand } from '@aws-sdk/client-application-signals';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appNames, parseEndpointsFile, type LocalEndpoints } from '@demo/contracts';
import { endpointsFile } from '../src/endpoints';
import type { LocalCloud } from '../src/stack';
import { startTestCloud, type TestCloud } from '../test-cloud';

/**
 * Only whoever holds local-cloud's credentials may drive it, as on AWS and EKS: forged Host
 * names, unsigned or wrongly signed AWS calls and Kubernetes calls without the kubeconfig's token
 * are refused with the real error shapes, and change nothing. The same credentials work in the
 * real clients: the AWS SDK, client-node, and the kubectl and aws CLIs when they are installed
 * (test/real-clients.test.ts runs every command local-cloud's README shows).
 */
const repoRoot = path.resolve(__dirname, '..', '..');
const names = appNames('ts');
const run = promisify(execFile);

let testCloud: TestCloud;
let dataDir: string;
let cloud: LocalCloud;
let env: LocalEndpoints;
let token: string;
let certificate: string;

beforeAll(async () => {
  testCloud = await startTestCloud({ mysqlUrl: inject('mysqlUrl'), repoRoot });
  ({ cloud, dataDir } = testCloud);
  env = parseEndpointsFile(endpointsFile(cloud.endpoints));
  const kubeconfig = new k8s.KubeConfig();
  kubeconfig.loadFromFile(cloud.endpoints.kubeconfig);
  token = kubeconfig.getCurrentUser()?.token ?? '';
  certificate = Buffer.from(kubeconfig.getCurrentCluster()?.caData ?? '', 'base64').toString();
}, 90_000);

afterAll(async () => {
  await testCloud?.stop();
}, 60_000);

const deploymentPath = `/apis/apps/v1/namespaces/default/deployments/${names.deliveryApi}`;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = unknown>(): T;
}

/**
 * One raw request, Host header as given (fetch would not send a forged one). HTTPS requests trust
 * the certificate the kubeconfig names, as kubectl does.
 */
function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        // The certificate is checked against the address dialled, whatever Host says.
        ...(target.protocol === 'https:'
          ? {
              ca: certificate,
              checkServerIdentity: (_host: string, cert: tls.PeerCertificate) =>
                tls.checkServerIdentity(target.hostname, cert),
            }
          : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T }),
        );
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}
const kube = (path: string, options: Parameters<typeof request>[1] = {}) =>
  request(`${cloud.endpoints.kubeUrl}${path}`, options);

describe('the Kubernetes API', () => {
  it('writes its token and certificate into a kubeconfig only the user may read, and speaks TLS only', async () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(cloud.endpoints.kubeUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(certificate).toContain('BEGIN CERTIFICATE');
    expect((await stat(cloud.endpoints.kubeconfig)).mode & 0o777).toBe(0o600);
  });

  it('answers 401 Unauthorized without the token, or with another one, and shows no env (MySQL password)', async () => {
    for (const authorization of [undefined, 'Bearer local-cloud', `Bearer ${token}x`]) {
      const response = await kube(deploymentPath, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(response.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
      expect(response.text).not.toContain('MYSQL_PASSWORD');
    }
  });

  it('refuses a forged Host (DNS rebinding) even with the token, and the patch changes nothing', async () => {
    const read = async () =>
      (await kube(deploymentPath, { headers: { authorization: `Bearer ${token}` } })).json<k8s.V1Deployment>();
    const before = await read();
    expect(JSON.stringify(before)).toContain('MYSQL_PASSWORD');
    const patch = {
      spec: {
        template: { spec: { containers: [{ name: 'delivery-api', command: ['/bin/sh', '-c', 'touch /tmp/owned'] }] } },
      },
    };
    const forged = await kube(deploymentPath, {
      method: 'PATCH',
      headers: {
        host: 'evil.example:6550',
        authorization: `Bearer ${token}`,
        'content-type': 'application/strategic-merge-patch+json',
      },
      body: JSON.stringify(patch),
    });
    expect(forged.status).toBe(421);
    expect(forged.text).not.toContain('MYSQL_PASSWORD');
    const unauthenticated = await kube(deploymentPath, {
      method: 'PATCH',
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
      body: JSON.stringify(patch),
    });
    expect(unauthenticated.status).toBe(401);
    const after = await read();
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
    expect(after.spec?.template.spec?.containers[0]?.command).toEqual(
      before.spec?.template.spec?.containers[0]?.command,
    );
  });

  it('serves client-node with the kubeconfig', async () => {
    const kubeconfig = new k8s.KubeConfig();
    kubeconfig.loadFromFile(cloud.endpoints.kubeconfig);
    const apps = kubeconfig.makeApiClient(k8s.AppsV1Api);
    const list = await apps.listNamespacedDeployment({ namespace: 'default' });
    expect(list.items.map((d) => d.metadata?.name).sort()).toEqual(
      [names.deliveryApi, names.orderApi, names.trafficGenerator].sort(),
    );
  });
});

describe('the AWS endpoint', () => {
  const ssm = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new SSMClient({ endpoint: env.AWS_ENDPOINT_URL, region: env.AWS_REGION, credentials, maxAttempts: 1 });
  const local = () => ({ accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY });

  it('answers the SDK signing with endpoints.env credentials', async () => {
    const client = ssm(local());
    const out = await client.send(new GetParameterCommand({ Name: names.parameters.poolSize }));
    expect(out.Parameter?.Value).toBe('10');
    client.destroy();
  });

  it.each([
    ['a wrong secret', { secretAccessKey: 'guess' }, 'InvalidSignatureException'],
    ['another access key', { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, 'UnrecognizedClientException'],
  ])('refuses %s with the error AWS sends', async (_name, change, code) => {
    const client = ssm({ ...local(), ...change });
    await expect(client.send(new GetParameterCommand({ Name: names.parameters.poolSize }))).rejects.toMatchObject({
      name: code,
    });
    client.destroy();
  });

  it('refuses an unsigned cross-site "simple" POST (text/plain, foreign Origin), and it creates nothing', async () => {
    const slo = {
      Name: 'evil-slo',
      SliConfig: {
        SliMetricConfig: {
          KeyAttributes: { Type: 'Service', Name: names.orderApi, Environment: 'local:ts' },
          MetricType: 'LATENCY',
          PeriodSeconds: 60,
          Statistic: 'p99',
        },
        MetricThreshold: 1,
        ComparisonOperator: 'LessThan',
      },
    };
    const response = await fetch(`${env.AWS_ENDPOINT_URL}/slo`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: JSON.stringify(slo),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const unsignedSsm = await fetch(env.AWS_ENDPOINT_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' },
      body: JSON.stringify({ Name: names.parameters.poolSize }),
    });
    expect(unsignedSsm.status).toBe(400);
    expect(await unsignedSsm.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    const signals = new ApplicationSignalsClient({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: local(),
    });
    const slos = await signals.send(new ListServiceLevelObjectivesCommand({}));
    expect(slos.SloSummaries?.map((s) => s.Name)).not.toContain('evil-slo');
    signals.destroy();
  });

  it('refuses a forged Host on the AWS endpoint and the OTLP receiver', async () => {
    for (const url of [env.AWS_ENDPOINT_URL, `${env.OTEL_EXPORTER_OTLP_ENDPOINT}/api/traces`]) {
      const response = await request(url, { headers: { host: 'evil.example' } });
      expect(response.status, url).toBe(421);
      expect(response.json<{ message: string }>().message).toContain('loopback');
    }
  });
});

describe('denial of service', () => {
  it('answers a body over 8 MiB with 413 on the AWS endpoint and the Kubernetes API, changes nothing, and keeps answering', async () => {
    const huge = Buffer.alloc(9 * 1024 * 1024, 0x20);
    // Refused before its signature is checked: the size alone is enough.
    const aws = await request(env.AWS_ENDPOINT_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.PutParameter' },
      body: huge,
    });
    expect(aws.status).toBe(413);
    expect(aws.json()).toMatchObject({
      __type: 'RequestEntityTooLargeException',
      message: 'request body over 8388608 bytes',
    });
    const ssm = new SSMClient({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    expect((await ssm.send(new GetParameterCommand({ Name: names.parameters.poolSize }))).Parameter?.Value).toBe('10');
    ssm.destroy();

    const read = async () =>
      (await kube(deploymentPath, { headers: { authorization: `Bearer ${token}` } })).json<{
        metadata: { resourceVersion: string };
      }>().metadata.resourceVersion;
    const before = await read();
    const patch = await kube(deploymentPath, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json' },
      body: huge,
    });
    expect(patch.status).toBe(413);
    expect(patch.json()).toMatchObject({ kind: 'Status', code: 413, reason: 'RequestEntityTooLarge' });
    expect(await read()).toBe(before);
  });

  it('answers an endless upload to the Kubernetes API with 413, then closes its connection', async () => {
    const target = new URL(cloud.endpoints.kubeUrl);
    const outcome = await new Promise<{ status: number; closedAfterMs: number }>((resolve, reject) => {
      let status = 0;
      let answeredAt = 0;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const req = https.request({
        host: target.hostname,
        port: target.port,
        path: deploymentPath,
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json' },
        ca: certificate,
        checkServerIdentity: (_host: string, cert: tls.PeerCertificate) =>
          tls.checkServerIdentity(target.hostname, cert),
      });
      const pump = setInterval(() => req.write(chunk), 1);
      req.on('response', (res) => {
        status = res.statusCode ?? 0;
        answeredAt = Date.now();
        res.resume();
      });
      req.on('close', () => {
        clearInterval(pump);
        if (status === 0) reject(new Error('closed without an answer'));
        else resolve({ status, closedAfterMs: Date.now() - answeredAt });
      });
      req.on('error', () => undefined); // the reset that ends it
    });
    expect(outcome.status).toBe(413);
    expect(outcome.closedAfterMs).toBeLessThan(10_000);
    expect((await kube(deploymentPath, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('refuses a gzip bomb (48 KiB that inflates to 64 MiB) with 400, and keeps answering', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    const answer = await request(`${env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: bomb,
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('inflates to over');
    const after = await request(`${env.OTEL_EXPORTER_OTLP_ENDPOINT}/api/traces?limit=1`);
    expect(after.status).toBe(200);
  });

  it('keeps 1,000 spans of a trace sent with 5,000, and counts the rest as dropped', async () => {
    const traceId = 'f'.repeat(32);
    const spans = Array.from({ length: 5000 }, (_, i) => ({
      traceId,
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: 'flood',
      kind: 1,
      startTimeUnixNano: `${Date.now()}000000`,
      endTimeUnixNano: `${Date.now() + 1}000000`,
    }));
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'flood' } }] },
          scopeSpans: [{ spans }],
        },
      ],
    });
    const sent = await request(`${env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(sent.status).toBe(200);
    const kept = await request(`${env.OTEL_EXPORTER_OTLP_ENDPOINT}/api/traces/${traceId}`);
    expect((JSON.parse(kept.text) as { spans: unknown[] }).spans).toHaveLength(1000);
    const status = await request(`${env.OTEL_EXPORTER_OTLP_ENDPOINT}/api/status`);
    expect((JSON.parse(status.text) as { droppedSpans: number }).droppedSpans).toBeGreaterThanOrEqual(4000);
  });

  it('answers GetMetricData with an EndTime centuries ahead as it answers one for now', async () => {
    const client = new CloudWatchClient({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    const query = (end: Date) =>
      client.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 600_000),
          EndTime: end,
          MetricDataQueries: [
            {
              Id: 'm',
              MetricStat: {
                Metric: {
                  Namespace: 'ApplicationSignals',
                  MetricName: 'Latency',
                  Dimensions: [
                    { Name: 'Environment', Value: 'local:ts' },
                    { Name: 'Service', Value: names.orderApi },
                  ],
                },
                Period: 1,
                Stat: 'p99',
              },
            },
          ],
        }),
      );
    const far = await query(new Date('2400-01-01T00:00:00Z'));
    expect(far.MetricDataResults?.[0]?.StatusCode).toBe('Complete');
    client.destroy();
  });
});

/** A CLI run with only what endpoints.env gives (plus PATH and HOME), as a user's shell would have. */
async function cli(file: string, args: string[], extra: Record<string, string> = {}) {
  try {
    const { stdout } = await run(file, args, {
      env: { PATH: process.env.PATH ?? '', HOME: dataDir, ...env, ...extra },
      timeout: 60_000,
    });
    return { ok: true, out: stdout };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, out: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

async function has(command: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

describe.skipIf(!(await has('kubectl')))('kubectl with the kubeconfig (skipped: kubectl is not installed)', () => {
  it('gets the Deployments with the token, and is told Unauthorized without it', async () => {
    const ok = await cli('kubectl', ['get', 'deployments', '-o', 'name']);
    expect(ok.ok, ok.out).toBe(true);
    expect(ok.out).toContain(`deployment.apps/${names.deliveryApi}`);
    const text = await readFile(cloud.endpoints.kubeconfig, 'utf8');
    const stripped = path.join(dataDir, 'kubeconfig-no-token');
    await writeFile(stripped, text.replace(/token: .*/, 'token: wrong'), { mode: 0o600 });
    const refused = await cli('kubectl', ['get', 'deployments', '-o', 'name'], { KUBECONFIG: stripped });
    expect(refused.ok).toBe(false);
    expect(refused.out).toMatch(/Unauthorized|must be logged in/);
  });

  it('patches with --type=json, and an invalid patch names the field at fault', async () => {
    const patched = await cli('kubectl', [
      'patch',
      'deployment',
      names.trafficGenerator,
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/labels/kubectl-note","value":"yes"}]',
    ]);
    expect(patched.ok, patched.out).toBe(true);
    expect(patched.out).toContain(`deployment.apps/${names.trafficGenerator} patched`);
    const refused = await cli('kubectl', [
      'patch',
      'deployment',
      names.trafficGenerator,
      '--type=merge',
      '-p',
      '{"spec":{"replicas":-1}}',
    ]);
    expect(refused.ok).toBe(false);
    expect(refused.out).toContain(
      `The Deployment "${names.trafficGenerator}" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`,
    );
    const removed = await cli('kubectl', ['label', 'deployment', names.trafficGenerator, 'kubectl-note-']);
    expect(removed.ok, removed.out).toBe(true);
  });

  it('waits for a Deployment to be Available, and gives up at its own --timeout', async () => {
    const available = await cli('kubectl', [
      'wait',
      '--for=condition=available',
      `deployment/${names.deliveryApi}`,
      '--timeout=20s',
    ]);
    expect(available.ok, available.out).toBe(true);
    expect(available.out).toContain(`deployment.apps/${names.deliveryApi} condition met`);
    // The traffic generator has 0 replicas: never Progressing=False. The watch must let kubectl
    // count its 2 s from the start, so it times out instead of hanging.
    const started = Date.now();
    const stuck = await cli('kubectl', [
      'wait',
      '--for=condition=progressing=false',
      `deployment/${names.trafficGenerator}`,
      '--timeout=2s',
    ]);
    expect(stuck.ok).toBe(false);
    expect(stuck.out).toContain('timed out waiting for the condition');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe.skipIf(!(await has('aws')))('the aws CLI with endpoints.env (skipped: no aws CLI installed)', () => {
  it('reads a parameter signed with the local keys, and is refused with a wrong secret', async () => {
    const args = [
      'ssm',
      'get-parameter',
      '--name',
      names.parameters.poolSize,
      '--endpoint-url',
      env.AWS_ENDPOINT_URL,
      '--output',
      'json',
    ];
    const ok = await cli('aws', args);
    expect(ok.ok, ok.out).toBe(true);
    expect((JSON.parse(ok.out) as { Parameter: { Value: string } }).Parameter.Value).toBe('10');
    const refused = await cli('aws', args, { AWS_SECRET_ACCESS_KEY: 'guess' });
    expect(refused.ok).toBe(false);
    expect(refused.out).toContain('InvalidSignatureException');
  });
});
