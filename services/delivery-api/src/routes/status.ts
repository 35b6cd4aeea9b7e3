import { Router } from 'express';
import type { DeliveryConfig, DeliveryHealth, ReadyBody } from '@demo/contracts';
import type { Config } from '../config';
import type { Database } from '../db/pool';
import { methodNotAllowed } from '../errors';
import type { FaultSwitch, ParamReader, ParamReading } from '../parameters';

export interface InstanceInfo {
  id: string;
  hostname: string;
  pid: number;
  startedAt: Date;
}

export interface StatusDeps {
  config: Config;
  database: Database;
  params: { reader: ParamReader; startup: ParamReading; fault: FaultSwitch };
  instance: InstanceInfo;
  isDraining: () => boolean;
}

export function statusRouter(deps: StatusDeps): Router {
  const router = Router();
  const { config } = deps;
  const service = { service: config.service.name, version: config.service.version };
  const db = { host: config.mysql.host, port: config.mysql.port, database: config.mysql.database };

  // GET /api/delivery/health - deep check: SELECT 1 on a pooled connection
  router
    .route('/api/delivery/health')
    .get(async (_req, res) => {
      let error: string | undefined;
      try {
        await deps.database.ping();
      } catch (cause) {
        error = cause instanceof Error ? cause.message : String(cause);
      }
      const status = error === undefined ? 'healthy' : 'unhealthy';
      const body: DeliveryHealth = {
        status,
        ...service,
        database: { status, ...db, ...(error === undefined ? {} : { error }) },
        timestamp: new Date().toISOString(),
      };
      res.status(error === undefined ? 200 : 503).json(body);
    })
    .all(methodNotAllowed(['GET']));

  // GET /api/delivery/ready - shallow: no I/O; 503 while draining (probes use this)
  router
    .route('/api/delivery/ready')
    .get((_req, res) => {
      const draining = deps.isDraining();
      const body: ReadyBody = {
        status: draining ? 'not ready' : 'ready',
        ...service,
        timestamp: new Date().toISOString(),
      };
      res.status(draining ? 503 : 200).json(body);
    })
    .all(methodNotAllowed(['GET']));

  // GET /api/delivery/config - SSM values now (desired) beside the values this process runs with
  router
    .route('/api/delivery/config')
    .get(async (_req, res) => {
      const desired = await deps.params.reader.read();
      const startup = deps.params.startup.params;
      const fault = deps.params.fault.current();
      const effective = {
        pool_size: startup.poolSize,
        max_overflow: startup.maxOverflow,
        fault_injection: fault.faultInjection,
        fault_delay_seconds: fault.faultDelaySeconds,
      };
      const wanted = {
        pool_size: desired.params.poolSize,
        max_overflow: desired.params.maxOverflow,
        fault_injection: desired.params.faultInjection,
        fault_delay_seconds: desired.params.faultDelaySeconds,
      };
      const body: DeliveryConfig = {
        ...service,
        instance: {
          id: deps.instance.id,
          hostname: deps.instance.hostname,
          pid: deps.instance.pid,
          started_at: deps.instance.startedAt.toISOString(),
        },
        database_config: { ...db, ...wanted },
        desired: { ...wanted, source: desired.source, problems: desired.problems },
        effective: {
          ...effective,
          connection_limit: deps.database.shape.connectionLimit,
          max_idle: deps.database.shape.maxIdle,
          acquire_timeout_ms: config.mysql.poolTimeoutMs,
        },
        drift: (Object.keys(wanted) as (keyof typeof wanted)[]).filter((key) => wanted[key] !== effective[key]),
        timestamp: new Date().toISOString(),
      };
      res.json(body);
    })
    .all(methodNotAllowed(['GET']));

  return router;
}
