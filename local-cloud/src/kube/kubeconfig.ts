import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A kubeconfig for local-cloud's API server: its HTTPS address, its self-signed certificate as the
 * certificate authority (clients verify the server), and the bearer token it requires (as EKS
 * requires credentials). Written 0600: the token is the key.
 */
export function kubeconfigYaml(
  server: { url: string; certificate: string },
  token: string,
  namespace = 'default',
): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: local-cloud',
    '    cluster:',
    `      server: ${server.url}`,
    `      certificate-authority-data: ${Buffer.from(server.certificate).toString('base64')}`,
    'users:',
    '  - name: local-cloud',
    '    user:',
    `      token: ${token}`,
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

export async function writeKubeconfig(
  file: string,
  server: { url: string; certificate: string },
  token: string,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, kubeconfigYaml(server, token), { mode: 0o600 });
  // writeFile keeps the mode of a file that already exists: make sure it is ours alone.
  await chmod(file, 0o600);
}
