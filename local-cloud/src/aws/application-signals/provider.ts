/**
 * Application Signals, the discovery calls the console makes: ListServices, GetService,
 * ListServiceOperations, ListServiceDependencies, StartDiscovery. Everything is derived from the metric series
 * local-cloud holds, so a service "exists" in a window when it has datapoints in it.
 *
 * SLOs are in slos.ts, change events (ListServiceStates, ListEntityEvents) in change-events.ts,
 * ListAuditFindings (a documented local approximation) in audit-findings.ts.
 *
 * LIMITATIONS: times are rounded to whole hours like the real API, but "seen in the window" uses a
 * series' first and last datapoint; no linked accounts, no service groups, no log group
 * references, no ListServiceDependents. StartDiscovery answers and does nothing
 * (discovery is always on).
 */
import type {
  GetServiceOutput,
  ListServiceDependenciesOutput,
  ListServiceOperationsOutput,
  ListServicesOutput,
  MetricReference,
  ServiceSummary,
  StartDiscoveryOutput,
} from '@aws-sdk/client-application-signals';
import { validationError } from '../errors';
import { wireTimeToSeconds } from '../json-protocol';
import type { RestRequest, RestService } from '../rest-protocol';
import { page } from './paging';
import { sloRoutes, type SloStore } from './slos';
import { changeEventRoutes, type ChangeEventLog } from './change-events';
import { auditFindingRoutes } from './audit-findings';
import {
  METRIC_NAMES,
  NAMESPACE,
  type Dimensions,
  type MetricStore,
  type SeriesInfo,
} from '../../telemetry/metric-store';

const METRIC_TYPES = { Latency: 'LATENCY', Fault: 'FAULT', Error: 'ERROR' } as const;

/**
 * The series' metrics as Application Signals references them: dimensions sorted by name
 * (Environment, Operation, RemoteEnvironment, RemoteOperation, RemoteService, Service), as in the
 * AWS CLI's examples of get-service, list-service-operations and list-service-dependencies.
 * ListMetrics keeps the order they were emitted in instead (span-metrics.ts).
 */
export function metricReferences(dimensions: Dimensions): MetricReference[] {
  const ordered = Object.keys(dimensions)
    .sort()
    .map((Name) => ({ Name, Value: dimensions[Name] }));
  return METRIC_NAMES.map((name) => ({
    Namespace: NAMESPACE,
    MetricType: METRIC_TYPES[name],
    MetricName: name,
    Dimensions: ordered,
  }));
}

function hasExactly(dimensions: Dimensions, names: string[]): boolean {
  const keys = Object.keys(dimensions);
  return keys.length === names.length && names.every((name) => name in dimensions);
}

interface Window {
  startSecond: number;
  endSecond: number;
  StartTime: Date;
  EndTime: Date;
}

/** StartTime and EndTime are required and rounded to whole hours, and echoed back rounded. */
function windowOf(query: URLSearchParams): Window {
  const start = query.get('StartTime');
  const end = query.get('EndTime');
  if (!start || !end) throw validationError('StartTime and EndTime are required.');
  const startSecond = Math.floor(wireTimeToSeconds(start) / 3600) * 3600;
  const endSecond = Math.ceil(wireTimeToSeconds(end) / 3600) * 3600;
  if (Number.isNaN(startSecond) || Number.isNaN(endSecond))
    throw validationError('StartTime and EndTime must be timestamps.');
  if (endSecond <= startSecond) throw validationError('EndTime must be after StartTime.');
  return { startSecond, endSecond, StartTime: new Date(startSecond * 1000), EndTime: new Date(endSecond * 1000) };
}

interface KeyAttributes {
  Type: string;
  Name: string;
  Environment: string;
}

function keyAttributesOf(body: unknown): KeyAttributes {
  const attributes = (body as { KeyAttributes?: Record<string, string> } | undefined)?.KeyAttributes;
  if (!attributes?.Type || !attributes.Name || !attributes.Environment) {
    throw validationError('KeyAttributes must include Type, Name and Environment.');
  }
  return { Type: attributes.Type, Name: attributes.Name, Environment: attributes.Environment };
}

