'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Card, ErrorText, formatTime } from '../common/Card';
import { LineChart } from '../charts/LazyLineChart';
import { FormField } from '../common/FormField';
import { burstsQuery, postJson } from '../api';
import { useLiveQuery } from '../live';
import { TrafficToggle } from '../traffic/TrafficToggle';
import { Stat } from '../common/Stat';
import { BURST_FIELDS, DEFAULT_BURST_FORM, toBurstRequest, totals } from './burst-form';
import { useBurstStream } from './useBurstStream';

/**
 * Start/stop a server-side burst, follow it live, see its summary. The live percentiles count
 * requests still open at their age, so a stall (the pool exhausted, sends at the in-flight cap)
 * reads as a stall, not as zero.
 */
export function BurstCard() {
  const queryClient = useQueryClient();
  const { data } = useLiveQuery('bursts', burstsQuery);
  const [form, setForm] = useState(DEFAULT_BURST_FORM);
  const [followId, setFollowId] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const running = data?.running;
  // Follow whatever burst is running (one started in another tab included); keep the last one shown.
  if (running && running.id !== followId) setFollowId(running.id);
  const stream = useBurstStream(followId);
  useEffect(() => {
    if (stream.ended) void queryClient.invalidateQueries({ queryKey: ['bursts'] });
  }, [stream.ended, queryClient]);

  const start = useMutation({
    mutationFn: (request: unknown) => postJson<{ id: string }>('/api/bursts', request),
    onSuccess: (burst) => {
      setFollowId(burst.id);
      void queryClient.invalidateQueries({ queryKey: ['bursts'] });
    },
  });
  const stop = useMutation({ mutationFn: (id: string) => postJson(`/api/bursts/${id}/stop`) });

  const onStart = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!data) return;
    // zod is loaded when a form is first checked, not with the page (the first-load budget).
    const { burstRequestSchema } = await import('../../shared/bursts');
    const parsed = burstRequestSchema(data.caps).safeParse(toBurstRequest(form));
    if (!parsed.success) {
      setFormError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    setFormError(undefined);
    start.mutate(parsed.data);
  };

  const snapshots = stream.snapshots;
  const last = snapshots.at(-1);
  const t = totals(snapshots);
  const summary = stream.ended?.summary;
  const isRunning = Boolean(followId && !stream.ended && running?.id === followId);
  // The window of the live percentiles (the load engine's, carried in each snapshot).
  const recentWindow = `${last?.recent.seconds ?? 10} s`;

  return (
    <Card title="Load burst" testId="burst-card" actions={<TrafficToggle />}>
      <form onSubmit={(event) => void onStart(event)} className="grid grid-cols-4 gap-2">
        {BURST_FIELDS.map(({ key, label }) => (
          <FormField
            key={key}
            label={label}
            name={key}
            value={form[key]}
            onChange={(value) => setForm({ ...form, [key]: value })}
          />
        ))}
        <div className="col-span-4 flex gap-2">
          <button
            type="submit"
            disabled={isRunning || start.isPending}
            className="rounded bg-blue-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-700 disabled:opacity-50"
            data-testid="start-burst"
          >
            Start burst
          </button>
          <button
            type="button"
            disabled={!isRunning}
            onClick={() => followId && stop.mutate(followId)}
            className="rounded border border-slate-300 px-3 py-1.5 text-sm disabled:opacity-50"
            data-testid="stop-burst"
          >
            Stop
          </button>
          {data && (
            <span className="self-center text-xs text-slate-500">
              caps: {data.caps.maxRate}/s, {data.caps.maxDurationSeconds} s, {data.caps.maxInFlight} in flight
            </span>
          )}
        </div>
      </form>
      {formError && <p className="mt-2 text-sm text-red-700">{formError}</p>}
      <ErrorText error={start.error ?? stop.error} />

      {followId && (
        <div className="mt-3 grid gap-2" data-testid="burst-live" data-state={stream.ended ? 'ended' : 'running'}>
          <div className="grid grid-cols-4 gap-2 sm:grid-cols-6">
            <Stat label="rate/s" value={last?.achievedRate ?? 0} testId="live-rate" />
            <Stat
              label={last?.capReached ? 'in flight: cap reached' : 'in flight'}
              value={last ? `${last.inFlight} / ${last.maxInFlight}` : 0}
              testId="live-in-flight"
              tone={last?.capReached ? 'bad' : undefined}
            />
            <Stat
              label="skipped (cap)"
              value={t.dropped}
              testId="live-skipped"
              tone={t.dropped > 0 ? 'bad' : undefined}
            />
            <Stat
              label="oldest open s"
              value={((last?.oldestOpenMs ?? 0) / 1000).toFixed(1)}
              testId="live-oldest-open"
              tone={(last?.oldestOpenMs ?? 0) >= 1000 ? 'bad' : undefined}
            />
            <Stat label={`p50 ms, ${recentWindow}`} value={(last?.recent.p50 ?? 0).toFixed(1)} testId="live-p50" />
            <Stat label={`p99 ms, ${recentWindow}`} value={(last?.recent.p99 ?? 0).toFixed(1)} testId="live-p99" />
            <Stat label="sent" value={t.sent} testId="live-sent" />
            <Stat label="2xx" value={t.ok} testId="live-ok" />
            <Stat label="4xx" value={t.c4xx} testId="live-4xx" />
            <Stat label="5xx" value={t.c5xx} testId="live-5xx" tone={t.c5xx > 0 ? 'bad' : undefined} />
            <Stat
              label="timeouts"
              value={t.timeouts + t.failures}
              testId="live-timeouts"
              tone={t.timeouts + t.failures > 0 ? 'bad' : undefined}
            />
          </div>
          <LineChart
            title={`Client side, per second (p99 over the last ${recentWindow}, open requests at their age)`}
            xKey="second"
            testId="burst-chart"
            data={snapshots.map((s) => ({
              second: s.second,
              rate: s.achievedRate,
              p99: Number(s.recent.p99.toFixed(1)),
              errors: s.serverErrors + s.timeouts + s.failures,
              skipped: s.dropped,
            }))}
            series={[
              { key: 'rate', name: 'sent/s', color: '#2563eb' },
              { key: 'errors', name: '5xx + timeouts', color: '#dc2626' },
              { key: 'skipped', name: 'skipped (cap)/s', color: '#7c3aed' },
              { key: 'p99', name: 'p99 ms', color: '#f59e0b', axis: 'right' },
            ]}
          />
          {summary && (
            <p className="rounded bg-slate-50 p-2 text-xs" data-testid="burst-summary">
              {summary.reason === 'stopped' ? 'Stopped' : 'Completed'}: {summary.sent} sent in{' '}
              {summary.sendingSeconds.toFixed(1)} s ({summary.achievedRate}/s; last answer after{' '}
              {summary.durationSeconds.toFixed(1)} s), {summary.ok} ok, {summary.clientErrors} 4xx,{' '}
              <span data-testid="summary-5xx">{summary.serverErrors}</span> 5xx, {summary.timeouts} timeouts,{' '}
              {summary.failures} failed, {summary.dropped} dropped; p50 {summary.latency.p50.toFixed(1)} ms, p99{' '}
              {summary.latency.p99.toFixed(1)} ms.{' '}
              <a className="text-blue-700 hover:underline" href={`/api/bursts/${stream.ended?.id}/csv`}>
                CSV
              </a>
            </p>
          )}
        </div>
      )}

      {data && data.history.length > 0 && (
        <details className="mt-3 text-xs">
          <summary className="cursor-pointer text-slate-500">History ({data.history.length})</summary>
          <table className="mt-1 w-full text-left">
            <tbody>
              {data.history.map((b) => (
                <tr key={b.id} className="border-t border-slate-100">
                  <td className="py-1 text-slate-500">{formatTime(b.startedAt)}</td>
                  <td>
                    {b.options.rate}/s × {b.options.durationSeconds} s
                  </td>
                  <td>{b.status}</td>
                  <td>
                    {b.summary
                      ? `${b.summary.ok}/${b.summary.sent} ok, p99 ${b.summary.latency.p99.toFixed(0)} ms`
                      : ''}
                  </td>
                  <td>
                    <a className="text-blue-700 hover:underline" href={`/api/bursts/${b.id}/csv`}>
                      CSV
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </Card>
  );
}
