import '../vitest-mysql';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseEndpointsFile, type LocalEndpoints } from '@demo/contracts';
import { endpointsFile } from '../src/endpoints';
import { placeOrders, startTestCloud, type TestCloud } from '../test-cloud';

/**
 * Every `kubectl` and `aws` command in local-cloud/README.md, run with the real CLIs that are
 * installed against a running local-cloud, with only what endpoints.env gives a user's shell. The
 * commands come from the README itself, so the page cannot promise what was not tried: a command
 * there without an expectation here fails, and so does an expectation for a command no longer there.
 */
const repoRoot = path.resolve(__dirname, '..', '..');
const readme = readFileSync(path.join(repoRoot, 'local-cloud', 'README.md'), 'utf8');
const run = promisify(execFile);

/** Commands in the README's order: the Run block's lines, then the code spans of the tables. */
export function commandsIn(text: string): string[] {
  const block = /## Run\n\n```bash\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  const fromBlock = block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => /^(kubectl|aws) /.test(line));
  const fromTables = [...text.matchAll(/^\| `((?:kubectl|aws) [^`]+)` \|/gm)].map((match) => match[1] ?? '');
  return [...new Set([...fromBlock, ...fromTables])];
}

async function has(command: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

const kubectlPresent = await has('kubectl');

interface Expectation {
  /** What the output must show (every pattern), as the real server's answer would make the CLI print. */
  shows: RegExp[];
  /** Meant to be refused: a non-zero exit (kubectl 1, AWS CLI v1 255, v2 254). */
  refused?: true;
  /** For a command that runs until stopped (a watch): stop it after this long, then check. */
  stopAfterMs?: number;
}

const EXPECTATIONS: Record<string, Expectation> = {
  'kubectl get deploy,po,svc': {
    shows: [
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m,
      /^deployment\.apps\/ts-delivery-api\s+2\/2\s+2\s+2\s/m,
      /^pod\/ts-order-api-\S+\s+1\/1\s+Running/m,
      /^service\/ts-order-api\s+LoadBalancer/m,
    ],
  },
  'kubectl wait --for=condition=available deployment/ts-delivery-api --timeout=60s': {
    shows: [/deployment\.apps\/ts-delivery-api condition met/],
  },
  'kubectl scale deployment/ts-traffic-generator --replicas=1': {
    shows: [/deployment\.apps\/ts-traffic-generator scaled/],
  },
  'aws ssm get-parameters-by-path --path /ts-sample-app/mysql': {
    shows: [/"Name": "\/ts-sample-app\/mysql\/pool-size"/, /"Value": "10"/],
  },
  'kubectl get deploy': {
    shows: [/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m, /^ts-order-api\s+2\/2\s+2\s+2\s/m],
  },
  'kubectl get deploy ts-order-api -o wide': { shows: [/CONTAINERS\s+IMAGES\s+SELECTOR/, /app=ts-order-api/] },
  'kubectl get po -l app=ts-delivery-api': {
    shows: [/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m, /^ts-delivery-api-\S+\s+1\/1\s+Running\s+0\s/m],
  },
  'kubectl get svc': {
    shows: [/^ts-order-api\s+LoadBalancer\s+127\.0\.0\.1\s+127\.0\.0\.1\s+\d+\/TCP/m, /^ts-delivery-api\s+ClusterIP/m],
  },
  'kubectl get rs': {
    shows: [/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/m, /^ts-delivery-api-[0-9a-f]{10}\s+2\s+2\s+2\s/m],
  },
  'kubectl get all': {
    shows: [
      /^replicaset\.apps\/ts-order-api-/m,
      /^deployment\.apps\/ts-order-api/m,
      /^service\/ts-delivery-api/m,
      /^pod\/ts-delivery-api-/m,
    ],
  },
  'kubectl get ns': { shows: [/^default\s+Active\s/m] },
  'kubectl get events': {
    shows: [
      /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m,
      /Normal\s+ScalingReplicaSet\s+deployment\/ts-order-api\s+Scaled up replica set ts-order-api-\w+ from 0 to 2/,
      /SuccessfulCreate\s+replicaset\/ts-delivery-api-\w+\s+Created pod: ts-delivery-api-/,
    ],
  },
  'kubectl describe deployment ts-delivery-api': {
    shows: [
      /^Name:\s+ts-delivery-api$/m,
      /^NewReplicaSet:\s+ts-delivery-api-\w+ \(2\/2 replicas created\)$/m,
      /^Events:/m,
      /ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set/,
    ],
  },
  'kubectl rollout restart deployment/ts-delivery-api': { shows: [/deployment\.apps\/ts-delivery-api restarted/] },
  'kubectl rollout status deployment/ts-delivery-api --timeout=90s': {
    shows: [/deployment "ts-delivery-api" successfully rolled out/],
  },
  'kubectl rollout history deployment/ts-delivery-api': {
    shows: [/^REVISION\s+CHANGE-CAUSE$/m, /^1\s+<none>$/m, /^2\s+<none>$/m],
  },
  'kubectl wait --for=condition=available deployment/ts-delivery-api --timeout=30s': { shows: [/condition met/] },
  'kubectl scale deployment/ts-traffic-generator --replicas=0': {
    shows: [/deployment\.apps\/ts-traffic-generator scaled/],
  },
  'kubectl label deployment ts-traffic-generator note=tried': {
    shows: [/deployment\.apps\/ts-traffic-generator labeled/],
  },
  [`kubectl patch deployment ts-traffic-generator --type=json -p '[{"op":"remove","path":"/metadata/labels/note"}]'`]: {
    shows: [/deployment\.apps\/ts-traffic-generator patched/],
  },
  'kubectl logs deployment/ts-delivery-api --tail=3': { shows: [/\S/] },
  'kubectl explain deployment.spec.replicas': { shows: [/^KIND:\s+Deployment$/m, /^FIELD: replicas <integer>$/m] },
  'kubectl auth can-i patch deployments': { shows: [/^yes$/m] },
  'kubectl auth can-i delete deployments': {
    shows: [/^no - local-cloud does not serve delete on deployments\.apps$/m],
    refused: true,
  },
  'kubectl get pods --watch': {
    shows: [/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m, /^ts-order-api-\S+\s+1\/1\s+Running/m],
    stopAfterMs: 3000,
  },
  'aws ssm get-parameter --name /ts-sample-app/mysql/pool-size': { shows: [/"Version": \d+/, /"Type": "String"/] },
  'aws ssm put-parameter --name /ts-sample-app/mysql/pool-size --value 10 --type String --overwrite': {
    shows: [/"Version": \d+/, /"Tier": "Standard"/],
  },
  'aws ssm put-parameter --name /ts-sample-app/mysql/pool-size --value 10': {
    shows: [/\(ParameterAlreadyExists\)/],
    refused: true,
  },
  'aws ssm get-parameter --name /ts-sample-app/nope': { shows: [/\(ParameterNotFound\)/], refused: true },
  'aws ssm delete-parameters --names /ts-sample-app/never-made': {
    shows: [/"InvalidParameters": \[\s+"\/ts-sample-app\/never-made"\s+\]/],
  },
  'aws cloudwatch list-metrics --namespace ApplicationSignals --metric-name Latency': {
    shows: [/"MetricName": "Latency"/, /"Value": "ts-order-api"/],
  },
  [`aws cloudwatch get-metric-data --start-time $(date -u -d '-15 min' +%FT%TZ) --end-time $(date -u +%FT%TZ) --metric-data-queries '[{"Id":"requests","MetricStat":{"Metric":{"Namespace":"ApplicationSignals","MetricName":"Latency","Dimensions":[{"Name":"Service","Value":"ts-order-api"},{"Name":"Environment","Value":"local:ts"}]},"Period":60,"Stat":"SampleCount"}}]'`]:
    { shows: [/"Id": "requests"/, /"StatusCode": "Complete"/, /"Values": \[\s+\d/] },
  'aws application-signals start-discovery': { shows: [/^\s*$/] },
  "aws application-signals list-services --start-time $(date -d '-1 hour' +%s) --end-time $(date +%s)": {
    shows: [/"Name": "ts-order-api"/, /"Name": "ts-delivery-api"/, /"MetricType": "LATENCY"/],
  },
  "aws application-signals list-service-operations --start-time $(date -d '-1 hour' +%s) --end-time $(date +%s) --key-attributes Type=Service,Name=ts-order-api,Environment=local:ts":
    { shows: [/"Name": "POST \/api\/orders"/] },
  "aws application-signals list-service-dependencies --start-time $(date -d '-1 hour' +%s) --end-time $(date +%s) --key-attributes Type=Service,Name=ts-order-api,Environment=local:ts":
    { shows: [/"DependencyOperationName": "POST \/api"/, /"Name": "RemoteEnvironment"/] },
  "aws application-signals list-entity-events --entity Type=Service,Name=ts-delivery-api,Environment=local:ts --start-time $(date -d '-1 hour' +%s) --end-time $(date -d '+1 min' +%s)":
    // The parameter writes above are CONFIGURATION events; kubectl's rollout restart, when it ran, a DEPLOYMENT.
    {
      shows: [
        /"ChangeEventType": "CONFIGURATION"/,
        /"EventName": "PutParameter"/,
        ...(kubectlPresent ? [/"ChangeEventType": "DEPLOYMENT"/] : []),
      ],
    },
  "aws application-signals list-service-states --start-time $(date -d '-1 hour' +%s) --end-time $(date -d '+1 min' +%s)":
    {
      shows: [/"Name": "ts-delivery-api"/, /"LatestChangeEvents"/],
    },
  'aws application-signals list-service-level-objectives': { shows: [/"SloSummaries": \[/] },
};

let testCloud: TestCloud;
let env: LocalEndpoints;

/** Each AWS CLI on this machine once (PATH's `aws`, Debian's /usr/bin/aws), by its version line. */
async function awsClis(): Promise<{ path: string; version: string }[]> {
  const found = new Map<string, string>();
  for (const candidate of ['aws', '/usr/bin/aws']) {
    const version = await run(candidate, ['--version'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    }).then(
      ({ stdout, stderr }) => `${stdout}${stderr}`.trim().split(' ')[0] ?? '',
      () => '',
    );
    if (version && !found.has(version)) found.set(version, candidate);
  }
  return [...found].map(([version, cli]) => ({ path: cli, version }));
}

const clis = await awsClis();

beforeAll(async () => {
  testCloud = await startTestCloud({ mysqlUrl: inject('mysqlUrl'), repoRoot });
  env = parseEndpointsFile(endpointsFile(testCloud.cloud.endpoints));
  // Orders, so that Application Signals has services, operations and dependencies to list.
  await placeOrders(env.ORDER_API_URL, 5);
}, 120_000);

afterAll(async () => {
  await testCloud?.stop();
}, 60_000);

interface Outcome {
  exit: number | null;
  output: string;
}

/**
 * One command as a user's shell runs it after `set -a; . .demo/endpoints.env`: only those
 * variables, PATH and a HOME of its own. `aws` is the given CLI, always with --endpoint-url (CLIs
 * before 1.29 / 2.13 ignore AWS_ENDPOINT_URL, and no call may leave this machine).
 */
function shell(command: string, cli: string | undefined, stopAfterMs?: number): Promise<Outcome> {
  const line = cli ? `${cli} --endpoint-url "$AWS_ENDPOINT_URL" ${command.replace(/^aws /, '')}` : command;
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', line], {
      env: { PATH: process.env.PATH ?? '', HOME: testCloud.dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const limit = setTimeout(() => process.kill(-(child.pid ?? 0), 'SIGTERM'), stopAfterMs ?? 120_000);
    child.once('exit', (code) => {
      clearTimeout(limit);
      resolve({ exit: code, output });
    });
  });
}

const commands = commandsIn(readme);

describe('the README', () => {
  it('has an expectation here for every kubectl and aws command it shows, and none for a command it dropped', () => {
    expect(commands.length).toBeGreaterThan(30);
    expect(commands.filter((c) => !(c in EXPECTATIONS))).toEqual([]);
    expect(Object.keys(EXPECTATIONS).filter((c) => !commands.includes(c))).toEqual([]);
  });
});

describe.skipIf(!kubectlPresent)(
  kubectlPresent ? 'kubectl, every command in the README' : 'kubectl (skipped: kubectl is not installed)',
  () => {
    for (const command of commands.filter((c) => c.startsWith('kubectl '))) {
      it(command, async () => {
        const expected = EXPECTATIONS[command] as Expectation;
        const outcome = await shell(command, undefined, expected.stopAfterMs);
        if (expected.stopAfterMs === undefined)
          expect(outcome.exit !== 0, outcome.output).toBe(expected.refused ?? false);
        for (const pattern of expected.shows) expect(outcome.output).toMatch(pattern);
      });
    }
  },
);

for (const cli of clis.length > 0 ? clis : [{ path: '', version: '' }]) {
  describe.skipIf(clis.length === 0)(
    cli.version ? `${cli.version}, every aws command in the README` : 'the aws CLI (skipped: no aws CLI installed)',
    () => {
      for (const command of commands.filter((c) => c.startsWith('aws '))) {
        // AWS CLI 2.9 predates Application Signals (2024): it has no such commands to run.
        const unknownToCli =
          command.startsWith('aws application-signals ') && /^aws-cli\/2\.(\d|1[0-9])\./.test(`${cli.version}.`);
        it.skipIf(unknownToCli)(
          `${command}${unknownToCli ? ` (skipped: ${cli.version} has no application-signals commands)` : ''}`,
          async () => {
            const expected = EXPECTATIONS[command] as Expectation;
            const outcome = await shell(command, cli.path);
            expect(outcome.exit !== 0, outcome.output).toBe(expected.refused ?? false);
            for (const pattern of expected.shows) expect(outcome.output).toMatch(pattern);
            expect(outcome.output).not.toMatch(/amazonaws\.com/);
          },
        );
      }
    },
  );
}
