/** What the signals routes answer; the same structure whether the target is local-cloud or AWS. */

export interface TimeWindow {
  /** Epoch milliseconds. */
  from: number;
  to: number;
  periodSeconds: number;
}

export interface SeriesPoint {
  /** Start of the period, epoch ms. */
  t: number;
  p50: number | null;
  p99: number | null;
  avg: number | null;
  requests: number;
  faults: number;
  errors: number;
  /** Faults / requests, 0..1 (null without requests). */
  faultRate: number | null;
  errorRate: number | null;
}

export interface Totals {
  requests: number;
  faults: number;
  errors: number;
  faultRate: number | null;
  errorRate: number | null;
  /** The highest period p99 in the window. */
  p99: number | null;
}

export interface Freshness {
  /** Start of the newest period with data, epoch ms. */
  lastDatapoint: number | null;
  /** Seconds since that period ended. */
  ageSeconds: number | null;
  /** How far behind real time the target publishes metrics (shaded on the charts). */
  publishLagSeconds: number;
}

export type MarkerKind =
  | 'burst-start'
  | 'burst-end'
  | 'inject-requested'
  | 'rollout-complete'
  | 'verified'
  | 'restore-requested'
  | 'restored'
  | 'order'
  /** Application Signals' own change events (ListEntityEvents) for the charted service. */
  | 'deployment'
  | 'configuration';

export interface Marker {
  t: number;
  kind: MarkerKind;
  label: string;
  /** Shown on hover. */
  detail: string;
}

export interface ChartView {
  service: string;
  operation: string | null;
  window: TimeWindow;
  points: SeriesPoint[];
  totals: Totals;
  freshness: Freshness;
  markers: Marker[];
  /** GetMetricData calls and metrics this answer cost (what a refresh costs on AWS). */
  cost: { calls: number; metrics: number };
}

export interface Discovery {
  environment: string;
  services: { name: string; operations: string[] }[];
}

export interface ServiceNode {
  name: string;
  kind: 'service' | 'remote' | 'client';
  totals: Totals;
}

export interface Edge {
  from: string;
  to: string;
  totals: Totals;
}

export interface ServiceMap {
  window: TimeWindow;
  /** How often it is worth asking again: the target's metric period, at least 10 s. */
  refreshSeconds: number;
  nodes: ServiceNode[];
  edges: Edge[];
  cost: { calls: number; metrics: number };
}

export interface OperationRow {
  operation: string;
  totals: Totals;
}

export interface DependencyRow {
  operation: string;
  remoteService: string;
  remoteOperation: string;
  resource: string | null;
  totals: Totals;
}

export interface ServiceDetail {
  service: string;
  window: TimeWindow;
  operations: OperationRow[];
  dependencies: DependencyRow[];
  /** AWS: where to look at traces for this service and window. */
  tracesLink: string | null;
}

export type { TraceSummary } from '@demo/contracts';

export interface TraceSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  service: string;
  statusCode: number;
  attributes: Record<string, unknown>;
}

export interface SloRow {
  name: string;
  arn: string;
  objective: string;
  status: 'OK' | 'WARNING' | 'BREACHED' | 'INSUFFICIENT_DATA' | 'UNKNOWN';
  attainment: number | null;
  goal: number | null;
  totalBudgetSeconds: number | null;
  budgetSecondsRemaining: number | null;
}
