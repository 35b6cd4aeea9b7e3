import type { CoreV1Event, V1Deployment, V1Namespace, V1Pod, V1ReplicaSet, V1Service } from '@kubernetes/client-node';

/**
 * Server-side printing, as the API server does it for `kubectl get`: asked with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`, a list or object of a kind the API
 * server prints comes back as a `meta.k8s.io/v1` Table with the kind's real columns (priority 1
 * columns are the ones `-o wide` adds). Kinds without columns here are answered as plain JSON,
 * which kubectl prints as NAME and AGE.
 */

interface Column {
  name: string;
  type: 'string' | 'integer';
  format?: 'name';
  description: string;
  priority?: 1;
}

type Cell = string | number;
type Object_ = { metadata?: Record<string, unknown> & { creationTimestamp?: Date | string } };

interface Printer<T> {
  columns: Column[];
  cells: (object: T, age: string) => Cell[];
}

/** `kubectl`'s HumanDuration: 45s, 3m20s, 25m, 5h12m, 30h, 6d4h, 45d, 3y20d, 12y. */
export function humanDuration(seconds: number): string {
  // Go's int(d.Seconds()) truncates towards zero; up to a second ahead counts as now (clock skew).
  const s = Math.trunc(seconds);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 10) return s % 60 === 0 ? `${minutes}m` : `${minutes}m${s % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (years < 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${years}y`;
}

const name: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
};
const age: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

/** What `-o wide` adds for a kind with a pod template (Deployments, ReplicaSets). */
const TEMPLATE_COLUMNS: Column[] = [
  { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.' },
  { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.' },
  { name: 'Selector', type: 'string', priority: 1, description: 'Label selector for pods.' },
];

function templateCells(
  containers: { name: string; image?: string }[],
  selector: Record<string, string> | undefined,
): Cell[] {
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image ?? '').join(','), labels(selector)];
}

