import 'server-only';
import { ListServicesCommand } from '@aws-sdk/client-application-signals';
import type { AppNames } from '@demo/contracts';
import type { Chip, StatusView } from '../shared/status';
import type { Clients } from './clients';
import type { Kube } from './kube';
import type { OrderApi } from './order-api';
import type { PoolParameterStore } from './pool-parameters';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The status strip: each dependency checked independently, so one red chip never hides the others. */
/** What the status strip reads. */
export interface StatusSources {
  clients: Clients;
  kube: Kube;
  orderApi: OrderApi;
  parameters: PoolParameterStore;
  names: AppNames;
}

export async function readStatus(deps: StatusSources): Promise<StatusView> {
  const { kube, names } = deps;
  const [cluster, health, params, configs, signals] = await Promise.allSettled([
    kube.listDeployments(),
    deps.orderApi.health(),
    deps.parameters.read(),
    kube.deliveryConfigs(names.deliveryApi),
    deps.clients.signals.send(
      new ListServicesCommand({ StartTime: new Date(Date.now() - 3600_000), EndTime: new Date() }),
    ),
  ]);

  const chips: Chip[] = [];
  if (cluster.status === 'fulfilled') {
    const ours = cluster.value.filter((d) => [names.orderApi, names.deliveryApi].includes(d.metadata?.name ?? ''));
    const short = ours.filter((d) => (d.status?.availableReplicas ?? 0) < (d.spec?.replicas ?? 0));
    chips.push({
      name: 'Cluster',
      light: ours.length < 2 ? 'red' : short.length > 0 ? 'amber' : 'green',
      reason:
        ours.length < 2
          ? 'Order or Delivery API Deployment not found'
          : short.length > 0
            ? `${short.map((d) => d.metadata?.name).join(', ')} not fully available`
            : `${ours.map((d) => `${d.metadata?.name} ${d.status?.availableReplicas ?? 0}/${d.spec?.replicas ?? 0}`).join(', ')}`,
    });
  } else chips.push({ name: 'Cluster', light: 'red', reason: message(cluster.reason) });

  if (health.status === 'fulfilled') {
    const body = health.value.body;
    const delivery = body.dependencies.delivery_api;
    chips.push({
      name: 'Order API',
      light: body.status === 'unhealthy' ? 'red' : 'green',
      reason: `health ${health.value.httpStatus}: ${body.status}`,
    });
    chips.push({
      name: 'Delivery API',
      light: delivery.status === 'healthy' ? 'green' : body.status === 'unhealthy' ? 'red' : 'amber',
      reason: delivery.error ?? `healthy in ${delivery.response_time_ms} ms`,
    });
    chips.push({
      name: 'MySQL',
      light: delivery.database_status === 'healthy' ? 'green' : delivery.database_status ? 'red' : 'amber',
      reason: delivery.database_status
        ? `Delivery health: database ${delivery.database_status}`
        : 'unknown: Delivery health did not answer',
    });
  } else {
    chips.push({ name: 'Order API', light: 'red', reason: message(health.reason) });
    chips.push({ name: 'Delivery API', light: 'amber', reason: 'unknown: Order API health did not answer' });
    chips.push({ name: 'MySQL', light: 'amber', reason: 'unknown: Order API health did not answer' });
  }

  chips.push(
    params.status === 'fulfilled'
      ? {
          name: 'Parameter store',
          light: params.value.missing.length > 0 ? 'amber' : 'green',
          reason:
            params.value.missing.length > 0
              ? `missing (defaults used): ${params.value.missing.join(', ')}`
              : 'all four pool parameters readable',
        }
      : { name: 'Parameter store', light: 'red', reason: message(params.reason) },
  );
  chips.push(
    signals.status === 'fulfilled'
      ? {
          name: 'Signals',
          light: (signals.value.ServiceSummaries?.length ?? 0) > 0 ? 'green' : 'amber',
          reason: `${signals.value.ServiceSummaries?.length ?? 0} services reporting in the last hour`,
        }
      : { name: 'Signals', light: 'red', reason: message(signals.reason) },
  );

  const replicas =
    configs.status === 'fulfilled'
      ? configs.value.flatMap(({ pod, config }) =>
          config ? [{ pod, effective: config.effective, drift: config.drift }] : [],
        )
      : [];
  return {
    chips,
    pool: {
      ...(params.status === 'fulfilled' ? { desired: params.value.params } : {}),
      replicas,
      drift: replicas.some((r) => r.drift.length > 0),
    },
    checkedAt: new Date().toISOString(),
  };
}
