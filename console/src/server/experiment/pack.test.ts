import { describe, expect, it } from 'vitest';
import type { ExperimentReport } from '../../shared/experiment-report';
import { renderPack } from './pack';

const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);
const hostile = '</script><script>alert(1)</script><img src="https://example.com/x.png">';

function report(): ExperimentReport {
  const run = {
    id: 'run-1',
    action: 'inject',
    status: 'succeeded',
    trigger: 'operator',
    requestedBy: 'presenter',
    requestedAt: new Date(T0).toISOString(),
    target: { poolSize: 1, maxOverflow: 0, faultInjection: true, faultDelaySeconds: 3 },
    steps: [{ name: 'verify', title: 'Verify every replica', status: 'succeeded', detail: hostile }],
  } as const;
  return {
    id: 'run-1',
    generatedAt: new Date(T0 + 300_000).toISOString(),
    complete: true,
    target: { kind: 'local', environment: 'local:ts', periodSeconds: 5 },
    scenario: { id: 'pool-exhaustion', title: 'Database pool exhaustion', summary: 's', signature: [] },
    detectionRule: 'a period shows the fault when it holds at least one Fault',
    dataNote: "Times come from local-cloud's 5 s data.",
    inject: structuredClone(run) as never,
    experiment: {
      guards: { faultRatePercent: 20, faultRatePeriods: 2, budgetBurnPercent: 300, restoreOnBurstEnd: false },
      note: hostile,
    },
    window: { from: T0 - 60_000, to: T0 + 120_000, periodSeconds: 5 },
    parameters: { during: run.target },
    charts: [
      {
        service: 'ts-order-api',
        operation: 'POST /api/orders',
        window: { from: T0, to: T0 + 10_000, periodSeconds: 5 },
        points: [0, 1].map((i) => ({
          t: T0 + i * 5000,
          p50: 10 + i,
          p99: 20 + i,
          avg: 12,
          requests: 10,
          faults: i * 7,
          errors: 0,
          faultRate: i * 0.7,
          errorRate: 0,
        })),
        markers: [{ t: T0 + 2000, kind: 'verified', label: 'fault on', detail: hostile }],
      } as never,
    ],
    timings: [
      {
        service: 'ts-order-api',
        operation: 'POST /api/orders',
        title: 'Order API',
        detectionSeconds: 8,
        recoverySeconds: 0,
      },
    ],
    budgets: { before: [], after: [], afterAt: new Date(T0).toISOString() },
    bursts: [],
    audit: [],
    findings: { source: 'local-approximation', items: [{ service: 'ts-order-api', description: hostile }] },
    changeEvents: { items: [] },
  };
}

describe('the evidence pack', () => {
  it('holds the figures in words, and hostile text (note, step detail, finding) stays text', () => {
    const html = renderPack(report());
    expect(html).toContain('Order API</td><td>8 s</td><td>0 s</td>');
    expect(html).toContain('Faults (5xx) peak 7 requests at 2026-12-03 10:00:05 UTC');
    // Only the pack's own two tags: the data block and no other script, no external address.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script type="application/json" id="evidence-data">');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain("default-src 'none'");
  });

  it('carries the report as JSON inside it, unchanged', () => {
    const original = report();
    const html = renderPack(original);
    const json = /<script type="application\/json" id="evidence-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(original)));
  });
});
