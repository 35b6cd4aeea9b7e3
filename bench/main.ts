// `npm run bench [part ...]`: measures each part (all when none is named), writes its raw JSON to
// bench/results/ and rewrites bench/RESULTS.md. See bench/README.md.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadBenchConfig } from './lib/config';
import type { Part } from './lib/part';
import { machine, ORDER, renderResults, save } from './lib/report';
import { consoleWeight } from './parts/console-weight';
import { faultToggle } from './parts/fault-toggle';
import { loadEngine } from './parts/load-engine';
import { metricQuery } from './parts/metric-query';
import { observer } from './parts/observer';
import { orderPath } from './parts/order-path';
import { startup } from './parts/startup';

const PARTS: Part[] = [orderPath, loadEngine, faultToggle, startup, consoleWeight, metricQuery, observer];

async function main(args: string[]): Promise<number> {
  if (args.includes('--render')) {
    renderResults();
    console.log('Rewrote bench/RESULTS.md from bench/results/');
    return 0;
  }
  const unknown = args.filter((name) => !ORDER.includes(name));
  if (unknown.length > 0) {
    console.error(`Unknown part: ${unknown.join(', ')}. Parts: ${ORDER.join(', ')}`);
    return 2;
  }
  const config = loadBenchConfig(process.env);
  const chosen = PARTS.filter((part) => args.length === 0 || args.includes(part.name));
  let failed = 0;
  for (const part of chosen) {
    const workDir = await mkdtemp(path.join(os.tmpdir(), `bench-${part.name}-`));
    const startedAt = new Date();
    const t0 = performance.now();
    const log = (message: string) =>
      console.log(`[${part.name} ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${message}`);
    try {
      const { figures, raw } = await part.run({ config, workDir, log });
      save({
        part: part.name,
        title: part.title,
        startedAt: startedAt.toISOString(),
        seconds: (performance.now() - t0) / 1000,
        machine: machine(),
        figures,
        raw,
      });
      for (const f of figures) {
        const verdict = f.target ? (f.target.met ? 'met' : 'MISSED') : '';
        const ratio = f.ratio === undefined ? '' : ` (${Math.round(f.ratio * 100)} % of ${f.reference!.name})`;
        log(
          `${f.name}: ${f.value.toFixed(2)} ${f.unit}${ratio} ${f.target ? `target ${f.target.text}: ${verdict}` : ''}`,
        );
      }
      await rm(workDir, { recursive: true, force: true });
    } catch (error) {
      failed++;
      console.error(`[${part.name}] failed; logs kept in ${workDir}:`, error);
    }
  }
  console.log(`Results: bench/RESULTS.md (raw: bench/results/)`);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
