import path from 'node:path';
import type { TestCloud } from '@demo/testkit';
import { LOCAL_CREDENTIALS } from '@demo/local-cloud';
import { loadConsoleConfig } from '../console/src/server/config';
import { createConsoleContext, type ConsoleContext } from '../console/src/server/context';

/**
 * The console built by its own composition root, pointed at a running test local-cloud exactly as
 * `npm run demo` points it (endpoints, local credentials, kubeconfig).
 */
export function localConsole(testCloud: TestCloud, repoRoot: string, env: Record<string, string> = {}): ConsoleContext {
  const { endpoints } = testCloud.cloud;
  return createConsoleContext(
    loadConsoleConfig(
      {
        CONSOLE_TARGET: 'local',
        CONSOLE_DATA_DIR: path.join(testCloud.dataDir, 'console'),
        AWS_ENDPOINT_URL: endpoints.awsUrl,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        KUBECONFIG: endpoints.kubeconfig,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.otlpUrl,
        AWS_REGION: 'us-east-1',
        APP_PREFIX: 'ts',
        ...env,
      },
      repoRoot,
    ),
  );
}
