import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';

/**
 * A sandbox for running infra-scripts/*.sh against test/infra/fake-cloud.mjs: a PATH holding only
 * the fake aws/eksctl/kubectl/docker and the ordinary tools the scripts use (so a real aws or
 * kubectl on the machine can never be reached), a world file, a call log and a private
 * .cluster-config directory.
 */
export const REPO_ROOT = path.resolve(__dirname, '../..');
const FAKE = path.join(REPO_ROOT, 'test/infra/fake-cloud.mjs');
export const CLOUD_TOOLS = ['aws', 'eksctl', 'kubectl', 'docker'] as const;
/** Everything the scripts call besides the cloud tools. */
const HOST_TOOLS = ['bash', 'env', 'jq', 'node', 'git', 'od', 'tr', 'date', 'mktemp', 'chmod', 'mv', 'rm', 'cp'].concat(
  ['mkdir', 'head', 'grep', 'cat', 'basename', 'dirname', 'sleep'],
);

export interface Call {
  tool: string;
  args: string[];
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The world the fake tools share; see fake-cloud.mjs for how each field is used. */
export interface World {
  account: string;
  credentials?: boolean;
  regions: string[];
  clusters: Record<string, { vpc: unknown; config?: unknown }>;
  dbSubnetGroups: Record<string, unknown>;
  securityGroups: Record<string, { name: string; vpc: string; ingress: { port: string; from: string }[] }>;
  parameters: Record<string, { Type: string; Value: string }>;
  dbInstances: Record<string, { status: string; password: string; input: Record<string, unknown> }>;
  policies: Record<string, { name: string; document: unknown }>;
  roles: Record<string, { policies: string[]; serviceAccount: string }>;
  repositories: Record<string, { images: string[] }>;
  addons: Record<string, { status: string }>;
  k8s: Record<string, K8sObject>;
  kubeContexts?: string[];
  localImages?: string[];
  loadBalancerHostname?: string;
  failures?: { match: string; message: string; status?: number; times?: number }[];
  staleReplicas?: boolean;
  rdsStuckDeleting?: boolean;
  rolloutFails?: boolean;
}

export interface K8sObject {
  kind: string;
  metadata: { name: string };
  /** Deployments' fields the tests read. */
  spec?: {
    replicas: number;
    template: {
      metadata: { annotations: Record<string, string> };
      spec: { containers: { image: string; env: { name: string; value: string }[] }[] };
    };
  };
  data?: Record<string, string>;
  pods?: {
    metadata: { name: string };
    spec: { initContainers: { name: string }[] };
    config: Record<string, unknown>;
  }[];
}

type PoolValues = Record<'pool_size' | 'max_overflow' | 'fault_delay_seconds', number> & { fault_injection: boolean };

/** The state file the scripts write (and the console's aws target reads). */
export interface ClusterState {
  app_prefix: string;
  namespace: string;
  cluster: { name: string; region: string; account_id: string; kube_context: string };
  resources: Record<string, Record<string, unknown>>;
  images?: Record<string, string>;
  deployed?: boolean;
  instrumented?: boolean;
  order_api_url?: string;
  fault?: { previous: PoolValues; target: PoolValues };
}

export function emptyWorld(): World {
  return {
    account: '111122223333',
    regions: ['eu-west-1', 'us-east-1'],
    clusters: {},
    dbSubnetGroups: {},
    securityGroups: {},
    parameters: {},
    dbInstances: {},
    policies: {},
    roles: {},
    repositories: {},
    addons: {},
    k8s: {},
    loadBalancerHostname: 'a1b2c3-1234567890.eu-west-1.elb.amazonaws.com',
  };
}

export class Sandbox {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'infra-scripts-'));
  readonly stateDir = path.join(this.dir, '.cluster-config');
  readonly stateFile = path.join(this.stateDir, 'cluster-resources.json');
  /** The TMPDIR the scripts run with: empty again once a script has exited. */
  readonly tmpDir = path.join(this.dir, 'tmp');
  private readonly worldFile = path.join(this.dir, 'world.json');
  private readonly logFile = path.join(this.dir, 'calls.jsonl');
  private readonly toolsDir = path.join(this.dir, 'tools');

  constructor(world: World = emptyWorld()) {
    mkdirSync(this.toolsDir);
    mkdirSync(this.tmpDir);
    for (const tool of HOST_TOOLS) {
      const found = execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      symlinkSync(found, path.join(this.toolsDir, tool));
    }
    for (const tool of CLOUD_TOOLS) symlinkSync(FAKE, path.join(this.toolsDir, tool));
    this.setWorld(world);
    writeFileSync(this.logFile, '');
  }

  world(): World {
    return JSON.parse(readFileSync(this.worldFile, 'utf8')) as World;
  }

  setWorld(world: World): void {
    writeFileSync(this.worldFile, JSON.stringify(world, null, 2));
  }

  updateWorld(change: (world: World) => void): void {
    const world = this.world();
    change(world);
    this.setWorld(world);
  }

  calls(): Call[] {
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Call);
  }

  clearCalls(): void {
    writeFileSync(this.logFile, '');
  }

  /** `.cluster-config/cluster-resources.json`, or undefined when there is none. */
  state(): ClusterState | undefined {
    return existsSync(this.stateFile) ? (JSON.parse(readFileSync(this.stateFile, 'utf8')) as ClusterState) : undefined;
  }

  /** Takes over another sandbox's world and state (to start from an environment built once). */
  copyFrom(other: Sandbox): this {
    this.setWorld(other.world());
    rmSync(this.stateDir, { recursive: true, force: true });
    cpSync(other.stateDir, this.stateDir, { recursive: true });
    return this;
  }

  removeTool(tool: string): void {
    rmSync(path.join(this.toolsDir, tool));
  }

  /**
   * Puts a wrapper in front of a host tool that records each command line it is given (what `ps`
   * would show), then runs the real tool. Returns a reader of the recorded lines.
   */
  recordArguments(tool: string): () => string[] {
    const real = execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    const bash = execFileSync('bash', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim();
    const log = path.join(this.dir, `argv-${tool}.log`);
    writeFileSync(log, '');
    rmSync(path.join(this.toolsDir, tool));
    writeFileSync(
      path.join(this.toolsDir, tool),
      `#!${bash}\nprintf '%s\\n' "$*" >>${JSON.stringify(log)}\nexec ${JSON.stringify(real)} "$@"\n`,
      { mode: 0o755 },
    );
    return () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  }

  run(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      execFile(
        path.join(REPO_ROOT, 'infra-scripts', script),
        args,
        {
          cwd: this.dir,
          timeout: 120_000,
          maxBuffer: 16 * 1024 * 1024,
          env: {
            PATH: this.toolsDir,
            HOME: this.dir,
            CLUSTER_CONFIG_DIR: this.stateDir,
            FAKE_CLOUD_WORLD: this.worldFile,
            FAKE_CLOUD_LOG: this.logFile,
            INFRA_POLL_SECONDS: '0',
            TMPDIR: this.tmpDir,
            ...env,
          },
        },
        (error, stdout, stderr) => {
          const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ status, stdout, stderr });
        },
      );
    });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `aws rds create-db-instance` -> "aws rds create-db-instance"; kubectl drops its --context/--namespace. */
