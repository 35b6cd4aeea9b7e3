import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import pino from 'pino';
import { appNames, formatPoolParams, POOL_PARAM_DEFAULTS, type PoolParamKey, type PoolParams } from '@demo/contracts';
import { LOCAL_CREDENTIALS, ParameterStore, ssmService, startAwsEndpoint } from '@demo/local-cloud';

export interface LocalSsm {
  url: string;
  client: SSMClient;
  /** Writes pool parameters under the prefix's path through the real SSM API. */
  setPoolParams(params: Partial<PoolParams>, prefix?: string): Promise<void>;
  close(): Promise<void>;
}

/** local-cloud's SSM on a free port with an in-memory store, and a real SSM client for it. */
export async function startLocalSsm(): Promise<LocalSsm> {
  const endpoint = await startAwsEndpoint({
    credentials: LOCAL_CREDENTIALS,
    host: '127.0.0.1',
    port: 0,
    rpcServices: [ssmService(new ParameterStore(), 'us-east-1')],
    logger: pino({ level: 'silent' }),
  });
  const client = new SSMClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    url: endpoint.url,
    client,
    async setPoolParams(params, prefix) {
      const names = appNames(prefix);
      const values = formatPoolParams({ ...POOL_PARAM_DEFAULTS, ...params });
      for (const key of Object.keys(params) as PoolParamKey[]) {
        await client.send(
          new PutParameterCommand({ Name: names.parameters[key], Value: values[key], Type: 'String', Overwrite: true }),
        );
      }
    },
    async close() {
      client.destroy();
      await endpoint.close();
    },
  };
}
