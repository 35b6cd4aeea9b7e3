import pino from 'pino';
import { startAwsEndpoint, type AwsEndpoint } from './endpoint';
import type { RpcService } from './rpc-service';
import type { RestService } from './rest-protocol';

/** The keys a test endpoint checks signatures with, and the client config that signs with them. */
const TEST_KEYS = { accessKeyId: 'a', secretAccessKey: 'b' };

export interface TestEndpoint {
  endpoint: AwsEndpoint;
  /** What an SDK v3 client needs to talk to it: `new SSMClient(test.clientConfig)`. */
  clientConfig: { endpoint: string; region: string; credentials: typeof TEST_KEYS };
}

/** An AWS endpoint on a free loopback port serving only the given services, for provider tests. */
export async function startTestEndpoint(
  services: { rpcServices?: RpcService[]; restServices?: RestService[] },
  region = 'us-east-1',
): Promise<TestEndpoint> {
  const endpoint = await startAwsEndpoint({
    credentials: TEST_KEYS,
    host: '127.0.0.1',
    port: 0,
    rpcServices: services.rpcServices ?? [],
    restServices: services.restServices ?? [],
    logger: pino({ level: 'silent' }),
  });
  return { endpoint, clientConfig: { endpoint: endpoint.url, region, credentials: TEST_KEYS } };
}
