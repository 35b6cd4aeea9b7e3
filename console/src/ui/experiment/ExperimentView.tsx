'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ExperimentReport } from '../../shared/experiment-report';
import { MAX_NOTE_CHARS } from '../../shared/experiment';
import { LineChart } from '../charts/LazyLineChart';
import { Card, ErrorText, formatTime } from '../common/Card';
import { getJson, putJson } from '../api';
import { signalMarkers, signalRows } from '../signals/signal-charts';

const seconds = (value: number | null, pending: string) => (value === null ? pending : `${value.toFixed(0)} s`);
const budget = (remaining: number | null, total: number | null) =>
  remaining === null || total === null ? '—' : `${remaining.toFixed(0)} of ${total.toFixed(0)} s left`;

function Table({ head, rows, testId }: { head: string[]; rows: (string | number)[][]; testId: string }) {
  return (
    <table className="w-full border-collapse text-xs" data-testid={testId}>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} className="border border-slate-200 bg-slate-50 px-2 py-1 text-left font-medium">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={head.length} className="border border-slate-200 px-2 py-1 text-slate-500">
              none
            </td>
          </tr>
        )}
        {rows.map((row, i) => (
          <tr key={i}>
            {row.map((cell, j) => (
              <td key={j} className="border border-slate-200 px-2 py-1 align-top">
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NoteEditor({ report }: { report: ExperimentReport }) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState(report.experiment.note ?? '');
  const save = useMutation({
    mutationFn: () => putJson(`/api/experiments/${report.id}`, { note }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['experiment', report.id] }),
  });
  return (
    <div>
      <textarea
        value={note}
        maxLength={MAX_NOTE_CHARS}
        onChange={(e) => setNote(e.target.value)}
        rows={3}
        className="w-full rounded border border-slate-300 p-2 text-sm"
        placeholder="What the audience saw, what to say next time (goes into the evidence pack)"
        data-testid="report-note"
      />
      <button
        type="button"
        onClick={() => save.mutate()}
        disabled={save.isPending}
        className="mt-1 rounded bg-slate-900 px-3 py-1 text-sm text-white"
        data-testid="save-note"
      >
        Save note
      </button>
      {save.isSuccess && (
        <span className="ml-2 text-xs text-emerald-700" data-testid="note-saved">
          Saved
        </span>
      )}
      <ErrorText error={save.error} />
    </div>
  );
}

/**
 * A fault run as a report: detection and recovery per service, the guards and their trip, the
 * steady state before it, the steps, budgets, bursts, findings, change events and the charts, with
 * the presenter's note and the evidence pack (HTML that opens offline, or JSON) to export.
 */
export function ExperimentView({ id }: { id: string }) {
  const report = useQuery({
    queryKey: ['experiment', id],
    queryFn: () => getJson<ExperimentReport>(`/api/experiments/${encodeURIComponent(id)}`),
    // Until its post-window has passed the figures still move; then they are final.
    refetchInterval: (query) => (query.state.data?.complete ? false : 10_000),
  });
  const data = report.data;
  if (!data) return <Card title="Fault run">{report.error ? <ErrorText error={report.error} /> : 'Loading…'}</Card>;
  const { inject, restore, experiment } = data;
  const trip = experiment.trip;
  return (
    <div className="grid gap-4" data-testid="experiment-view" data-complete={data.complete ? 'true' : 'false'}>
      <Card
        title={`Fault run: ${data.scenario.title}`}
        testId="report-summary"
        actions={
          <span className="flex gap-2 text-sm">
            <a
              href={`/api/experiments/${data.id}/pack?format=html`}
              className="rounded bg-slate-900 px-3 py-1 text-white"
              data-testid="export-html"
              download
            >
              Export evidence pack (HTML)
            </a>
            <a
              href={`/api/experiments/${data.id}/pack?format=json`}
              className="rounded border border-slate-300 px-3 py-1"
              data-testid="export-json"
              download
            >
              JSON
            </a>
          </span>
        }
      >
        <p className="text-sm">
          Requested {formatTime(inject.requestedAt)} by {inject.requestedBy}: inject {inject.status}
          {restore ? `, restore ${restore.status} (${restore.trigger})` : ', no Restore yet'}.{' '}
          {data.complete ? 'Final.' : 'Still collecting the post-window: figures update every 10 s.'}
        </p>
        <p className={`mt-1 text-sm ${trip ? 'font-medium text-red-800' : 'text-slate-600'}`} data-testid="report-trip">
          {trip
            ? `Guard ${trip.guard} tripped at ${formatTime(trip.at)} (${trip.value}); it started the Restore.`
            : 'No guard tripped.'}
        </p>
        <p className="mt-1 text-xs text-slate-600" data-testid="report-steady-state">
          Steady state before the inject:{' '}
          {experiment.steadyState
            ? experiment.steadyState.ok
              ? 'met'
              : `not met, overridden (${experiment.steadyState.checks
                  .filter((c) => !c.ok)
                  .map((c) => `${c.title}: ${c.value}`)
                  .join('; ')})`
            : 'not recorded'}
        </p>
      </Card>

      <Card title="Detection and recovery" testId="report-timings-card">
        <Table
          head={['Service', 'Verified to first period showing the fault', 'Restore verified to last such period']}
          rows={data.timings.map((t) => [
            t.title,
            seconds(t.detectionSeconds, 'not seen'),
            seconds(t.recoverySeconds, restore ? 'Restore not verified' : 'no Restore yet'),
          ])}
          testId="report-timings"
        />
        <p className="mt-1 text-xs text-slate-500">
          {data.dataNote} Rule: {data.detectionRule}.
        </p>
      </Card>

      <Card title="Charts (with the markers)" testId="report-charts">
        <div className="grid gap-3 lg:grid-cols-2">
          {data.charts.map((chart) => {
            const title = data.timings.find((t) => t.service === chart.service)?.title ?? chart.service;
            const rows = signalRows(chart, []);
            const markers = signalMarkers(chart);
            return [
              <LineChart
                key={`${chart.service}-latency`}
                title={`${title}: Latency (ms)`}
                testId={`report-chart-${chart.service}-latency`}
                series={[
                  { key: 'p50', name: 'p50', color: '#2563eb' },
                  { key: 'p99', name: 'p99', color: '#7c3aed' },
                ]}
                xKey="t"
                xType="time"
                data={rows}
                markers={markers}
              />,
              <LineChart
                key={`${chart.service}-faults`}
                title={`${title}: Faults and Errors per period`}
                testId={`report-chart-${chart.service}-faults`}
                series={[
                  { key: 'faults', name: 'Faults', color: '#dc2626' },
                  { key: 'errors', name: 'Errors', color: '#f59e0b' },
                ]}
                xKey="t"
                xType="time"
                data={rows}
                markers={markers}
              />,
            ];
          })}
        </div>
      </Card>

      <Card title="SLO budget" testId="report-budgets">
        <Table
          head={['SLO', 'Before the inject', `After (${formatTime(data.budgets.afterAt)})`]}
          rows={data.budgets.before.map((b) => {
            const a = data.budgets.after.find((x) => x.name === b.name);
            return [
              b.name,
              `${b.status}, ${budget(b.remaining, b.total)}`,
              a ? `${a.status}, ${budget(a.remaining, a.total)}` : '—',
            ];
          })}
          testId="report-budget-table"
        />
      </Card>

      <Card title="Bursts (client side)" testId="report-bursts">
        <Table
          head={['Started', 'Rate', 'Status', 'Sent', '5xx', 'Timeouts', 'p99 ms', 'During the fault']}
          rows={data.bursts.map((b) => [
            formatTime(b.startedAt),
            `${b.options.rate}/s for ${b.options.durationSeconds} s`,
            b.status,
            b.summary?.sent ?? '—',
            b.summary?.serverErrors ?? '—',
            b.summary?.timeouts ?? '—',
            b.summary ? b.summary.latency.p99.toFixed(0) : '—',
            b.duringFault ? 'yes' : 'no',
          ])}
          testId="report-burst-table"
        />
      </Card>

      <Card
        title={
          data.findings.source === 'local-approximation'
            ? "Findings: local-cloud's approximation, not AWS's analysis"
            : "Findings: Application Signals' audit findings"
        }
        testId="report-findings"
      >
        {data.findings.error && <p className="text-xs text-amber-800">Could not read them: {data.findings.error}</p>}
        <Table
          head={['Service', 'Operation', 'Severity', 'Finding']}
          rows={data.findings.items.map((f) => [f.service, f.operation ?? '', f.severity ?? '', f.description])}
          testId="report-finding-table"
        />
        <p className="mt-2 text-xs font-medium text-slate-700">
          Change events (Application Signals, ListServiceStates)
        </p>
        <Table
          head={['At', 'Service', 'Type', 'Event', 'By']}
          rows={data.changeEvents.items.map((e) => [formatTime(e.at), e.service, e.type, e.name, e.by ?? ''])}
          testId="report-change-events"
        />
      </Card>

      <Card title="Presenter note" testId="report-note-card">
        <NoteEditor report={data} />
      </Card>

      <Card title="Audit log for the window" testId="report-audit">
        <Table
          head={['At', 'Actor', 'Action', 'Outcome']}
          rows={data.audit.map((a) => [formatTime(a.at), a.actor, a.action, a.outcome])}
          testId="report-audit-table"
        />
      </Card>
    </div>
  );
}
