import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The processes local-cloud started, on disk, so a start after a crash (or a `kill -9`) can end
 * the ones the previous run left behind. Only processes recorded here, still running the same
 * command line, are ever signalled.
 */
export class PidRegistry {
  private readonly entries = new Map<number, string>();

  constructor(private readonly file: string) {}

  /** Ends leftovers of a previous run; returns how many were still alive. */
  reapLeftovers(): number {
    if (!existsSync(this.file)) return 0;
    let reaped = 0;
    const previous = JSON.parse(readFileSync(this.file, 'utf8')) as { pid: number; cmdline: string }[];
    for (const { pid, cmdline } of previous) {
      if (commandLine(pid) !== cmdline) continue;
      try {
        process.kill(pid, 'SIGKILL');
        reaped++;
      } catch {
        // already gone
      }
    }
    rmSync(this.file, { force: true });
    return reaped;
  }

  /** Records a process by the argv it was started with (its /proc cmdline once it runs). */
  add(pid: number, argv: string[]): void {
    this.entries.set(pid, argv.map((arg) => `${arg}\0`).join(''));
    this.write();
  }

  remove(pid: number): void {
    if (this.entries.delete(pid)) this.write();
  }

  /** Last resort when local-cloud must leave at once: SIGKILL everything it started. */
  killAll(): void {
    for (const pid of this.entries.keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.clear();
  }

  clear(): void {
    this.entries.clear();
    rmSync(this.file, { force: true });
  }

  private write(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify([...this.entries].map(([pid, cmdline]) => ({ pid, cmdline }))));
  }
}

/** The process's command line (Linux /proc); undefined where that cannot be read. */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}
