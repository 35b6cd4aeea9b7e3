import type { Dimensions, MetricName } from './metric-store';
import { SpanKind, StatusCode, type AttributeValue, type Span } from './otlp';

/**
 * How Application Signals turns spans into metrics, as the CloudWatch agent does for EKS:
 * server spans give service- and operation-level Latency, Fault and Error; client spans give
 * dependency metrics keyed by RemoteService / RemoteOperation (and, for databases, the resource).
 * Attribute names cover both the old and the stable OpenTelemetry semantic conventions.
 */

export const INTERNAL_OPERATION = 'InternalOperation';

export interface Observation {
  dimensions: Dimensions[];
  latencyMs: number;
  fault: 0 | 1;
  error: 0 | 1;
  timeMs: number;
}

export interface SpanMetricsOptions {
  /** `local:<prefix>` here, `eks:<cluster>/<namespace>` on EKS. */
  environment: string;
  /** The workload listening at host:port (local-cloud's stable ports), if it is one of ours. */
  serviceAt(host: string, port: number | undefined): string | undefined;
}

function text(value: AttributeValue): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function num(value: AttributeValue): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function first(span: Span, ...names: string[]): AttributeValue {
  for (const name of names) if (span.attributes[name] !== undefined) return span.attributes[name];
  return undefined;
}

export function httpStatusOf(span: Span): number | undefined {
  return num(first(span, 'http.response.status_code', 'http.status_code'));
}

function methodOf(span: Span): string | undefined {
  return text(first(span, 'http.request.method', 'http.method'));
}

/** `/api/orders/42` -> `/api`: what Application Signals uses when no route is known. */
function firstSegment(path: string | undefined): string {
  const segment = (path ?? '/').split('?')[0]?.split('/').find(Boolean);
  return segment ? `/${segment}` : '/';
}

function urlPath(span: Span): string | undefined {
  const target = text(first(span, 'url.path', 'http.target'));
  if (target) return target;
  const full = text(first(span, 'url.full', 'http.url'));
  if (!full) return undefined;
  try {
    return new URL(full).pathname;
  } catch {
    return undefined;
  }
}

/** What Application Signals' processors call an operation they cannot name. */
export const UNKNOWN_OPERATION = 'UnknownOperation';
/** Route-less operations (named from the path) one service may have before the rest are Unknown. */
export const MAX_PATH_OPERATIONS = 25;

/**
 * Server spans' operations: `POST /api/orders` (method and route). A span without a route (a 404,
 * say) is named from its path's first segment, as Application Signals does; each service gets at
 * most MAX_PATH_OPERATIONS such names, and later ones are UNKNOWN_OPERATION. Without the bound,
 * requests to distinct unknown paths would each create a new series until the store is full.
 */
export class OperationNames {
  private readonly fromPaths = new Map<string, Set<string>>();

  constructor(private readonly maxPathOperations = MAX_PATH_OPERATIONS) {}

  of(span: Span): string {
    const method = methodOf(span);
    if (!method) return span.name || INTERNAL_OPERATION;
    const route = text(span.attributes['http.route']);
    if (route) return `${method} ${route}`;
    const name = `${method} ${firstSegment(urlPath(span))}`;
    let names = this.fromPaths.get(span.service);
    if (!names) this.fromPaths.set(span.service, (names = new Set()));
    if (names.has(name)) return name;
    if (names.size >= this.maxPathOperations) return UNKNOWN_OPERATION;
    names.add(name);
    return name;
  }
}

export function isFault(span: Span): boolean {
  const status = httpStatusOf(span);
  if (status !== undefined) return status >= 500;
  return span.statusCode === StatusCode.ERROR;
}

export function isError(span: Span): boolean {
  const status = httpStatusOf(span);
  return status !== undefined && status >= 400 && status < 500;
}

interface Remote {
  service: string;
  operation: string;
  /** Set when the remote is a workload of the same platform (another Deployment here). */
  workload?: { environment: string };
  resourceType?: string;
  resourceIdentifier?: string;
}

/** Application Signals escapes its separators inside identifier parts. */
function identifierPart(value: string): string {
  return value.replace(/\^/g, '^^').replace(/\|/g, '^|');
}