const deployments: Printer<V1Deployment> = {
  columns: [
    name,
    { name: 'Ready', type: 'string', description: 'Number of the pod with ready state' },
    {
      name: 'Up-to-date',
      type: 'integer',
      description:
        'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    },
    {
      name: 'Available',
      type: 'integer',
      description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    },
    age,
    ...TEMPLATE_COLUMNS,
  ],
  cells: (d, shown) => {
    const containers = d.spec?.template.spec?.containers ?? [];
    return [
      d.metadata?.name ?? '',
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      shown,
      ...templateCells(containers, d.spec?.selector.matchLabels),
    ];
  },
};

const pods: Printer<V1Pod> = {
  columns: [
    name,
    { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.' },
    { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.' },
    {
      name: 'Restarts',
      type: 'string',
      description:
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    },
    age,
    {
      name: 'IP',
      type: 'string',
      priority: 1,
      description: 'IP address allocated to the pod. Routable at least within the cluster.',
    },
    {
      name: 'Node',
      type: 'string',
      priority: 1,
      description: 'NodeName is a request to schedule this pod onto a specific node.',
    },
    {
      name: 'Nominated Node',
      type: 'string',
      priority: 1,
      description: 'nominatedNodeName is set only when this pod preempts other pods on the node.',
    },
    {
      name: 'Readiness Gates',
      type: 'string',
      priority: 1,
      description: 'If specified, all readiness gates will be evaluated for pod readiness.',
    },
  ],
  cells: (p, shown) => {
    const statuses = p.status?.containerStatuses ?? [];
    const ready = statuses.filter((c) => c.ready).length;
    const total = p.spec?.containers.length ?? statuses.length;
    const waiting = statuses.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
    const status = p.metadata?.deletionTimestamp ? 'Terminating' : (waiting ?? p.status?.phase ?? 'Unknown');
    return [
      p.metadata?.name ?? '',
      `${ready}/${total}`,
      status,
      String(statuses.reduce((sum, c) => sum + c.restartCount, 0)),
      shown,
      p.status?.podIP ?? '<none>',
      p.spec?.nodeName ?? '<none>',
      '<none>',
      '<none>',
    ];
  },
};

const services: Printer<V1Service> = {
  columns: [
    name,
    { name: 'Type', type: 'string', description: 'type determines how the Service is exposed.' },
    {
      name: 'Cluster-IP',
      type: 'string',
      description: 'clusterIP is the IP address of the service and is usually assigned randomly.',
    },
    {
      name: 'External-IP',
      type: 'string',
      description:
        'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    },
    { name: 'Port(s)', type: 'string', description: 'The list of ports that are exposed by this service.' },
    age,
    {
      name: 'Selector',
      type: 'string',
      priority: 1,
      description: 'Route service traffic to pods with label keys and values matching this selector.',
    },
  ],
  cells: (s, shown) => {
    const type = s.spec?.type ?? 'ClusterIP';
    const ingress = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
    const external = ingress.length > 0 ? ingress.join(',') : type === 'LoadBalancer' ? '<pending>' : '<none>';
    const ports = (s.spec?.ports ?? [])
      .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
      .join(',');
    return [
      s.metadata?.name ?? '',
      type,
      s.spec?.clusterIP ?? '<none>',
      external,
      ports || '<none>',
      shown,
      labels(s.spec?.selector),
    ];
  },
};

const namespaces: Printer<V1Namespace> = {
  columns: [name, { name: 'Status', type: 'string', description: 'The status of the namespace' }, age],
  cells: (n, shown) => [n.metadata?.name ?? '', n.status?.phase ?? 'Active', shown],
};

const replicaSets: Printer<V1ReplicaSet> = {
  columns: [
    name,
    { name: 'Desired', type: 'integer', description: 'Number of desired pods.' },
    { name: 'Current', type: 'integer', description: 'Number of actual replicas.' },
    { name: 'Ready', type: 'integer', description: 'The number of ready replicas for this replica set.' },
    age,
    ...TEMPLATE_COLUMNS,
  ],
  cells: (rs, shown) => {
    const containers = rs.spec?.template?.spec?.containers ?? [];
    return [
      rs.metadata?.name ?? '',
      rs.spec?.replicas ?? 0,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      shown,
      ...templateCells(containers, rs.spec?.selector.matchLabels),
    ];
  },
};

const events: Printer<CoreV1Event> = {
  columns: [
    {
      name: 'Last Seen',
      type: 'string',
      description: 'The time at which the most recent occurrence of this event was recorded.',
    },
    {
      name: 'Type',
      type: 'string',
      description: 'Type of this event (Normal, Warning), new types could be added in the future.',
    },
    {
      name: 'Reason',
      type: 'string',
      description:
        "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    },
    { name: 'Object', type: 'string', description: 'The object that this event is about.' },
    {
      name: 'Subobject',
      type: 'string',
      priority: 1,
      description: 'The field path of the object this event is about.',
    },
    { name: 'Source', type: 'string', priority: 1, description: 'The component reporting this event.' },
    { name: 'Message', type: 'string', description: 'A human-readable description of the status of this operation.' },
    { name: 'First Seen', type: 'string', priority: 1, description: 'The time at which the event was first recorded.' },
    { name: 'Count', type: 'integer', priority: 1, description: 'The number of times this event has occurred.' },
    {
      name: 'Name',
      type: 'string',
      priority: 1,
      format: 'name',
      description: 'Name must be unique within a namespace.',
    },
  ],
  cells: (e, shown) => [
    shown,
    e.type ?? '',
    e.reason ?? '',
    `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name ?? ''}`,
    e.involvedObject.fieldPath ?? '',
    e.source?.component ?? '',
    e.message ?? '',
    shown,
    e.count ?? 1,
    e.metadata.name ?? '',
  ],
};

const PRINTERS: Record<string, Printer<never>> = {
  Deployment: deployments,
  ReplicaSet: replicaSets,
  Event: events,
  Pod: pods,
  Service: services,
  Namespace: namespaces,
};

function labels(selector: Record<string, string> | undefined): string {
  const pairs = Object.entries(selector ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? pairs.join(',') : '<none>';
}

/** Whether the client asked for a Table (kubectl's human-readable `get` does). */
export function wantsTable(accept: string | undefined): boolean {
  return /(^|[,;\s])as=Table(;|,|$)/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '');
}

/**
 * The Table for a list (`<Kind>List`) or one object of a printed kind, or undefined when the body
 * is of another kind (the caller then answers it as it is).
 */
export function toTable(body: unknown, nowMs = Date.now()): unknown {
  if (typeof body !== 'object' || body === null || !('kind' in body)) return undefined;
  const kind = String(body.kind);
  const isList = kind.endsWith('List') && 'items' in body && Array.isArray(body.items);
  const printer = PRINTERS[isList ? kind.slice(0, -'List'.length) : kind];
  if (!printer) return undefined;
  const objects = (isList ? (body as { items: unknown[] }).items : [body]) as Object_[];
  const resourceVersion = (body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: resourceVersion ? { resourceVersion } : {},
    columnDefinitions: printer.columns.map((c) => ({ priority: 0, format: '', ...c })),
    rows: objects.map((object) => {
      const created = object.metadata?.creationTimestamp;
      const shown = created ? humanDuration((nowMs - new Date(created).getTime()) / 1000) : '<unknown>';
      return {
        cells: (printer.cells as (o: Object_, a: string) => Cell[])(object, shown),
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata ?? {} },
      };
    }),
  };
}