export function describeCall(call: Call): string {
  const words = call.args.filter((arg, i) => !arg.startsWith('-') && !(call.args[i - 1] ?? '').startsWith('-'));
  const count = call.tool === 'docker' ? 1 : 2;
  return [call.tool, ...words.slice(0, count)].join(' ');
}

/** Calls that change something (what a re-run must not repeat). */
export function isChange(call: Call): boolean {
  const verb = describeCall(call);
  return /\b(create|put-parameter|authorize|delete|update-addon|push|build|patch|scale)/.test(verb);
}

export const SCRIPTS = readdirSync(path.join(REPO_ROOT, 'infra-scripts')).filter((f) => /^\d-.*\.sh$/.test(f));

/** A fresh sandbox per test, disposed after it. */
export function useSandbox(): () => Sandbox {
  const opened: Sandbox[] = [];
  afterEach(() => {
    for (const box of opened.splice(0)) box.dispose();
  });
  return () => {
    const box = new Sandbox();
    opened.push(box);
    return box;
  };
}

export const sequence = (calls: Call[]): string[] => calls.map(describeCall);
export const changes = (calls: Call[]): string[] => calls.filter(isChange).map(describeCall);

export async function createEnvironment(box: Sandbox): Promise<RunResult> {
  const result = await box.run('1-create-env.sh', ['--region', 'eu-west-1', '--yes']);
  expect(result.status, result.stderr).toBe(0);
  return result;
}

/** Runs scripts in turn with --yes; each must succeed. */
export async function runAll(box: Sandbox, scripts: [string, ...string[]][]): Promise<void> {
  for (const [script, ...args] of scripts) {
    const result = await box.run(script, [...args, '--yes']);
    expect(result.status, `${script}\n${result.stderr}`).toBe(0);
  }
}
