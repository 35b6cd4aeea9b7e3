/**
 * Every name the system derives from its prefix, in one place (DESIGN §3). The original used the
 * prefix `python`; ours defaults to `ts`. Manifests, scripts, local-cloud and the console all read
 * names from here or from the shell twin in infra-scripts/lib, never spell them out again.
 */

export const DEFAULT_APP_PREFIX = 'ts';

/** A prefix must make valid Kubernetes names and SSM path segments. */
export const APP_PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

export const PORTS = {
  orderApi: 8080,
  deliveryApi: 5000,
} as const;

export const DATABASE_NAME = 'orders_db';

export interface AppNames {
  prefix: string;
  orderApi: string;
  deliveryApi: string;
  trafficGenerator: string;
  /** SSM path holding the pool and fault parameters, without a trailing slash. */
  parameterPath: string;
  parameters: {
    poolSize: string;
    maxOverflow: string;
    faultInjection: string;
    faultDelaySeconds: string;
  };
  rdsInstance: string;
}

export function appNames(prefix: string = DEFAULT_APP_PREFIX): AppNames {
  if (!APP_PREFIX_PATTERN.test(prefix)) {
    throw new Error(`APP_PREFIX "${prefix}" must match ${String(APP_PREFIX_PATTERN)}`);
  }
  const parameterPath = `/${prefix}-sample-app/mysql`;
  return {
    prefix,
    orderApi: `${prefix}-order-api`,
    deliveryApi: `${prefix}-delivery-api`,
    trafficGenerator: `${prefix}-traffic-generator`,
    parameterPath,
    parameters: {
      poolSize: `${parameterPath}/pool-size`,
      maxOverflow: `${parameterPath}/max-overflow`,
      faultInjection: `${parameterPath}/fault-injection`,
      faultDelaySeconds: `${parameterPath}/fault-delay-seconds`,
    },
    rdsInstance: `${prefix}-orders-db`,
  };
}
