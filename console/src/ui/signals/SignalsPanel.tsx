'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { Snapshot } from '../../shared/bursts';
import type { ChartView, Marker as SignalMarker } from '../../shared/signals';
import { Card, ErrorText } from '../common/Card';
import { LineChart } from '../charts/LazyLineChart';
import type { Marker } from '../charts/LineChart';
import { burstQuery, burstsQuery, chartQuery, discoveryQuery } from '../api';
import { rangeWindow, RANGES, toLocalInput, type RangeChoice } from './window';

/** The window for a range as of when it is called (at each fetch, never during render). */
function liveWindow(range: RangeChoice, custom: { from: number; to: number }) {
  return () => rangeWindow(range, Date.now(), custom);
}

const MARKER_COLOURS: Record<SignalMarker['kind'], string> = {
  'burst-start': '#2563eb',
  'burst-end': '#2563eb',
  'inject-requested': '#dc2626',
  'rollout-complete': '#f97316',
  verified: '#b91c1c',
  'restore-requested': '#059669',
  restored: '#047857',
  order: '#64748b',
};

function Freshness({ view }: { view: ChartView }) {
  const age = view.freshness.ageSeconds;
  const text =
    age === null ? 'no datapoint in this window' : age < 2 ? 'last datapoint just now' : `last datapoint ${age} s ago`;
  const stale =
    age !== null &&
    age > Math.max(view.window.periodSeconds * 3, view.freshness.publishLagSeconds + view.window.periodSeconds);
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs ${stale ? 'bg-amber-100 text-amber-800' : 'bg-slate-100 text-slate-600'}`}
      data-testid="freshness"
      title={`period ${view.window.periodSeconds} s; metrics publish about ${view.freshness.publishLagSeconds} s after the fact`}
    >
      {text} · {view.window.periodSeconds} s period
    </span>
  );
}

/** Client-side numbers of a burst, bucketed to the chart's periods, to sit beside the server's. */
function clientSeries(snapshots: Snapshot[], periodMs: number): Map<number, { p99: number; errorRate: number }> {
  const buckets = new Map<number, { p99: number; sent: number; bad: number }>();
  for (const s of snapshots) {
    const t = Math.floor(new Date(s.at).getTime() / periodMs) * periodMs - periodMs;
    const bucket = buckets.get(t) ?? { p99: 0, sent: 0, bad: 0 };
    bucket.p99 = Math.max(bucket.p99, s.latency.p99);
    bucket.sent += s.sent;
    bucket.bad += s.serverErrors + s.timeouts + s.failures;
    buckets.set(t, bucket);
  }
  return new Map([...buckets].map(([t, b]) => [t, { p99: b.p99, errorRate: b.sent > 0 ? (b.bad / b.sent) * 100 : 0 }]));
}

/**
 * Application Signals for a service or one operation: latency, faults and errors, volume, with
 * the console's own actions marked on every chart, and a running burst's client-side numbers
 * beside the server-side ones.
 */
export function SignalsPanel() {
  const discovery = useQuery(discoveryQuery());
  const [range, setRange] = useState<RangeChoice>('15m');
  const [custom, setCustom] = useState(() => ({ from: Date.now() - 30 * 60_000, to: Date.now() }));
  const [picked, setPicked] = useState<{ service?: string; operation?: string }>({});
  const services = discovery.data?.services ?? [];
  const service = picked.service ?? services.find((s) => s.name.endsWith('order-api'))?.name ?? services[0]?.name ?? '';
  const operations = services.find((s) => s.name === service)?.operations ?? [];
  const operation = picked.operation ?? (operations.includes('POST /api/orders') ? 'POST /api/orders' : '');
  const chart = useQuery(
    chartQuery(service, operation, {
      key: range === 'custom' ? `${custom.from}-${custom.to}` : range,
      live: range !== 'custom',
      window: liveWindow(range, custom),
    }),
  );
  const bursts = useQuery(burstsQuery);
  const recentBurst = bursts.data?.running ?? bursts.data?.history[0];
  const burst = useQuery(burstQuery(recentBurst?.id, Boolean(bursts.data?.running)));

  const view = chart.data;
  const periodMs = (view?.window.periodSeconds ?? 5) * 1000;
  const data = useMemo(() => {
    if (!view) return [];
    const client = clientSeries(burst.data?.snapshots ?? [], periodMs);
    return view.points.map((p) => ({
      t: p.t,
      p50: p.p50,
      p99: p.p99,
      avg: p.avg === null ? null : Math.round(p.avg * 10) / 10,
      requests: p.requests,
      faults: p.faults,
      errors: p.errors,
      faultRate: p.faultRate === null ? null : Math.round(p.faultRate * 1000) / 10,
      errorRate: p.errorRate === null ? null : Math.round(p.errorRate * 1000) / 10,
      clientP99: client.get(p.t)?.p99 ?? null,
      clientErrorRate: client.get(p.t)?.errorRate ?? null,
    }));
  }, [view, burst.data, periodMs]);
  const markers: Marker[] = (view?.markers ?? []).map((m) => ({
    x: m.t,
    label: m.label,
    detail: m.detail,
    color: MARKER_COLOURS[m.kind],
  }));
  // AWS publishes Application Signals metrics minutes late: shade the span that cannot have data yet.
  const areas =
    view && view.freshness.publishLagSeconds >= 30
      ? [
          {
            from: Math.max(view.window.from, view.window.to - view.freshness.publishLagSeconds * 1000),
            to: view.window.to,
            label: 'not yet published',
          },
        ]
      : [];
  const hasClient = data.some((d) => d.clientP99 !== null);

  return (
    <Card
      title="Application Signals"
      testId="signals-panel"
      actions={
        <div className="flex flex-wrap items-center gap-2">
          {view && <Freshness view={view} />}
          {service && (
            <a className="text-xs text-blue-700 hover:underline" href={`/services/${encodeURIComponent(service)}`}>
              service page
            </a>
          )}
        </div>
      }
    >
      <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
        <select
          value={service}
          onChange={(e) => setPicked({ service: e.target.value })}
          className="rounded border border-slate-300 px-2 py-1"
          data-testid="signals-service"
        >
          {services.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </select>
        <select
          value={operation}
          onChange={(e) => setPicked({ service, operation: e.target.value })}
          className="rounded border border-slate-300 px-2 py-1"
          data-testid="signals-operation"
        >
          <option value="">all operations</option>
          {operations.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <div className="flex overflow-hidden rounded border border-slate-300">
          {[...RANGES, { value: 'custom' as const, label: 'custom' }].map((r) => (
            <button
              key={r.value}
              type="button"
              onClick={() => setRange(r.value)}
              className={`px-2 py-1 text-xs ${range === r.value ? 'bg-slate-800 text-white' : 'bg-white'}`}
              data-testid={`range-${r.value}`}
            >
              {r.label}
            </button>
          ))}
        </div>
        {range === 'custom' && (
          <span className="flex items-center gap-1 text-xs">
            <input
              type="datetime-local"
              value={toLocalInput(custom.from)}
              onChange={(e) => setCustom({ ...custom, from: new Date(e.target.value).getTime() })}
              className="rounded border border-slate-300 px-1"
            />
            to
            <input
              type="datetime-local"
              value={toLocalInput(custom.to)}
              onChange={(e) => setCustom({ ...custom, to: new Date(e.target.value).getTime() })}
              className="rounded border border-slate-300 px-1"
            />
          </span>
        )}
      </div>
      <ErrorText error={discovery.error ?? chart.error} />
      {services.length === 0 && !discovery.isLoading && (
        <p className="text-sm text-slate-500">No service has reported yet: send an order.</p>
      )}
      {view && (
        <div className="grid gap-3 lg:grid-cols-2" data-testid="signals-charts" data-period={view.window.periodSeconds}>
          <LineChart
            title="Latency (ms)"
            xKey="t"
            xType="time"
            testId="chart-latency"
            data={data}
            markers={markers}
            areas={areas}
            series={[
              { key: 'p50', name: 'p50', color: '#2563eb' },
              { key: 'p99', name: 'p99', color: '#7c3aed' },
              { key: 'avg', name: 'average', color: '#94a3b8' },
              ...(hasClient ? [{ key: 'clientP99', name: 'client p99 (burst)', color: '#f59e0b', dashed: true }] : []),
            ]}
          />
          <LineChart
            title="Fault and Error rate (%)"
            xKey="t"
            xType="time"
            testId="chart-fault-rate"
            data={data}
            markers={markers}
            areas={areas}
            series={[
              { key: 'faultRate', name: 'Fault % (5xx)', color: '#dc2626' },
              { key: 'errorRate', name: 'Error % (4xx)', color: '#f59e0b' },
              ...(hasClient
                ? [{ key: 'clientErrorRate', name: 'client errors % (burst)', color: '#b91c1c', dashed: true }]
                : []),
            ]}
          />
          <LineChart
            title="Faults and Errors (count per period)"
            xKey="t"
            xType="time"
            testId="chart-fault-count"
            data={data}
            markers={markers}
            areas={areas}
            series={[
              { key: 'faults', name: 'Faults', color: '#dc2626' },
              { key: 'errors', name: 'Errors', color: '#f59e0b' },
            ]}
          />
          <LineChart
            title="Requests (per period)"
            xKey="t"
            xType="time"
            testId="chart-requests"
            data={data}
            markers={markers}
            areas={areas}
            series={[{ key: 'requests', name: 'requests', color: '#0f766e' }]}
          />
          <p className="text-xs text-slate-500 lg:col-span-2" data-testid="signals-totals">
            In this window: {view.totals.requests} requests, {view.totals.faults} faults (
            {((view.totals.faultRate ?? 0) * 100).toFixed(1)} %), {view.totals.errors} errors (
            {((view.totals.errorRate ?? 0) * 100).toFixed(1)} %), worst p99{' '}
            {view.totals.p99 === null ? '—' : `${view.totals.p99.toFixed(0)} ms`}. This refresh: {view.cost.calls}{' '}
            GetMetricData call, {view.cost.metrics} metrics.
          </p>
        </div>
      )}
    </Card>
  );
}
