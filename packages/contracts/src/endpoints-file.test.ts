import { describe, expect, it } from 'vitest';
import { formatEndpointsFile, parseEndpointsFile, type LocalEndpoints } from './endpoints-file';

const endpoints: LocalEndpoints = {
  APP_PREFIX: 'ts',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local-cloud',
  AWS_SECRET_ACCESS_KEY: 'local-cloud',
  AWS_EC2_METADATA_DISABLED: 'true',
  KUBECONFIG: '/tmp/demo/kubeconfig',
  ORDER_API_URL: 'http://127.0.0.1:8080',
  DELIVERY_API_URL: 'http://127.0.0.1:5000',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
};

describe('endpoints.env', () => {
  it('reads back what it writes, with and without the console', () => {
    expect(parseEndpointsFile(formatEndpointsFile(endpoints))).toEqual(endpoints);
    const withConsole = { ...endpoints, CONSOLE_URL: 'http://127.0.0.1:3000' };
    expect(parseEndpointsFile(formatEndpointsFile(withConsole))).toEqual(withConsole);
  });

  it('is sourceable shell: one KEY=value a line after a comment', () => {
    const lines = formatEndpointsFile(endpoints).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^# /);
    expect(lines.slice(1)).toContain('KUBECONFIG=/tmp/demo/kubeconfig');
    for (const line of lines.slice(1)) expect(line).toMatch(/^[A-Z0-9_]+=\S+$/);
  });

  it('names the keys at fault in a file it did not write', () => {
    expect(() => parseEndpointsFile('APP_PREFIX=ts\nAWS_ENDPOINT_URL=not a url\n')).toThrow(
      /AWS_ENDPOINT_URL.*KUBECONFIG|KUBECONFIG.*AWS_ENDPOINT_URL/s,
    );
  });
});
