import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness';

/**
 * The Dockerfiles, linted by parsing them (no Docker engine here): a pinned Node 24 slim base (the
 * Node the tests run on), multi-stage, production dependencies only, non-root, `node dist/...`.
 * The three services share services/Dockerfile, with SERVICE substituted as `docker build
 * --build-arg` does. And the layout they produce is checked against the build: everything dist/
 * requires at run time is a production dependency that `npm ci --omit=dev --workspace` installs.
 */
const IMAGES = [
  {
    workspace: '@demo/order-api',
    dir: 'services/order-api',
    dockerfile: 'services/Dockerfile',
    entry: 'dist/server.js',
  },
  {
    workspace: '@demo/delivery-api',
    dir: 'services/delivery-api',
    dockerfile: 'services/Dockerfile',
    entry: 'dist/server.js',
  },
  {
    workspace: '@demo/traffic-generator',
    dir: 'services/traffic-generator',
    dockerfile: 'services/Dockerfile',
    entry: 'dist/server.js',
  },
  { workspace: '@demo/console', dir: 'console', dockerfile: 'console/Dockerfile', entry: 'next start' },
];
const PINNED_NODE_24_SLIM = /^node:24\.\d+\.\d+-(bookworm|trixie)-slim$/;

const rootPackage = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
/** packages/*, services/*, local-cloud, console -> every workspace folder. */
const workspaceDirs = rootPackage.workspaces.flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(path.join(REPO_ROOT, pattern.slice(0, -2)), { withFileTypes: true })
        .filter(
          (e) => e.isDirectory() && existsSync(path.join(REPO_ROOT, pattern.slice(0, -2), e.name, 'package.json')),
        )
        .map((e) => `${pattern.slice(0, -2)}/${e.name}`)
    : [pattern],
);

/** The Dockerfile as `docker build --build-arg SERVICE=<folder>` reads it for one workspace. */
function parse(dockerfile: string, dir: string) {
  const text = readFileSync(path.join(REPO_ROOT, dockerfile), 'utf8');
  return DockerfileParser.parse(text.replaceAll('${SERVICE}', path.basename(dir)));
}
const args = (instruction: Instruction) => instruction.getArguments().map((a) => a.getValue());

describe.each(IMAGES)('$dockerfile for $workspace', ({ workspace, dir, dockerfile: file, entry }) => {
  const dockerfile = parse(file, dir);
  const instructions = dockerfile.getInstructions();
  const froms = dockerfile.getFROMs();
  const finalStageStart = instructions.indexOf(froms.at(-1)!);
  const finalStage = instructions.slice(finalStageStart);

  it('builds from a pinned Node 24 slim image, in a build stage and a runtime stage', () => {
    const [nodeImage] = dockerfile.getInitialARGs();
    expect(nodeImage?.getProperty()?.getName()).toBe('NODE_IMAGE');
    expect(nodeImage?.getProperty()?.getValue()).toMatch(PINNED_NODE_24_SLIM);
    // What ships is what CI tests: the release in .node-version.
    const tested = readFileSync(path.join(REPO_ROOT, '.node-version'), 'utf8').trim();
    expect(nodeImage?.getProperty()?.getValue()).toBe(`node:${tested}-bookworm-slim`);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from.getImageName()).toBe('${NODE_IMAGE}');
    expect(froms[0]!.getBuildStage()).toBe('build');
  });

  it('copies every workspace manifest before npm ci (the lockfile needs them all)', () => {
    const firstCi = instructions.findIndex(
      (i) => i.getKeyword() === 'RUN' && /npm ci/.test(i.getArgumentsContent() ?? ''),
    );
    expect(firstCi).toBeGreaterThan(0);
    const copied = instructions
      .slice(0, firstCi)
      .filter((i) => i.getKeyword() === 'COPY')
      .map((i) => args(i)[0]);
    for (const workspaceDir of workspaceDirs) expect(copied).toContain(`${workspaceDir}/package.json`);
    expect(copied).toContain('package.json');
  });

  it('installs with npm ci from the lockfile, and production dependencies only for the runtime', () => {
    const runs = instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
    expect(runs.join('\n')).not.toMatch(/npm (install|i) /);
    expect(runs.some((r) => r.includes(`npm ci --omit=dev`) && r.includes(`--workspace ${workspace}`))).toBe(true);
    const copiedIntoRuntime = dockerfile
      .getCOPYs()
      .filter((c) => finalStage.includes(c))
      .map((c: Copy) => [...c.getFlags().map((f) => f.toString()), ...args(c)].join(' '));
    expect(copiedIntoRuntime).toContain('--from=build /app/node_modules node_modules');
  });

  it('copies the workspace it builds, and runs from its folder', () => {
    const copies = dockerfile.getCOPYs().map((c) => args(c).join(' '));
    expect(copies).toContain(`${dir} ${dir}`);
    const workdirs = finalStage.filter((i) => i.getKeyword() === 'WORKDIR').map((i) => args(i)[0]);
    expect(workdirs.at(-1)).toBe(`/app/${dir}`);
  });

  it('runs as a non-root user with node as the command', () => {
    const user = finalStage.find((i) => i.getKeyword() === 'USER');
    expect(user && args(user)[0]).toBe('10001:10001');
    const cmds = dockerfile.getCMDs();
    expect(cmds).toHaveLength(1);
    const command = JSON.parse(cmds[0]!.getArgumentsContent() ?? '') as string[];
    expect(command[0]).toBe('node');
    expect(command.slice(1).join(' ')).toContain(entry === 'next start' ? 'next start' : entry);
    expect(instructions.indexOf(user!)).toBeLessThan(instructions.indexOf(cmds[0]!));
    expect(dockerfile.getENTRYPOINTs()).toEqual([]);
  });
});

describe('the images carry no OpenTelemetry SDK (the CloudWatch operator injects ADOT)', () => {
  it.each(IMAGES.filter((i) => i.dir.startsWith('services/')))('$dir', ({ dir }) => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const name of Object.keys(pkg.dependencies)) {
      expect(name).not.toMatch(/^@opentelemetry\/(sdk-|auto-instrumentations|exporter-)|^@aws\/aws-distro/);
    }
  });
});

describe("what dist/ requires at run time is in the workspace's production dependencies", () => {
  it.each(IMAGES.filter((i) => i.dir.startsWith('services/')))('$dir', ({ dir, entry }) => {
    const file = path.join(REPO_ROOT, dir, entry);
    expect(existsSync(file), `${file} (npm run build first)`).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const required = [...readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map(([, name]) => name!);
    const packages = new Set(
      required
        .filter((name) => !name.startsWith('node:') && !builtinModules.includes(name.split('/')[0]!))
        .map((name) => (name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!)),
    );
    expect(packages.size).toBeGreaterThan(2);
    for (const name of packages) {
      // Our own packages are bundled in; everything else must be installed by npm ci --omit=dev.
      expect(name.startsWith('@demo/'), `${name} should be bundled`).toBe(false);
      expect(Object.keys(pkg.dependencies), `${name} is required by ${entry}`).toContain(name);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps local state, secrets and build output out of the build context', () => {
    const lines = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.git', '**/node_modules', '**/dist', '**/.next', '.demo', '.cluster-config', '.env']) {
      expect(lines).toContain(entry);
    }
  });
});
