import 'server-only';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type {
  DependencyRow,
  OperationRow,
  ServiceDetail,
  ServiceMap,
  ServiceNode,
  TimeWindow,
} from '../../shared/signals';
import type { Discovery } from './discovery';
import { addTotals, EMPTY_TOTALS, fetchMetrics, rowRequests, rowTotals } from './metrics';

/** A window as one period per minute (valid on AWS too), for tables and the map. */
function minuteWindow(from: number, to: number): TimeWindow {
  return { from: Math.floor(from / 60_000) * 60_000, to: Math.ceil(to / 60_000) * 60_000, periodSeconds: 60 };
}

/**
 * The service map over the last minutes of a window: the client, the instrumented services and
 * what they call (MySQL, AWS services), with request counts, fault and error rates and the worst
 * minute's p99 on every node and edge; all in one GetMetricData call.
 */
export async function serviceMap(
  deps: { cloudwatch: CloudWatchClient; discovery: Discovery; basePeriod: number },
  request: { to: number; minutes: number },
): Promise<ServiceMap> {
  const window = minuteWindow(request.to - request.minutes * 60_000, request.to);
  const services = await deps.discovery.services();
  const dependencies = await Promise.all(
    services.map(async (s) => ({ service: s, dependencies: await deps.discovery.dependencies(s) })),
  );
  const requests = [
    ...services.flatMap((s) => rowRequests(`node:${s.name}`, s.references)),
    ...dependencies.flatMap(({ service, dependencies: list }) =>
      list.flatMap((d, i) => rowRequests(`edge:${service.name}:${i}`, d.references)),
    ),
  ];
  const fetched = await fetchMetrics(deps.cloudwatch, requests, window);

  const nodes = new Map<string, ServiceNode>(
    services.map((s) => [s.name, { name: s.name, kind: 'service', totals: rowTotals(fetched, `node:${s.name}`) }]),
  );
  const edges = new Map<string, { from: string; to: string; totals: typeof EMPTY_TOTALS }>();
  const called = new Set<string>();
  for (const { service, dependencies: list } of dependencies) {
    list.forEach((dependency, i) => {
      if (dependency.operation === 'InternalOperation') return; // start-up work, not requests
      const key = `${service.name}->${dependency.remoteService}`;
      const current = edges.get(key) ?? { from: service.name, to: dependency.remoteService, totals: EMPTY_TOTALS };
      edges.set(key, {
        ...current,
        totals: addTotals(current.totals, rowTotals(fetched, `edge:${service.name}:${i}`)),
      });
      called.add(dependency.remoteService);
      if (!nodes.has(dependency.remoteService))
        nodes.set(dependency.remoteService, { name: dependency.remoteService, kind: 'remote', totals: EMPTY_TOTALS });
    });
  }
  // What nothing else calls is called by the clients (the traffic generator, bursts, browsers).
  for (const node of [...nodes.values()]) {
    if (node.kind === 'service' && !called.has(node.name))
      edges.set(`clients->${node.name}`, { from: 'clients', to: node.name, totals: node.totals });
  }
  for (const node of nodes.values()) {
    if (node.kind === 'remote')
      node.totals = [...edges.values()]
        .filter((e) => e.to === node.name)
        .reduce((t, e) => addTotals(t, e.totals), EMPTY_TOTALS);
  }
  return {
    window,
    refreshSeconds: Math.max(10, deps.basePeriod),
    nodes: [{ name: 'clients', kind: 'client', totals: EMPTY_TOTALS }, ...nodes.values()],
    edges: [...edges.values()],
    cost: { calls: fetched.calls, metrics: fetched.metrics },
  };
}

/** One service's operations and dependencies over a window, with their numbers. */
export async function serviceDetail(
  deps: {
    cloudwatch: CloudWatchClient;
    discovery: Discovery;
    tracesLink: (service: string, window: TimeWindow) => string | null;
  },
  request: { service: string; from: number; to: number },
): Promise<ServiceDetail | undefined> {
  const service = await deps.discovery.service(request.service);
  if (!service) return undefined;
  const window = minuteWindow(request.from, request.to);
  const [operations, dependencies] = await Promise.all([
    deps.discovery.operations(service),
    deps.discovery.dependencies(service),
  ]);
  const fetched = await fetchMetrics(
    deps.cloudwatch,
    [
      ...operations.flatMap((o, i) => rowRequests(`op:${i}`, o.references)),
      ...dependencies.flatMap((d, i) => rowRequests(`dep:${i}`, d.references)),
    ],
    window,
  );
  const operationRows: OperationRow[] = operations.map((o, i) => ({
    operation: o.name,
    totals: rowTotals(fetched, `op:${i}`),
  }));
  const dependencyRows: DependencyRow[] = dependencies.map((d, i) => ({
    operation: d.operation,
    remoteService: d.remoteService,
    remoteOperation: d.remoteOperation,
    resource: d.resource,
    totals: rowTotals(fetched, `dep:${i}`),
  }));
  return {
    service: service.name,
    window,
    operations: operationRows,
    dependencies: dependencyRows,
    tracesLink: deps.tracesLink(service.name, window),
  };
}
