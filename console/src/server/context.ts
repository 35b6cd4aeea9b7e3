import 'server-only';
import path from 'node:path';
import { appNames, type AppNames } from '@demo/contracts';
import { LoginThrottle } from './access';
import { AuditLog } from './audit';
import { BurstManager } from './bursts/manager';
import { createClients, type Clients } from './clients';
import { loadConsoleConfig, type ConsoleConfig } from './config';
import { openDatabase, type Db } from './db';
import { Experiments } from './experiment/experiments';
import { GuardWatch } from './experiment/guard-watch';
import { KillSwitch } from './experiment/kill-switch';
import { readSteadyState } from './experiment/steady-state';
import { Kube } from './kube';
import { LiveHub } from './live/hub';
import { readTopic } from './live/stream';
import { OrderApi } from './order-api';
import { OrderDesk } from './orders';
import { PoolParameterStore } from './pool-parameters';
import { clusterRunbookPorts } from './runbook/ports';
import { Runbook } from './runbook/runbook';
import { RunStore } from './runbook/store';
import { systemClock } from './runbook/types';
import { Signals } from './signals';
import { readFindings, readServiceStates } from './signals/findings';
import { ORDERS_OPERATION } from './signals/slos';
import { resolveTarget, type Target } from './target';
import { BackgroundTraffic } from './traffic';
import type { SloRow } from '../shared/signals';
import type { StatusView } from '../shared/status';

/** Everything the console's routes use, built from one validated config. */
export interface ConsoleContext {
  config: ConsoleConfig;
  target: Target;
  names: AppNames;
  clients: Clients;
  kube: Kube;
  orderApi: OrderApi;
  orders: OrderDesk;
  traffic: BackgroundTraffic;
  parameters: PoolParameterStore;
  db: Db;
  audit: AuditLog;
  runbook: Runbook;
  killSwitch: KillSwitch;
  guards: GuardWatch;
  experiments: Experiments;
  bursts: BurstManager;
  signals: Signals;
  /** The single reader of every source; routes and the live stream read through it. */
  live: LiveHub;
  loginThrottle: LoginThrottle;
  startedAt: Date;
  /** Stops timers and closes the database (tests; the server process simply exits). */
  dispose(): void;
}

/**
 * The console's composition root: resolves the target, makes the clients and wires every server
 * module to them. Route handlers reach it through `getConsole()`; tests call it with their own config.
 */
export function createConsoleContext(config: ConsoleConfig): ConsoleContext {
  const target = resolveTarget(config);
  const names = appNames(target.prefix);
  const clients = createClients(target);
  const kube = new Kube(clients, target.namespace);
  const orderApi = new OrderApi(kube, names.orderApi);
  const parameters = new PoolParameterStore(clients, names);
  const db = openDatabase(path.join(config.dataDir, 'console.db'));
  const audit = new AuditLog(db);
  const runs = new RunStore(db);
  // The kill switch stops what is built below; each of those asks it before starting anything.
  const killSwitch = new KillSwitch(db, audit, {
    stopBurst: (actor) => {
      const running = bursts.running();
      if (!running) return Promise.resolve('no burst running');
      // Sending stops at once; the answers still out are awaited by the burst, not by the switch.
      void bursts.stop(running.id, actor);
      return Promise.resolve(`burst ${running.id}: sending stopped`);
    },
    stopTraffic: async (actor) => {
      if (!(await traffic.read()).enabled) return 'background traffic was off';
      await traffic.set(false, actor);
      return 'background traffic off';
    },
    restore: (actor) => runbook.restoreIfNeeded(actor, 'kill-switch'),
  });
  const gate = () => killSwitch.assertArmed();
  const runbook = new Runbook(clusterRunbookPorts(kube, parameters, names.deliveryApi), runs, audit, systemClock, {
    names,
    deployment: names.deliveryApi,
    autoRestoreMs: config.autoRestoreMinutes * 60_000,
    cooldownMs: config.faultCooldownSeconds * 1000,
    injectGate: gate,
    rolloutTimeoutMs: config.rolloutTimeoutSeconds * 1000,
    verifyTimeoutMs: 20_000,
    pollMs: 250,
  });
  const bursts = new BurstManager(db, audit, orderApi, config.caps, gate);
  const signals = new Signals(clients, target, names, { runs, bursts, audit });
  const orders = new OrderDesk(orderApi, audit);
  const traffic = new BackgroundTraffic(kube, audit, names, gate);
  const periodMs = target.basePeriodSeconds * 1000;
  const availabilitySlo = `${names.prefix}-orders-availability`;
  const guards = new GuardWatch({
    runs,
    restoreIfNeeded: (actor, trigger) => runbook.restoreIfNeeded(actor, trigger),
    audit,
    bursts,
    orderChart: (from, to) => signals.chart({ service: names.orderApi, operation: ORDERS_OPERATION, from, to }),
    availabilityBudget: async (at) => {
      const row = (await signals.slos.report(at)).find((r) => r.name === availabilitySlo);
      return row?.budgetSecondsRemaining != null && row.totalBudgetSeconds != null
        ? { remaining: row.budgetSecondsRemaining, total: row.totalBudgetSeconds }
        : null;
    },
    periodMs,
  });
  guards.start();
  const sources = {
    target,
    clients,
    kube,
    orderApi,
    parameters,
    names,
    orders,
    traffic,
    audit,
    runbook,
    killSwitch,
    guards,
    bursts,
    signals,
  };
  const live = new LiveHub(sources);
  const experiments = new Experiments({
    runbook,
    runs,
    audit,
    steadyState: () =>
      readSteadyState({
        status: () => readTopic(live, 'status') as Promise<StatusView>,
        deliveryChart: (from, to) => signals.chart({ service: names.deliveryApi, from, to }),
        slos: async () => ((await readTopic(live, 'slos')) as { slos: SloRow[] }).slos,
        availabilitySlo,
        periodMs,
      }),
    report: {
      runs,
      bursts,
      audit,
      chart: (service, operation, from, to) => signals.chart({ service, operation, from, to }),
      budgets: (at) => signals.slos.report(at),
      findings: (services, window) => readFindings(clients.signals, target.environment, services, window),
      serviceStates: (window) => readServiceStates(clients.signals, window),
      names,
      target: { kind: target.kind, environment: target.environment, basePeriodSeconds: target.basePeriodSeconds },
    },
  });
  return {
    config,
    ...sources,
    db,
    live,
    experiments,
    loginThrottle: new LoginThrottle(),
    startedAt: new Date(),
    dispose() {
      live.stop();
      guards.stop();
      runbook.dispose();
      db.close();
    },
  };
}

const holder = globalThis as typeof globalThis & { __demoConsole?: ConsoleContext };

/**
 * The console of this process, built once from the environment. Kept on globalThis because Next
 * bundles route handlers and instrumentation.ts separately, and they must share one runbook and
 * one database.
 */
export function getConsole(): ConsoleContext {
  holder.__demoConsole ??= createConsoleContext(loadConsoleConfig());
  return holder.__demoConsole;
}
