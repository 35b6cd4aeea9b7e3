// `npm run demo`: builds what is missing, then runs local-cloud in the foreground. Ctrl-C stops
// everything it started. Environment variables move ports and data (see local-cloud/README.md).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run demo -- --aws-timing`: rehearse an AWS talk (metrics as Application Signals publishes them).
const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--aws-timing');
if (unknown.length > 0) {
  console.error(`Unknown option ${unknown.join(' ')}; the one option is --aws-timing.`);
  process.exit(2);
}
const timing = args.includes('--aws-timing') ? { METRIC_TIMING: 'aws' } : {};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outputs = [
  'local-cloud/dist/main.js',
  'services/order-api/dist/server.js',
  'services/delivery-api/dist/server.js',
  'services/traffic-generator/dist/server.js',
  'console/.next/BUILD_ID',
];

const missing = outputs.filter((file) => !existsSync(path.join(root, file)));
if (missing.length > 0) {
  console.log(`Building (missing: ${missing.join(', ')})...`);
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const child = spawn(process.execPath, [path.join(root, 'local-cloud/dist/main.js')], {
  cwd: root,
  stdio: 'inherit',
  env: { NEXT_TELEMETRY_DISABLED: '1', ...process.env, ...timing },
});
// Pass signals on: a terminal's Ctrl-C reaches both of us anyway (local-cloud treats the repeat
// as one request), but a process manager signals only this script.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
