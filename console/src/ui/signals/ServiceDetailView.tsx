'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ServiceDetail, TraceSpan, TraceSummary } from '../../shared/signals';
import { Card, ErrorText, formatTime } from '../common/Card';
import { getJson } from '../api';
import { millis, percent } from './format';
import { rangeWindow, RANGES, type RangeChoice } from './window';

function Waterfall({ traceId }: { traceId: string }) {
  const { data, error } = useQuery({
    queryKey: ['trace', traceId],
    queryFn: () => getJson<{ spans: TraceSpan[] }>(`/api/signals/traces/${traceId}`),
  });
  if (error) return <ErrorText error={error} />;
  if (!data) return <p className="text-xs text-slate-500">Loading spans…</p>;
  const start = Math.min(...data.spans.map((s) => s.startMs));
  const end = Math.max(...data.spans.map((s) => s.endMs));
  const total = Math.max(end - start, 0.001);
  const depth = (span: TraceSpan): number => {
    const parent = data.spans.find((s) => s.spanId === span.parentSpanId);
    return parent ? depth(parent) + 1 : 0;
  };
  const kinds = ['', 'internal', 'server', 'client', 'producer', 'consumer'];
  return (
    <div className="grid gap-0.5 text-[11px]" data-testid="waterfall">
      {data.spans.map((span) => (
        <div
          key={span.spanId}
          className="grid grid-cols-[18rem_1fr_4rem] items-center gap-2"
          title={JSON.stringify(span.attributes, null, 1)}
        >
          <span className="truncate" style={{ paddingLeft: `${depth(span) * 10}px` }}>
            <span className="text-slate-400">{span.service}</span> {span.name}{' '}
            <span className="text-slate-400">({kinds[span.kind]})</span>
          </span>
          <span className="relative h-3 rounded bg-slate-100">
            <span
              className={`absolute h-3 rounded ${span.statusCode === 2 ? 'bg-red-400' : span.kind === 2 ? 'bg-blue-400' : span.kind === 3 ? 'bg-violet-400' : 'bg-slate-400'}`}
              style={{
                left: `${((span.startMs - start) / total) * 100}%`,
                width: `${Math.max(((span.endMs - span.startMs) / total) * 100, 0.5)}%`,
              }}
            />
          </span>
          <span className="text-right text-slate-500">{millis(span.endMs - span.startMs)}</span>
        </div>
      ))}
    </div>
  );
}

