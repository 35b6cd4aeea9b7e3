import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One process local-cloud started, as it can be recognised later. */
interface Entry {
  pid: number;
  /** The argv it was started with, NUL-separated (as /proc shows it until the process renames itself). */
  cmdline: string;
  /**
   * When the kernel started it (/proc/<pid>/stat, clock ticks since boot): with the pid, this names
   * one process for good. A process that changes its title (next-server does) keeps it, and a
   * recycled pid does not have it.
   */
  startTime?: string;
}

/**
 * The processes local-cloud started, on disk, so a start after a crash (or a `kill -9`) can end
 * the ones the previous run left behind. Only processes recorded here, and still the same process
 * (same pid and kernel start time), are ever signalled.
 */
export class PidRegistry {
  private readonly entries = new Map<number, Entry>();

  constructor(private readonly file: string) {}

  /** Ends leftovers of a previous run; returns how many were still alive. */
  reapLeftovers(): number {
    if (!existsSync(this.file)) return 0;
    let reaped = 0;
    for (const entry of readEntries(this.file)) {
      if (!isSameProcess(entry)) continue;
      const { pid } = entry;
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
    const startTime = startTimeOf(pid);
    this.entries.set(pid, {
      pid,
      cmdline: argv.map((arg) => `${arg}\0`).join(''),
      ...(startTime ? { startTime } : {}),
    });
    this.write();
  }

  remove(pid: number): void {
    if (this.entries.delete(pid)) this.write();
  }

  /** Last resort when local-cloud must leave at once: SIGKILL everything it started that is still running. */
  killAll(): void {
    for (const entry of this.entries.values()) {
      if (!isSameProcess(entry)) continue;
      const { pid } = entry;
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
    writeFileSync(this.file, JSON.stringify([...this.entries.values()]));
  }
}

/** The recorded entries; an empty or damaged file (a crash while writing it) holds none. */
function readEntries(file: string): Entry[] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(parsed)
      ? parsed.filter(
          (e): e is Entry => typeof (e as Entry)?.pid === 'number' && typeof (e as Entry)?.cmdline === 'string',
        )
      : [];
  } catch {
    return [];
  }
}

/** Whether the recorded process is still the one running under its pid. */
function isSameProcess(entry: Entry): boolean {
  if (entry.startTime !== undefined) return startTimeOf(entry.pid) === entry.startTime;
  return commandLine(entry.pid) === entry.cmdline;
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised name, which may hold spaces); undefined where unreadable. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
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
