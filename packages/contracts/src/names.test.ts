import { describe, expect, it } from 'vitest';
import { appNames } from './names';

describe('appNames', () => {
  it('derives every name from the default prefix', () => {
    expect(appNames()).toEqual({
      prefix: 'ts',
      orderApi: 'ts-order-api',
      deliveryApi: 'ts-delivery-api',
      trafficGenerator: 'ts-traffic-generator',
      parameterPath: '/ts-sample-app/mysql',
      parameters: {
        poolSize: '/ts-sample-app/mysql/pool-size',
        maxOverflow: '/ts-sample-app/mysql/max-overflow',
        faultInjection: '/ts-sample-app/mysql/fault-injection',
        faultDelaySeconds: '/ts-sample-app/mysql/fault-delay-seconds',
      },
      rdsInstance: 'ts-orders-db',
    });
  });

  it('reproduces the original names with the python prefix', () => {
    const names = appNames('python');
    expect(names.orderApi).toBe('python-order-api');
    expect(names.parameters.poolSize).toBe('/python-sample-app/mysql/pool-size');
  });

  it.each([['TS'], [''], ['1ts'], ['ts_app'], ['a'.repeat(21)]])('refuses the prefix %j', (prefix) => {
    expect(() => appNames(prefix)).toThrow(/APP_PREFIX/);
  });
});
