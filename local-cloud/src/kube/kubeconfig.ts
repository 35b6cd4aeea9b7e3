import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A kubeconfig for local-cloud's API server. The server speaks plain HTTP on loopback; clients
 * (client-node included) only accept `http://` with `insecure-skip-tls-verify: true`.
 */
export function kubeconfigYaml(serverUrl: string, namespace = 'default'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: local-cloud',
    '    cluster:',
    `      server: ${serverUrl}`,
    '      insecure-skip-tls-verify: true',
    'users:',
    '  - name: local-cloud',
    '    user:',
    '      token: local-cloud',
    'contexts:',
    '  - name: local-cloud',
    '    context:',
    '      cluster: local-cloud',
    '      user: local-cloud',
    `      namespace: ${namespace}`,
    'current-context: local-cloud',
    '',
  ].join('\n');
}

export async function writeKubeconfig(file: string, serverUrl: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, kubeconfigYaml(serverUrl), { mode: 0o600 });
}
