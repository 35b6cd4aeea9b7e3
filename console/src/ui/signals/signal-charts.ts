import type { Snapshot } from '../../shared/bursts';
import type { ChartView, Marker as SignalMarker } from '../../shared/signals';
import type { Marker, Series } from '../charts/chart.types';

/** One chart of the signals panel, as data: the generic LineChart draws every one. */
export interface SignalChart {
  title: string;
  testId: string;
  series: Series[];
}

export type SignalRow = Record<string, number | null> & { t: number };

const MARKER_COLOURS: Record<SignalMarker['kind'], string> = {
  'burst-start': '#2563eb',
  'burst-end': '#2563eb',
  'inject-requested': '#dc2626',
  'rollout-complete': '#f97316',
  verified: '#b91c1c',
  'restore-requested': '#059669',
  restored: '#047857',
  order: '#64748b',
  deployment: '#7c3aed',
  configuration: '#a855f7',
};

/** Latency, fault and error rate, counts, volume; the client-side burst lines only while there are some. */
export function signalCharts(withClient: boolean): SignalChart[] {
  return [
    {
      title: 'Latency (ms)',
      testId: 'chart-latency',
      series: [
        { key: 'p50', name: 'p50', color: '#2563eb' },
        { key: 'p99', name: 'p99', color: '#7c3aed' },
        { key: 'avg', name: 'average', color: '#94a3b8' },
        ...(withClient ? [{ key: 'clientP99', name: 'client p99 (burst)', color: '#f59e0b', dashed: true }] : []),
      ],
    },
    {
      title: 'Fault and Error rate (%)',
      testId: 'chart-fault-rate',
      series: [
        { key: 'faultRate', name: 'Fault % (5xx)', color: '#dc2626' },
        { key: 'errorRate', name: 'Error % (4xx)', color: '#f59e0b' },
        ...(withClient
          ? [{ key: 'clientErrorRate', name: 'client errors % (burst)', color: '#b91c1c', dashed: true }]
          : []),
      ],
    },
    {
      title: 'Faults and Errors (count per period)',
      testId: 'chart-fault-count',
      series: [
        { key: 'faults', name: 'Faults', color: '#dc2626' },
        { key: 'errors', name: 'Errors', color: '#f59e0b' },
      ],
    },
    {
      title: 'Requests (per period)',
      testId: 'chart-requests',
      series: [{ key: 'requests', name: 'requests', color: '#0f766e' }],
    },
  ];
}

/**
 * A burst's client-side numbers bucketed to the chart's periods (keyed by period start): the worst
 * p99, and the share of answers that were 5xx, timeouts or failures. The share is of the answers
 * that arrived in the bucket, not of the requests sent in it: during a stall, answers to earlier
 * sends arrive while nothing new goes out, and a share of sends would read above 100 %.
 */
export function clientSeries(
  snapshots: readonly Snapshot[],
  periodMs: number,
): Map<number, { p99: number; errorRate: number | null }> {
  const buckets = new Map<number, { p99: number; answered: number; bad: number }>();
  for (const s of snapshots) {
    // Snapshot `at` closes the second it covers, so the second began 1 s earlier.
    const t = Math.floor((new Date(s.at).getTime() - 1000) / periodMs) * periodMs;
    const bucket = buckets.get(t) ?? { p99: 0, answered: 0, bad: 0 };
    bucket.p99 = Math.max(bucket.p99, s.latency.p99);
    const bad = s.serverErrors + s.timeouts + s.failures;
    bucket.answered += s.ok + s.clientErrors + bad;
    bucket.bad += bad;
    buckets.set(t, bucket);
  }
  return new Map(
    [...buckets].map(([t, b]) => [t, { p99: b.p99, errorRate: b.answered > 0 ? (b.bad / b.answered) * 100 : null }]),
  );
}

const oneDecimal = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

/** The rows every chart reads: server-side points with the burst's client-side numbers beside them. */
export function signalRows(view: ChartView, snapshots: readonly Snapshot[]): SignalRow[] {
  const client = clientSeries(snapshots, view.window.periodSeconds * 1000);
  return view.points.map((p) => ({
    t: p.t,
    p50: p.p50,
    p99: p.p99,
    avg: oneDecimal(p.avg),
    requests: p.requests,
    faults: p.faults,
    errors: p.errors,
    faultRate: percent(p.faultRate),
    errorRate: percent(p.errorRate),
    clientP99: client.get(p.t)?.p99 ?? null,
    clientErrorRate: client.get(p.t)?.errorRate ?? null,
  }));
}

/** The console's own actions, coloured by kind, for every chart. */
export function signalMarkers(view: ChartView): Marker[] {
  return view.markers.map((m) => ({ x: m.t, label: m.label, detail: m.detail, color: MARKER_COLOURS[m.kind] }));
}

/** AWS publishes Application Signals metrics minutes late: the span that cannot have data yet. */
export function unpublishedAreas(view: ChartView): { from: number; to: number; label: string }[] {
  if (view.freshness.publishLagSeconds < 30) return [];
  return [
    {
      from: Math.max(view.window.from, view.window.to - view.freshness.publishLagSeconds * 1000),
      to: view.window.to,
      label: 'not yet published',
    },
  ];
}