function remoteOf(span: Span, options: SpanMetricsOptions): Remote {
  if (span.attributes['rpc.system'] === 'aws-api') {
    return {
      service: `AWS::${text(span.attributes['rpc.service']) ?? 'Unknown'}`,
      operation: text(span.attributes['rpc.method']) ?? 'UnknownRemoteOperation',
    };
  }
  const dbSystem = text(first(span, 'db.system.name', 'db.system'));
  if (dbSystem) {
    const statement = text(first(span, 'db.query.text', 'db.statement'));
    const operation =
      text(first(span, 'db.operation.name', 'db.operation')) ??
      statement?.trim().split(/\s+/)[0]?.toUpperCase() ??
      'UnknownRemoteOperation';
    const database = text(first(span, 'db.namespace', 'db.name')) ?? '';
    const host = text(first(span, 'server.address', 'net.peer.name')) ?? '';
    const port = num(first(span, 'server.port', 'net.peer.port'));
    return {
      service: dbSystem,
      operation,
      resourceType: 'DB::Connection',
      resourceIdentifier: [database, host, port === undefined ? '' : String(port)].map(identifierPart).join('|'),
    };
  }
  const method = methodOf(span);
  if (method) {
    let host = text(first(span, 'server.address', 'net.peer.name'));
    let port = num(first(span, 'server.port', 'net.peer.port'));
    const full = text(first(span, 'url.full', 'http.url'));
    if (!host && full) {
      try {
        const url = new URL(full);
        host = url.hostname;
        port = url.port ? Number(url.port) : undefined;
      } catch {
        // leave the host unknown
      }
    }
    const workload = host ? options.serviceAt(host, port) : undefined;
    const service = workload ?? (host ? (port ? `${host}:${port}` : host) : 'UnknownRemoteService');
    return {
      service,
      operation: `${method} ${firstSegment(urlPath(span))}`,
      ...(workload ? { workload: { environment: options.environment } } : {}),
    };
  }
  return { service: 'UnknownRemoteService', operation: 'UnknownRemoteOperation' };
}

/**
 * The dimension sets a server span is counted under, each in the order AWS's EKS metric templates
 * list them (aws-application-signals-test-framework, expected-data-template/<language>/eks).
 */
export function serverDimensions(environment: string, service: string, operation: string): Dimensions[] {
  return [
    { Service: service, Environment: environment },
    { Operation: operation, Service: service, Environment: environment },
  ];
}

/**
 * The dimension sets a client span is counted under, in AWS's order: a call to another workload
 * of the same platform also under RemoteEnvironment and under RemoteService alone; a database
 * call also with its resource (never with Operation but without RemoteOperation).
 */
export function dependencyDimensions(
  environment: string,
  service: string,
  operation: string,
  remote: Remote,
): Dimensions[] {
  const sets: Dimensions[] = [
    {
      Operation: operation,
      Service: service,
      Environment: environment,
      RemoteOperation: remote.operation,
      RemoteService: remote.service,
    },
    { Service: service, Environment: environment, RemoteService: remote.service },
    { Service: service, Environment: environment, RemoteOperation: remote.operation, RemoteService: remote.service },
  ];
  if (remote.workload) {
    const remoteEnvironment = remote.workload.environment;
    sets.push(
      { RemoteService: remote.service },
      {
        Environment: environment,
        RemoteEnvironment: remoteEnvironment,
        RemoteService: remote.service,
        Service: service,
      },
      {
        Environment: environment,
        RemoteEnvironment: remoteEnvironment,
        RemoteOperation: remote.operation,
        RemoteService: remote.service,
        Service: service,
      },
      {
        Environment: environment,
        RemoteEnvironment: remoteEnvironment,
        Operation: operation,
        RemoteOperation: remote.operation,
        RemoteService: remote.service,
        Service: service,
      },
    );
  }
  if (remote.resourceType && remote.resourceIdentifier !== undefined) {
    const resource = { RemoteResourceType: remote.resourceType, RemoteResourceIdentifier: remote.resourceIdentifier };
    sets.push(
      { Service: service, Environment: environment, RemoteService: remote.service, ...resource },
      {
        Operation: operation,
        Service: service,
        Environment: environment,
        RemoteOperation: remote.operation,
        RemoteService: remote.service,
        ...resource,
      },
      {
        Service: service,
        Environment: environment,
        RemoteOperation: remote.operation,
        RemoteService: remote.service,
        ...resource,
      },
    );
  }
  return sets;
}

/**
 * The observation a span contributes, or undefined when it contributes none (internal spans, and
 * a client span nested in another client span, such as the HTTP call under an AWS SDK call).
 * `localOperation` is a server span's own operation, or the one a client span ran under.
 */
export function observe(
  span: Span,
  localOperation: string,
  parent: Span | undefined,
  options: SpanMetricsOptions,
): Observation | undefined {
  const base = {
    latencyMs: Math.max(0, span.endMs - span.startMs),
    fault: isFault(span) ? (1 as const) : (0 as const),
    error: isError(span) ? (1 as const) : (0 as const),
    timeMs: span.endMs,
  };
  if (span.kind === SpanKind.SERVER) {
    return { ...base, dimensions: serverDimensions(options.environment, span.service, localOperation) };
  }
  if (span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER) {
    if (
      parent &&
      parent.service === span.service &&
      (parent.kind === SpanKind.CLIENT || parent.kind === SpanKind.PRODUCER)
    )
      return undefined;
    return {
      ...base,
      dimensions: dependencyDimensions(options.environment, span.service, localOperation, remoteOf(span, options)),
    };
  }
  return undefined;
}

export function metricValues(observation: Observation): [MetricName, number][] {
  return [
    ['Latency', observation.latencyMs],
    ['Fault', observation.fault],
    ['Error', observation.error],
  ];
}
