'use client';

import { useQuery } from '@tanstack/react-query';
import { chartTopic } from '../../shared/live';
import { useLiveQuery } from '../live';
import { useMemo, useState } from 'react';
import type { ChartView } from '../../shared/signals';
import { Card } from '../common/Card';
import { LiveNotice } from '../common/LiveNotice';
import { LineChart } from '../charts/LazyLineChart';
import { burstQuery, burstsQuery, chartQuery, discoveryQuery } from '../api';
import { signalCharts, signalMarkers, signalRows, unpublishedAreas } from './signal-charts';
import { rangeWindow, RANGES, toLocalInput, type RangeChoice } from './window';

/** The window for a range as of when it is called (at each fetch, never during render). */
function liveWindow(range: RangeChoice, custom: { from: number; to: number }) {
  return () => rangeWindow(range, Date.now(), custom);
}

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

/**
 * Application Signals for a service or one operation: latency, faults and errors, volume, with
 * the console's own actions marked on every chart, and a running burst's client-side numbers
 * beside the server-side ones.
 */
export function SignalsPanel() {
  const discovery = useLiveQuery('discovery', discoveryQuery());
  const [range, setRange] = useState<RangeChoice>('15m');
  const [custom, setCustom] = useState(() => ({ from: Date.now() - 30 * 60_000, to: Date.now() }));
  const [picked, setPicked] = useState<{ service?: string; operation?: string }>({});
  const services = discovery.data?.services ?? [];
  const service = picked.service ?? services.find((s) => s.name.endsWith('order-api'))?.name ?? services[0]?.name ?? '';
  const operations = services.find((s) => s.name === service)?.operations ?? [];
  const operation = picked.operation ?? (operations.includes('POST /api/orders') ? 'POST /api/orders' : '');
  const chartFollowed = range !== 'custom' && service ? chartTopic({ service, operation, range }) : undefined;
  const chart = useLiveQuery(
    chartFollowed,
    chartQuery(service, operation, {
      key: range === 'custom' ? `${custom.from}-${custom.to}` : range,
      live: range !== 'custom',
      window: liveWindow(range, custom),
    }),
  );
  const bursts = useLiveQuery('bursts', burstsQuery);
  const recentBurst = bursts.data?.running ?? bursts.data?.history[0];
  const burst = useQuery(burstQuery(recentBurst?.id, Boolean(bursts.data?.running)));

  const view = chart.data;
  const snapshots = burst.data?.snapshots;
  const rows = useMemo(() => (view ? signalRows(view, snapshots ?? []) : []), [view, snapshots]);
  const markers = useMemo(() => (view ? signalMarkers(view) : []), [view]);
  const areas = useMemo(() => (view ? unpublishedAreas(view) : []), [view]);
  const charts = signalCharts(rows.some((row) => row.clientP99 !== null));

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
      <LiveNotice topic="discovery" query={discovery} testId="discovery-stale" />
      <LiveNotice topic={chartFollowed} query={chart} testId="chart-stale" />
      {services.length === 0 && !discovery.isLoading && (
        <p className="text-sm text-slate-500">No service has reported yet: send an order.</p>
      )}
      {view && (
        <div className="grid gap-3 lg:grid-cols-2" data-testid="signals-charts" data-period={view.window.periodSeconds}>
          {charts.map((spec) => (
            <LineChart
              key={spec.testId}
              title={spec.title}
              testId={spec.testId}
              series={spec.series}
              xKey="t"
              xType="time"
              data={rows}
              markers={markers}
              areas={areas}
            />
          ))}
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
