import { formatEndpointsFile, type MetricTiming } from '@demo/contracts';

/** Where a running local-cloud answers: what `.demo/endpoints.env` tells every client. */
export interface Endpoints {
  prefix: string;
  region: string;
  awsUrl: string;
  kubeUrl: string;
  kubeconfig: string;
  otlpUrl: string;
  orderApiUrl: string;
  deliveryApiUrl: string;
  mysql: string;
  metricTiming: MetricTiming;
}

/** The local credentials every client signs with (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local-cloud', secretAccessKey: 'local-cloud' } as const;

/** `.demo/endpoints.env`'s text for these endpoints, with the console's URL once it runs. */
export function endpointsFile(endpoints: Endpoints, consoleUrl?: string): string {
  return formatEndpointsFile({
    APP_PREFIX: endpoints.prefix,
    AWS_ENDPOINT_URL: endpoints.awsUrl,
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    KUBECONFIG: endpoints.kubeconfig,
    ORDER_API_URL: endpoints.orderApiUrl,
    DELIVERY_API_URL: endpoints.deliveryApiUrl,
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.otlpUrl,
    ...(endpoints.metricTiming === 'aws' ? { METRIC_TIMING: 'aws' as const } : {}),
    ...(consoleUrl ? { CONSOLE_URL: consoleUrl } : {}),
  });
}
