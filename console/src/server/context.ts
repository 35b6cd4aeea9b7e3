import 'server-only';
import path from 'node:path';
import { appNames, type AppNames } from '@demo/contracts';
import { AuditLog } from './audit';
import { BurstManager } from './bursts/manager';
import { createClients, type Clients } from './clients';
import { loadConsoleConfig, type ConsoleConfig } from './config';
import { openDatabase, type Db } from './db';
import { Kube } from './kube';
import { OrderApi } from './order-api';
import { Parameters } from './parameters';
import { Runbook } from './runbook/runbook';
import { RunStore } from './runbook/store';
import { systemClock } from './runbook/types';
import { Signals } from './signals';
import { resolveTarget, type Target } from './target';

export interface ConsoleContext {
  config: ConsoleConfig;
  target: Target;
  names: AppNames;
  clients: Clients;
  kube: Kube;
  orderApi: OrderApi;
  parameters: Parameters;
  db: Db;
  audit: AuditLog;
  runbook: Runbook;
  bursts: BurstManager;
  signals: Signals;
  startedAt: Date;
}

function build(): ConsoleContext {
  const config = loadConsoleConfig();
  const target = resolveTarget(config);
  const names = appNames(target.prefix);
  const clients = createClients(target);
  const kube = new Kube(clients, target.namespace);
  const orderApi = new OrderApi(kube, names.orderApi);
  const parameters = new Parameters(clients, names);
  const db = openDatabase(path.join(config.dataDir, 'console.db'));
  const audit = new AuditLog(db);
  const runs = new RunStore(db);
  const runbook = new Runbook(
    {
      readParams: async () => (await parameters.read()).params,
      writeParams: (params) => parameters.write(params),
      restart: async () => (await kube.restart(names.deliveryApi)).metadata?.generation ?? 0,
      rollout: async () => {
        const { state, generation } = await kube.rollout(names.deliveryApi);
        return { state, generation };
      },
      configs: () => kube.deliveryConfigs(names.deliveryApi),
    },
    runs,
    audit,
    systemClock,
    {
      names,
      deployment: names.deliveryApi,
      autoRestoreMs: config.autoRestoreMinutes * 60_000,
      rolloutTimeoutMs: config.rolloutTimeoutSeconds * 1000,
      verifyTimeoutMs: 20_000,
      pollMs: 250,
    },
  );
  const bursts = new BurstManager(db, audit, orderApi, config.caps);
  const signals = new Signals(clients, target, names, { runs, bursts, audit });
  return {
    config,
    target,
    names,
    clients,
    kube,
    orderApi,
    parameters,
    db,
    audit,
    runbook,
    bursts,
    signals,
    startedAt: new Date(),
  };
}

const holder = globalThis as typeof globalThis & { __demoConsole?: ConsoleContext };

/**
 * The console's server side, built once per process: config read and validated, target resolved,
 * clients made. Kept on globalThis because Next bundles route handlers and instrumentation.ts
 * separately, and they must share one runbook and one database.
 */
export function getConsole(): ConsoleContext {
  holder.__demoConsole ??= build();
  return holder.__demoConsole;
}
