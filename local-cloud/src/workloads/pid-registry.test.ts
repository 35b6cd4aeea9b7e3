import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PidRegistry } from './pid-registry';

/**
 * The registry reaps what a killed local-cloud left behind, and only that: a leftover that renamed
 * itself (as next-server does) is still found, an empty or damaged file does not block a start,
 * and a recorded pid that is now another process is never signalled. Only this test's own
 * children are ever started or signalled.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'pid-registry-'));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function sleeper(title?: string): { child: ChildProcess; argv: string[]; exited: Promise<void> } {
  const script = `${title ? `process.title = ${JSON.stringify(title)};` : ''} setInterval(() => {}, 1000)`;
  const argv = [process.execPath, '-e', script];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, argv, exited };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('PidRegistry', () => {
  it('reaps a leftover that changed its process title after it was recorded', async () => {
    const file = path.join(dir, 'renamed.json');
    const { child, argv, exited } = sleeper('next-server (v16)');
    new PidRegistry(file).add(child.pid!, argv);
    await until(() => readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').startsWith('next-server'));
    expect(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8')).not.toBe(argv.map((a) => `${a}\0`).join(''));
    expect(new PidRegistry(file).reapLeftovers()).toBe(1);
    await exited;
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['cut off mid-write', '[{"pid": 12'],
    ['not a list', '{"pid": 1}'],
  ])('starts over a file that is %s, instead of refusing to start', (_name, text) => {
    const file = path.join(dir, `damaged-${_name}.json`);
    writeFileSync(file, text);
    expect(new PidRegistry(file).reapLeftovers()).toBe(0);
  });

  it('never signals a recorded pid that is now another process', async () => {
    const file = path.join(dir, 'reused.json');
    const { child, argv } = sleeper();
    await until(() => existsSync(`/proc/${child.pid}/stat`));
    // The pid as if recorded for an earlier process: same pid and argv, another start time.
    writeFileSync(
      file,
      JSON.stringify([{ pid: child.pid, cmdline: argv.map((a) => `${a}\0`).join(''), startTime: '1' }]),
    );
    expect(new PidRegistry(file).reapLeftovers()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
  });

  it('kills everything it started on a second Ctrl-C', async () => {
    const registry = new PidRegistry(path.join(dir, 'all.json'));
    const a = sleeper();
    const b = sleeper('renamed');
    registry.add(a.child.pid!, a.argv);
    registry.add(b.child.pid!, b.argv);
    registry.killAll();
    await Promise.all([a.exited, b.exited]);
    expect([a.child.signalCode, b.child.signalCode]).toEqual(['SIGKILL', 'SIGKILL']);
  });
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
