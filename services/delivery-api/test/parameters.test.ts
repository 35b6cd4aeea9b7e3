import { PutParameterCommand } from '@aws-sdk/client-ssm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appNames, POOL_PARAM_DEFAULTS } from '@demo/contracts';
import {
  createTestDatabase,
  getJson,
  startLocalSsm,
  type LocalSsm,
  type TestDatabase,
  deliveryEnv,
  startDelivery,
} from '@demo/testkit';
import { loadConfig } from '../src/config';
import { FaultSwitch, ssmParamReader, type ParamReading } from '../src/parameters';
import { createSsmClient } from '../src/service';

let db: TestDatabase;
let ssm: LocalSsm;
const silent = pino({ level: 'silent' });
const names = appNames('ts');

beforeAll(async () => {
  db = await createTestDatabase(inject('mysqlUrl'), 'delivery_params');
  ssm = await startLocalSsm();
});
afterAll(async () => {
  await ssm.close();
  await db.drop();
});

describe('reading pool parameters through the SSM API', () => {
  const readerFor = (ssmUrl: string, env: Record<string, string> = {}) => {
    const config = loadConfig(deliveryEnv(db, ssmUrl, env));
    return ssmParamReader(createSsmClient(config), config.names, silent);
  };

  it('uses the defaults for parameters that do not exist, and says so', async () => {
    const reading = await readerFor(ssm.url).read();
    expect(reading.source).toBe('ssm');
    expect(reading.params).toEqual(POOL_PARAM_DEFAULTS);
    expect(Object.keys(reading.problems)).toEqual(Object.values(names.parameters));
  });

  it('reads the values that are set', async () => {
    await ssm.setPoolParams({ poolSize: 3, maxOverflow: 4, faultInjection: true, faultDelaySeconds: 2 });
    const reading = await readerFor(ssm.url).read();
    expect(reading).toEqual({
      source: 'ssm',
      params: { poolSize: 3, maxOverflow: 4, faultInjection: true, faultDelaySeconds: 2 },
      problems: {},
    });
  });

  it.each([['yes'], ['ON'], ['1'], [' True ']])('reads "%s" as fault on, as the original', async (value) => {
    await ssm.client.send(
      new PutParameterCommand({ Name: names.parameters.faultInjection, Value: value, Type: 'String', Overwrite: true }),
    );
    expect((await readerFor(ssm.url).read()).params.faultInjection).toBe(true);
  });

  it('falls back per parameter on values it cannot use, instead of failing start-up', async () => {
    await ssm.client.send(
      new PutParameterCommand({ Name: names.parameters.poolSize, Value: 'ten', Type: 'String', Overwrite: true }),
    );
    await ssm.client.send(
      new PutParameterCommand({ Name: names.parameters.maxOverflow, Value: '999', Type: 'String', Overwrite: true }),
    );
    const reading = await readerFor(ssm.url).read();
    expect(reading.params.poolSize).toBe(POOL_PARAM_DEFAULTS.poolSize);
    expect(reading.params.maxOverflow).toBe(POOL_PARAM_DEFAULTS.maxOverflow);
    expect(reading.problems[names.parameters.poolSize]).toMatch(/not a whole number/);
    expect(reading.problems[names.parameters.maxOverflow]).toMatch(/out of range/);
    await ssm.setPoolParams({ poolSize: 3, maxOverflow: 4 });
  });

  it('reads the parameters of its own prefix only', async () => {
    await ssm.setPoolParams({ poolSize: 7 }, 'python');
    expect((await readerFor(ssm.url, { APP_PREFIX: 'python' }).read()).params.poolSize).toBe(7);
    expect((await readerFor(ssm.url).read()).params.poolSize).toBe(3);
  });

  it('falls back to every default, fast, when SSM is unreachable', async () => {
    const started = Date.now();
    const reading = await readerFor('http://127.0.0.1:9').read();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(reading.source).toBe('defaults');
    expect(reading.params).toEqual(POOL_PARAM_DEFAULTS);
    expect(reading.problems.store).toMatch(/ECONNREFUSED/);
  });
});

describe('the fault switch', () => {
  const reading = (faultInjection: boolean): ParamReading => ({
    params: { ...POOL_PARAM_DEFAULTS, faultInjection },
    source: 'ssm',
    problems: {},
  });

  it('re-reads no more often than its TTL, without making callers wait', async () => {
    let now = 0;
    let reads = 0;
    let next = reading(true);
    const reader = {
      read: () => {
        reads++;
        return Promise.resolve(next);
      },
    };
    const fault = new FaultSwitch(reader, reading(false), 30_000, () => now);
    expect(fault.current().faultInjection).toBe(false);
    now = 29_999;
    expect(fault.current().faultInjection).toBe(false);
    expect(reads).toBe(0);
    now = 30_000;
    expect(fault.current().faultInjection).toBe(false); // stale value served while refreshing
    await fault.refresh();
    expect(reads).toBe(1);
    expect(fault.current().faultInjection).toBe(true);
    next = reading(false);
    now = 45_000;
    expect(fault.current().faultInjection).toBe(true);
    expect(reads).toBe(1);
  });

  it('keeps the last value when the store becomes unreachable', async () => {
    let now = 0;
    const reader = { read: () => Promise.resolve({ ...reading(false), source: 'defaults' as const }) };
    const fault = new FaultSwitch(reader, reading(true), 1000, () => now);
    now = 5000;
    fault.current();
    await fault.refresh();
    expect(fault.current().faultInjection).toBe(true);
  });
});

describe('GET /api/delivery/config', () => {
  it('reports SSM now (desired) beside the values the process started with (effective)', async () => {
    await ssm.setPoolParams({ poolSize: 2, maxOverflow: 1, faultInjection: false, faultDelaySeconds: 10 });
    const delivery = await startDelivery({ db, ssmUrl: ssm.url });
    try {
      const before = await getJson(`${delivery.url}/api/delivery/config`);
      expect(before.body).toMatchObject({
        service: 'ts-delivery-api',
        database_config: { pool_size: 2, max_overflow: 1, database: db.name },
        desired: { pool_size: 2, max_overflow: 1, fault_injection: false, source: 'ssm' },
        effective: { pool_size: 2, max_overflow: 1, connection_limit: 3, max_idle: 2, fault_injection: false },
        drift: [],
      });
      // Changing SSM is not enough: pool settings need a restart, so config shows the drift.
      await ssm.setPoolParams({ poolSize: 1, maxOverflow: 0, faultInjection: true });
      const after = await getJson(`${delivery.url}/api/delivery/config`);
      expect(after.body).toMatchObject({
        desired: { pool_size: 1, max_overflow: 0, fault_injection: true },
        effective: { pool_size: 2, max_overflow: 1, connection_limit: 3 },
        drift: ['pool_size', 'max_overflow', 'fault_injection'],
      });
    } finally {
      await delivery.close();
    }
  });

  it('a restart picks the new values up', async () => {
    await ssm.setPoolParams({ poolSize: 1, maxOverflow: 0, faultInjection: true, faultDelaySeconds: 3 });
    const delivery = await startDelivery({ db, ssmUrl: ssm.url });
    try {
      const config = await getJson(`${delivery.url}/api/delivery/config`);
      expect(config.body).toMatchObject({
        effective: {
          pool_size: 1,
          max_overflow: 0,
          connection_limit: 1,
          fault_injection: true,
          fault_delay_seconds: 3,
        },
        drift: [],
      });
    } finally {
      await delivery.close();
      await ssm.setPoolParams(POOL_PARAM_DEFAULTS);
    }
  });
});
