import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './processes';
import { median, round } from './stats';

/** One measured figure: the median of its runs, its in-run reference, and the issue's target. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Every measured run (the warm-up excluded). */
  runs: number[];
  reference?: { name: string; value: number; unit: string };
  /** value / reference.value */
  ratio?: number;
  target?: { text: string; met: boolean };
  note?: string;
}

export interface PartResult {
  part: string;
  title: string;
  startedAt: string;
  seconds: number;
  machine: Machine;
  figures: Figure[];
  /** Everything measured, for anyone who wants more than the table. */
  raw: unknown;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  versions: Record<string, string>;
}

const RESULTS_DIR = path.join(REPO_ROOT, 'bench/results');
const RESULTS_MD = path.join(REPO_ROOT, 'bench/RESULTS.md');

function versionOf(pkg: string): string {
  try {
    return (
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'absent';
  }
}

export function machine(): Machine {
  let mysqlVersion = 'unknown';
  try {
    mysqlVersion = execFileSync('mariadbd', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    try {
      mysqlVersion = execFileSync('/usr/sbin/mariadbd', ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      // reported as unknown
    }
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    versions: {
      mysql: mysqlVersion,
      ...Object.fromEntries(
        [
          'fastify',
          'express',
          'mysql2',
          'undici',
          'autocannon',
          'next',
          '@opentelemetry/auto-instrumentations-node',
        ].map((pkg) => [pkg, versionOf(pkg)]),
      ),
    },
  };
}

/**
 * A figure from its measured runs: the median, the ratio to its reference, and whether the target
 * is met (`check` sees the median and the ratio).
 */
export function figure(
  name: string,
  runs: number[],
  unit: string,
  extra: {
    reference?: Figure['reference'];
    target?: { text: string; check: (value: number, ratio: number) => boolean };
    note?: string;
  } = {},
): Figure {
  const value = median(runs);
  const ratio = extra.reference ? value / extra.reference.value : Number.NaN;
  return {
    name,
    value,
    unit,
    runs,
    ...(extra.reference ? { reference: extra.reference, ratio } : {}),
    ...(extra.target ? { target: { text: extra.target.text, met: extra.target.check(value, ratio) } } : {}),
    ...(extra.note ? { note: extra.note } : {}),
  };
}

/** Saves one part's raw JSON and rewrites RESULTS.md from every part measured so far. */
export function save(result: PartResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${result.part}.json`), `${JSON.stringify(result, null, 2)}\n`);
  renderResults();
}

/** Rewrites RESULTS.md from the raw JSON of every part (`npm run bench -- --render`). */
export function renderResults(): void {
  const parts = readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(RESULTS_DIR, f), 'utf8')) as PartResult)
    .sort((a, b) => ORDER.indexOf(a.part) - ORDER.indexOf(b.part));
  writeFileSync(RESULTS_MD, markdown(parts));
}

export const ORDER = [
  'order-path',
  'load-engine',
  'fault-toggle',
  'startup',
  'console-weight',
  'metric-query',
  'observer',
];

const fmt = (value: number, unit: string) =>
  `${value >= 100 ? Math.round(value).toLocaleString('en-US') : round(value, value >= 10 ? 1 : 2)} ${unit}`.trim();

function markdown(parts: PartResult[]): string {
  const lines = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (see [README.md](README.md) for what each part does). Every figure is the',
    'median of its runs after a warm-up; each reference was measured in the same run, so the ratio is what',
    'counts on a shared, noisy machine. Raw numbers: `bench/results/<part>.json`.',
    '',
  ];
  for (const part of parts) {
    const m = part.machine;
    lines.push(
      `## ${part.title}`,
      '',
      `${part.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(part.seconds)} s; ${m.cores} x ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${/(MariaDB|MySQL)/.exec(m.versions.mysql ?? '')?.[1] ?? 'MySQL'} ${/Ver\s+(\d[\w.]*)/.exec(m.versions.mysql ?? '')?.[1] ?? ''}`,
      '',
      '| figure | median | runs | reference (same run) | ratio | target | met |',
      '|---|---|---|---|---|---|---|',
    );
    for (const f of part.figures) {
      lines.push(
        `| ${f.name}${f.note ? ` (${f.note})` : ''} | ${fmt(f.value, f.unit)} | ${f.runs.map((r) => fmt(r, '')).join(' / ')} | ${
          f.reference ? `${f.reference.name}: ${fmt(f.reference.value, f.reference.unit)}` : ''
        } | ${f.ratio === undefined ? '' : `${round(f.ratio * 100, 0)} %`} | ${f.target?.text ?? ''} | ${
          f.target ? (f.target.met ? 'yes' : '**no**') : ''
        } |`,
      );
    }
    lines.push('');
  }
  const m = parts[0]?.machine;
  if (m) {
    lines.push('## Versions', '', ...Object.entries(m.versions).map(([k, v]) => `- ${k}: ${v}`), '');
  }
  return lines.join('\n');
}
