import 'server-only';
import type { AuditLog } from '../audit';
import type { BurstManager } from '../bursts/manager';
import type { RunStore } from '../runbook/store';
import type { Marker } from '../../shared/signals';

/**
 * Marks on every chart, from the console's own history: bursts, the runbook's milestones
 * (inject requested, rollout complete, verified, restore requested and done) and orders submitted.
 */
export function markersFor(
  window: { from: number; to: number },
  sources: { runs: RunStore; bursts: BurstManager; audit: AuditLog },
): Marker[] {
  const markers: Marker[] = [];
  const add = (iso: string | undefined, kind: Marker['kind'], label: string, detail: string) => {
    if (!iso) return;
    const t = new Date(iso).getTime();
    if (t >= window.from && t <= window.to) markers.push({ t, kind, label, detail });
  };
  for (const run of sources.runs.list(50)) {
    const step = (name: string) => run.steps.find((s) => s.name === name && s.status === 'succeeded')?.endedAt;
    if (run.action === 'inject') {
      add(run.requestedAt, 'inject-requested', 'inject', `Inject requested by ${run.requestedBy} (${run.status})`);
      add(step('rollout-complete'), 'rollout-complete', 'rolled out', 'Delivery API rollout complete');
      add(
        step('verify'),
        'verified',
        'fault on',
        `Every replica runs pool ${run.target.poolSize}/${run.target.maxOverflow}, fault on`,
      );
    } else {
      add(run.requestedAt, 'restore-requested', 'restore', `Restore requested by ${run.requestedBy} (${run.trigger})`);
      add(step('verify'), 'restored', 'restored', 'Every replica runs the normal values again');
    }
  }
  for (const burst of sources.bursts.list(50)) {
    const o = burst.options;
    add(burst.startedAt, 'burst-start', 'burst', `Burst ${o.rate}/s for ${o.durationSeconds} s by ${burst.startedBy}`);
    const summary = burst.summary;
    add(
      burst.endedAt,
      'burst-end',
      'burst end',
      summary
        ? `${summary.ok}/${summary.sent} ok, ${summary.serverErrors} 5xx, p99 ${summary.latency.p99.toFixed(0)} ms`
        : burst.status,
    );
  }
  for (const entry of sources.audit.list(200)) {
    if (entry.action !== 'order.submit') continue;
    const orderId = typeof entry.detail.order_id === 'string' ? entry.detail.order_id : '';
    add(entry.at, 'order', 'order', `Order ${orderId} answered ${entry.outcome}`);
  }
  return markers.sort((a, b) => a.t - b.t);
}
