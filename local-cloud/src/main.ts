import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AWS_METRIC_TIMING, ENDPOINTS_FILE_NAME } from '@demo/contracts';
import pino from 'pino';
import { loadConfig } from './config';
import { startConsole, type ConsoleProcess } from './console-process';
import { endpointsFile } from './endpoints';
import { startLocalCloud } from './stack';

/**
 * `npm run demo`: the whole system on this machine. Prints where everything is, writes
 * .demo/endpoints.env, and on Ctrl-C stops every process it started.
 */
async function main(): Promise<void> {
  const started = Date.now();
  // dist/main.js -> the repository root
  const repoRoot = path.resolve(__dirname, '..', '..');
  const config = loadConfig(repoRoot);
  const logger = pino({
    level: config.logLevel,
    base: { service: 'local-cloud' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  for (const built of [
    'services/order-api/dist/server.js',
    'services/delivery-api/dist/server.js',
    'services/traffic-generator/dist/server.js',
  ]) {
    if (!existsSync(path.join(repoRoot, built)))
      throw new Error(`${built} is missing: run \`npm run build\` (npm run demo does it for you).`);
  }

  const cloud = await startLocalCloud(config, logger);
  // Filled in once the workloads are available; the signal handler may run before that.
  const running: { console?: ConsoleProcess } = {};
  let stoppingSince: number | undefined;
  const stop = (signal: string) => {
    if (stoppingSince !== undefined) {
      // The same Ctrl-C often arrives twice (terminal to the group, and forwarded); only a later
      // one means "now".
      if (Date.now() - stoppingSince < 1000) return;
      console.error('\nSecond signal: killing every process local-cloud started, and leaving.');
      cloud.kill();
      process.exit(130);
    }
    stoppingSince = Date.now();
    console.log(`\n${signal}: stopping workloads, MySQL and endpoints... (again to force)`);
    // The console first: it is a client of everything else.
    void (running.console?.stop() ?? Promise.resolve())
      .then(() => cloud.stop())
      .then(() => {
        console.log(`Stopped cleanly in ${((Date.now() - stoppingSince!) / 1000).toFixed(1)} s.`);
        process.exit(0);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Whoever read our output is gone (a closed terminal, a killed benchmark): a write now fails
  // with EPIPE, which would end this process on the spot and leave MySQL and the workloads running.
  // Stop them instead, as for a signal, and write nothing more.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      if (stoppingSince === undefined) stop('output closed');
    });
  }

  await cloud.waitUntilAvailable(90_000);
  running.console = await startConsole(config, cloud.endpoints, cloud.processes, logger);
  const consoleUrl = running.console?.url;
  const envFile = path.join(config.dataDir, ENDPOINTS_FILE_NAME);
  await writeFile(envFile, endpointsFile(cloud.endpoints, consoleUrl));
  const e = cloud.endpoints;
  const relative = (file: string) => path.relative(process.cwd(), file) || file;
  console.log(
    [
      '',
      `local-cloud ready in ${((Date.now() - started) / 1000).toFixed(1)} s (prefix "${e.prefix}")`,
      '',
      consoleUrl
        ? `  Console          ${consoleUrl}          <- open this`
        : '  Console          not built (npm run build)',
      `  Order API        ${e.orderApiUrl}          (docs: ${e.orderApiUrl}/docs)`,
      `  Delivery API     ${e.deliveryApiUrl}`,
      `  AWS endpoint     ${e.awsUrl}          (SSM, CloudWatch, Application Signals)`,
      `  Kubernetes API   ${e.kubeUrl}          (kubeconfig: ${relative(e.kubeconfig)})`,
      `  OTLP receiver    ${e.otlpUrl}          (recent traces: ${e.otlpUrl}/api/traces)`,
      `  MySQL            ${e.mysql}`,
      '',
      ...(e.metricTiming === 'aws'
        ? [
            `Rehearsal mode (--aws-timing): metrics in ${AWS_METRIC_TIMING.periodSeconds} s periods, readable ${AWS_METRIC_TIMING.publishLagSeconds} s after their minute ends, as on AWS.`,
            '',
          ]
        : []),
      'Try, in another terminal:',
      `  curl -s -X POST ${e.orderApiUrl}/api/orders -H 'content-type: application/json' \\`,
      `    -d '{"customer_name":"Jane Doe","items":[{"product_id":"LAPTOP-001","quantity":1,"price":999.99}],"shipping_address":"123 Main Street, Springfield"}'`,
      `  set -a; . ${relative(envFile)}; set +a     # then aws, kubectl and SDK programs talk to local-cloud:`,
      `  kubectl get deployments,pods`,
      `  aws ssm get-parameters-by-path --path /${e.prefix}-sample-app/mysql`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`local-cloud failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