export function applicationSignalsService(
  metrics: MetricStore,
  slos?: { store: SloStore; region: string },
  /** What local-cloud changed (rollouts, parameter writes): ListServiceStates and ListEntityEvents. */
  changes?: ChangeEventLog,
): RestService {
  const latencySeries = (window: Window): SeriesInfo[] =>
    metrics.list(window.startSecond, window.endSecond).filter((series) => series.metricName === 'Latency');

  const summaries = (window: Window): ServiceSummary[] =>
    latencySeries(window)
      .filter((series) => hasExactly(series.dimensions, ['Environment', 'Service']))
      .map(({ dimensions }) => ({
        KeyAttributes: { Type: 'Service', Name: dimensions.Service ?? '', Environment: dimensions.Environment ?? '' },
        AttributeMaps: [
          { PlatformType: 'Generic', 'K8s.Workload': dimensions.Service ?? '', 'Telemetry.Source': 'local-cloud' },
        ],
        MetricReferences: metricReferences(dimensions),
      }))
      .sort((a, b) => (a.KeyAttributes?.Name ?? '').localeCompare(b.KeyAttributes?.Name ?? ''));

  const findService = (window: Window, key: KeyAttributes): ServiceSummary => {
    const found = summaries(window).find(
      (summary) =>
        summary.KeyAttributes?.Name === key.Name &&
        summary.KeyAttributes.Environment === key.Environment &&
        key.Type === 'Service',
    );
    // The model declares only ValidationException and ThrottlingException for GetService.
    if (!found) throw validationError(`Service ${key.Name} in ${key.Environment} has no data between the given times.`);
    return found;
  };

  const of = (series: SeriesInfo, key: KeyAttributes) =>
    series.dimensions.Service === key.Name && series.dimensions.Environment === key.Environment;

  return {
    name: 'application-signals',
    routes: [
      ...(slos ? sloRoutes(slos.store, metrics, slos.region) : []),
      ...(changes ? changeEventRoutes(changes) : []),
      ...auditFindingRoutes(metrics),
      {
        // Script 3 calls it once per account (it creates the service-linked role on AWS); here
        // discovery is always on, so there is nothing to do.
        method: 'POST',
        path: '/start-discovery',
        operation: 'StartDiscovery',
        handler: (): StartDiscoveryOutput => ({}),
      },
      {
        method: 'GET',
        path: '/services',
        operation: 'ListServices',
        handler: ({ query }: RestRequest): ListServicesOutput => {
          const window = windowOf(query);
          const { items, NextToken } = page(summaries(window), query);
          return {
            StartTime: window.StartTime,
            EndTime: window.EndTime,
            ServiceSummaries: items,
            ...(NextToken ? { NextToken } : {}),
          };
        },
      },
      {
        method: 'POST',
        path: '/service',
        operation: 'GetService',
        handler: ({ query, body }: RestRequest): GetServiceOutput => {
          const window = windowOf(query);
          const service = findService(window, keyAttributesOf(body));
          return {
            Service: { ...service, LogGroupReferences: [] },
            StartTime: window.StartTime,
            EndTime: window.EndTime,
            LogGroupReferences: [],
          };
        },
      },
      {
        method: 'POST',
        path: '/service-operations',
        operation: 'ListServiceOperations',
        handler: ({ query, body }: RestRequest): ListServiceOperationsOutput => {
          const window = windowOf(query);
          const key = keyAttributesOf(body);
          const operations = latencySeries(window)
            .filter(
              (series) => of(series, key) && hasExactly(series.dimensions, ['Environment', 'Service', 'Operation']),
            )
            .map(({ dimensions }) => ({ Name: dimensions.Operation, MetricReferences: metricReferences(dimensions) }))
            .sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? ''));
          const { items, NextToken } = page(operations, query);
          return {
            StartTime: window.StartTime,
            EndTime: window.EndTime,
            ServiceOperations: items,
            ...(NextToken ? { NextToken } : {}),
          };
        },
      },
      {
        method: 'POST',
        path: '/service-dependencies',
        operation: 'ListServiceDependencies',
        handler: ({ query, body }: RestRequest): ListServiceDependenciesOutput => {
          const window = windowOf(query);
          const key = keyAttributesOf(body);
          const known = new Set(summaries(window).map((summary) => summary.KeyAttributes?.Name));
          const withOperation = latencySeries(window).filter(
            (series) => of(series, key) && 'Operation' in series.dimensions && 'RemoteOperation' in series.dimensions,
          );
          // One dependency per (operation, remote, remote operation), with its most specific set:
          // a database call with its resource, a call to a workload with RemoteEnvironment.
          const specific = new Map<string, SeriesInfo>();
          for (const series of withOperation) {
            const id = `${series.dimensions.Operation}|${series.dimensions.RemoteService}|${series.dimensions.RemoteOperation}`;
            const held = specific.get(id);
            if (!held || Object.keys(series.dimensions).length > Object.keys(held.dimensions).length)
              specific.set(id, series);
          }
          const dependencies = [...specific.values()]
            .map(({ dimensions }) => {
              const remote = dimensions.RemoteService ?? '';
              const type = known.has(remote)
                ? 'Service'
                : remote.startsWith('AWS::')
                  ? 'AWS::Service'
                  : 'RemoteService';
              return {
                OperationName: dimensions.Operation,
                DependencyKeyAttributes: {
                  Type: type,
                  Name: remote,
                  ...(type === 'AWS::Service' ? {} : { Environment: key.Environment }),
                },
                DependencyOperationName: dimensions.RemoteOperation,
                MetricReferences: metricReferences(dimensions),
              };
            })
            .sort((a, b) =>
              `${a.OperationName} ${a.DependencyKeyAttributes.Name}`.localeCompare(
                `${b.OperationName} ${b.DependencyKeyAttributes.Name}`,
              ),
            );
          const { items, NextToken } = page(dependencies, query);
          return {
            StartTime: window.StartTime,
            EndTime: window.EndTime,
            ServiceDependencies: items,
            ...(NextToken ? { NextToken } : {}),
          };
        },
      },
    ],
  };
}
