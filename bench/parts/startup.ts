import path from 'node:path';
import { startLoad } from '@demo/load';
import { findLocalCloudPid, residentMiB, startDemo } from '../lib/demo';
import type { Part } from '../lib/part';
import { figure } from '../lib/report';
import { repeat } from '../lib/stats';

const LOAD_RPS = 50;

export const startup: Part = {
  name: 'startup',
  title: '`npm run demo` start-up, and local-cloud memory under load',
  async run({ config, workDir, log }) {
    const start = () => startDemo({ path: config.PATH, home: config.HOME, logFile: path.join(workDir, 'demo.log') });
    log(`npm run demo -> console ready, ${config.BENCH_RUNS} times after a warm-up`);
    const readySeconds = await repeat(config.BENCH_RUNS, async (run) => {
      const demo = await start();
      await demo.stop();
      log(`  run ${run}: ready in ${(demo.readyMs / 1000).toFixed(1)} s`);
      return demo.readyMs / 1000;
    });

    log(`local-cloud memory: ${config.BENCH_MEMORY_MINUTES} min at ${LOAD_RPS} rps`);
    const demo = await start();
    try {
      const pid = await findLocalCloudPid(demo.child.pid!);
      const samples: { minute: number; rssMiB: number }[] = [{ minute: 0, rssMiB: await residentMiB(pid) }];
      const load = startLoad({ url: demo.orderApiUrl, rate: LOAD_RPS, maxInFlight: 200 });
      const t0 = performance.now();
      const endMs = config.BENCH_MEMORY_MINUTES * 60_000;
      const sampleMs = Math.min(30_000, endMs / 10);
      while (performance.now() - t0 < endMs) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(sampleMs, endMs - (performance.now() - t0))));
        samples.push({ minute: (performance.now() - t0) / 60_000, rssMiB: await residentMiB(pid) });
      }
      const summary = await load.stop();
      // The last three samples (the final 1.5 minutes of a 10-minute run): one long run, read three times.
      const last = samples.slice(-3).map((s) => s.rssMiB);
      return {
        figures: [
          figure('npm run demo -> console ready', readySeconds, 's', {
            target: { text: '<= 15 s', check: (v) => v <= 15 },
          }),
          figure(`local-cloud RSS after ${config.BENCH_MEMORY_MINUTES} min at ${LOAD_RPS} rps`, last, 'MiB', {
            reference: { name: 'RSS when ready', value: samples[0]!.rssMiB, unit: 'MiB' },
            note: `${summary.ok} of ${summary.sent} orders answered 2xx`,
          }),
        ],
        raw: { readySeconds, samples, load: summary },
      };
    } finally {
      await demo.stop();
    }
  },
};