/** A service's operations, dependencies and recent traces over a chosen window. */
export function ServiceDetailView({ service }: { service: string }) {
  const [range, setRange] = useState<RangeChoice>('15m');
  const [picked, setPicked] = useState<string>();
  const [open, setOpen] = useState<string>();
  const windowFor = () => rangeWindow(range, Date.now(), { from: Date.now() - 900_000, to: Date.now() });
  const detail = useQuery({
    queryKey: ['service', service, range],
    queryFn: () => {
      const w = windowFor();
      return getJson<ServiceDetail>(
        `/api/signals/service?service=${encodeURIComponent(service)}&from=${w.from}&to=${w.to}`,
      );
    },
    refetchInterval: 15_000,
  });
  // Traces of the busiest real operation by default: probes and health checks are traced too.
  const busiest = [...(detail.data?.operations ?? [])]
    .filter((o) => !/\/(ready|health)$/.test(o.operation))
    .sort((a, b) => b.totals.requests - a.totals.requests)[0]?.operation;
  const operation = picked ?? busiest ?? '';
  const traces = useQuery({
    queryKey: ['traces', service, operation, range],
    queryFn: () => {
      const w = windowFor();
      const params = new URLSearchParams({ service, from: String(w.from), to: String(w.to) });
      if (operation) params.set('operation', operation);
      return getJson<{ available: boolean; link: string | null; traces: TraceSummary[] }>(
        `/api/signals/traces?${params.toString()}`,
      );
    },
    refetchInterval: 15_000,
  });
  const th = 'py-1 pr-3 font-normal text-slate-500';
  return (
    <div className="grid gap-4" data-testid="service-detail">
      <div className="flex items-center gap-2">
        <h2 className="text-lg font-semibold">{service}</h2>
        <div className="flex overflow-hidden rounded border border-slate-300">
          {RANGES.map((r) => (
            <button
              key={r.value}
              type="button"
              onClick={() => setRange(r.value)}
              className={`px-2 py-1 text-xs ${range === r.value ? 'bg-slate-800 text-white' : 'bg-white'}`}
            >
              {r.label}
            </button>
          ))}
        </div>
      </div>
      <ErrorText error={detail.error} />
      <Card title="Operations" testId="operations-table">
        <table className="w-full text-left text-sm">
          <thead>
            <tr>
              <th className={th}>Operation</th>
              <th className={th}>Requests</th>
              <th className={th}>Worst p99</th>
              <th className={th}>Fault %</th>
              <th className={th}>Error %</th>
            </tr>
          </thead>
          <tbody>
            {detail.data?.operations.map((row) => (
              <tr
                key={row.operation}
                className="cursor-pointer border-t border-slate-100 hover:bg-slate-50"
                onClick={() => setPicked(row.operation)}
                data-testid={`operation-${row.operation}`}
              >
                <td className="py-1 pr-3 font-mono text-xs">{row.operation}</td>
                <td>{row.totals.requests}</td>
                <td>{millis(row.totals.p99)}</td>
                <td>{percent(row.totals.faultRate)}</td>
                <td>{percent(row.totals.errorRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Dependencies" testId="dependencies-table">
        <table className="w-full text-left text-sm">
          <thead>
            <tr>
              <th className={th}>Operation</th>
              <th className={th}>Calls</th>
              <th className={th}>Remote operation</th>
              <th className={th}>Requests</th>
              <th className={th}>Worst p99</th>
              <th className={th}>Fault %</th>
            </tr>
          </thead>
          <tbody>
            {detail.data?.dependencies.map((row) => (
              <tr
                key={`${row.operation}-${row.remoteService}-${row.remoteOperation}`}
                className="border-t border-slate-100"
              >
                <td className="py-1 pr-3 font-mono text-xs">{row.operation}</td>
                <td title={row.resource ?? undefined}>{row.remoteService}</td>
                <td className="font-mono text-xs">{row.remoteOperation}</td>
                <td>{row.totals.requests}</td>
                <td>{millis(row.totals.p99)}</td>
                <td>{percent(row.totals.faultRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title={`Recent traces${operation ? ` of ${operation}` : ''}`} testId="traces">
        {operation && (
          <button type="button" className="mb-2 text-xs text-blue-700 hover:underline" onClick={() => setPicked('')}>
            all operations
          </button>
        )}
        {traces.data?.link && (
          <a className="text-sm text-blue-700 hover:underline" href={traces.data.link} target="_blank" rel="noreferrer">
            Open the traces of {service} for this window in the CloudWatch console (X-Ray)
          </a>
        )}
        <ErrorText error={traces.error} />
        <ul className="grid gap-1 text-sm">
          {traces.data?.traces.map((trace) => (
            <li key={trace.traceId} data-testid="trace-row">
              <button
                type="button"
                onClick={() => setOpen(open === trace.traceId ? undefined : trace.traceId)}
                className="grid w-full grid-cols-[5rem_1fr_5rem_4rem_3rem] gap-2 text-left hover:bg-slate-50"
              >
                <span className="text-xs text-slate-500">{formatTime(new Date(trace.startMs).toISOString())}</span>
                <span className="truncate font-mono text-xs">{trace.operation}</span>
                <span className="text-xs">{millis(trace.durationMs)}</span>
                <span
                  className={`text-xs ${trace.fault ? 'text-red-700' : trace.error ? 'text-amber-700' : 'text-slate-600'}`}
                >
                  {trace.httpStatus ?? ''}
                </span>
                <span className="text-xs text-slate-400">{trace.spanCount}</span>
              </button>
              {open === trace.traceId && <Waterfall traceId={trace.traceId} />}
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
