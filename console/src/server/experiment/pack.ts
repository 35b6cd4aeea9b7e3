import type { PoolParams } from '@demo/contracts/pool-params';
import type { ExperimentReport } from '../../shared/experiment-report';
import type { RunRecord } from '../../shared/fault';
import type { ChartView, Marker, SeriesPoint } from '../../shared/signals';
import { periods } from './guards';

/**
 * The evidence pack: one fault run as a single HTML file that opens without a network (inline
 * styles, charts drawn as inline SVG from the data, no scripts, a Content-Security-Policy that
 * allows nothing external), with the same data as JSON inside it.
 */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const time = (ms: number | string | undefined) =>
  ms === undefined
    ? '—'
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');

const seconds = (value: number | null, pending: string) => (value === null ? pending : `${value.toFixed(0)} s`);

function table(head: string[], rows: (string | number)[][], testId: string): string {
  const cells = (row: (string | number)[], tag: 'td' | 'th') =>
    `<tr>${row.map((c) => `<${tag}>${escapeHtml(String(c))}</${tag}>`).join('')}</tr>`;
  return `<table data-testid="${testId}"><thead>${cells(head, 'th')}</thead><tbody>${
    rows.length > 0 ? rows.map((r) => cells(r, 'td')).join('') : `<tr><td colspan="${head.length}">none</td></tr>`
  }</tbody></table>`;
}

const params = (p: PoolParams | undefined) =>
  p
    ? `pool-size ${p.poolSize}, max-overflow ${p.maxOverflow}, fault-injection ${String(p.faultInjection)}, fault-delay-seconds ${p.faultDelaySeconds}`
    : '—';

function steps(run: RunRecord | undefined, title: string): string {
  if (!run) return `<h3>${title}</h3><p>No Restore yet.</p>`;
  return `<h3>${title}: ${escapeHtml(run.status)} (${escapeHtml(run.trigger)}, by ${escapeHtml(run.requestedBy)})</h3>${table(
    ['Step', 'Outcome', 'Started', 'Ended', 'Detail'],
    run.steps.map((s) => [s.title, s.status, time(s.startedAt), time(s.endedAt), s.detail ?? '']),
    `steps-${run.action}`,
  )}`;
}

const MARKER_KINDS = new Set<Marker['kind']>([
  'inject-requested',
  'verified',
  'restore-requested',
  'restored',
  'burst-start',
  'burst-end',
  'deployment',
  'configuration',
]);

interface Line {
  name: string;
  colour: string;
  value: (p: SeriesPoint) => number | null;
}

/** One chart as inline SVG: the lines, the markers as labelled verticals, and its peaks in words. */
function svgChart(chart: ChartView, title: string, unit: string, lines: Line[], testId: string): string {
  const width = 880;
  const height = 200;
  const pad = { left: 56, right: 12, top: 12, bottom: 28 };
  const { from, to } = chart.window;
  const values = chart.points.flatMap((p) => lines.map((l) => l.value(p) ?? 0));
  const max = Math.max(1, ...values);
  const x = (t: number) => pad.left + ((t - from) / Math.max(1, to - from)) * (width - pad.left - pad.right);
  const y = (v: number) => pad.top + (1 - v / max) * (height - pad.top - pad.bottom);
  const paths = lines
    .map((line) => {
      const points = chart.points.flatMap((p) => {
        const v = line.value(p);
        return v === null ? [] : [`${x(p.t).toFixed(1)},${y(v).toFixed(1)}`];
      });
      return points.length > 0
        ? `<polyline fill="none" stroke="${line.colour}" stroke-width="1.5" points="${points.join(' ')}"><title>${escapeHtml(line.name)}</title></polyline>`
        : '';
    })
    .join('');
  const markers = chart.markers
    .filter((m) => MARKER_KINDS.has(m.kind))
    .map(
      (m) =>
        `<line x1="${x(m.t).toFixed(1)}" x2="${x(m.t).toFixed(1)}" y1="${pad.top}" y2="${height - pad.bottom}" stroke="#888" stroke-dasharray="3 3"><title>${escapeHtml(`${time(m.t)} ${m.detail}`)}</title></line>` +
        `<text x="${(x(m.t) + 2).toFixed(1)}" y="${pad.top + 10}" font-size="10" fill="#555">${escapeHtml(m.label)}</text>`,
    )
    .join('');
  const axis =
    `<text x="4" y="${pad.top + 10}" font-size="10">${escapeHtml(`${max.toFixed(0)} ${unit}`)}</text>` +
    `<text x="4" y="${height - pad.bottom}" font-size="10">0</text>` +
    `<text x="${pad.left}" y="${height - 8}" font-size="10">${escapeHtml(time(from))}</text>` +
    `<text x="${width - pad.right}" y="${height - 8}" font-size="10" text-anchor="end">${escapeHtml(time(to))}</text>`;
  const peaks = lines
    .map((line) => {
      let best: SeriesPoint | undefined;
      for (const p of chart.points) if ((line.value(p) ?? -1) > (best ? (line.value(best) ?? -1) : -1)) best = p;
      const v = best ? line.value(best) : null;
      return v === null || v === undefined || !best
        ? `${line.name}: no data`
        : `${line.name} peak ${v.toFixed(0)} ${unit} at ${time(best.t)}`;
    })
    .join(' · ');
  const legend = lines.map((l) => `<span style="color:${l.colour}">■ ${escapeHtml(l.name)}</span>`).join(' ');
  return `<figure data-testid="${testId}"><figcaption><strong>${escapeHtml(title)}</strong> ${legend}</figcaption><svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="100%">${axis}${paths}${markers}</svg><p class="peaks" data-testid="${testId}-peaks">${escapeHtml(peaks)}</p></figure>`;
}

function charts(report: ExperimentReport): string {
  return report.charts
    .map((chart) => {
      const title = report.timings.find((t) => t.service === chart.service)?.title ?? chart.service;
      const slug = title.toLowerCase().replace(/\s+/g, '-');
      return (
        `<h3>${escapeHtml(title)} (${escapeHtml(chart.service)})</h3>` +
        svgChart(
          chart,
          `${title}: Latency p50 and p99`,
          'ms',
          [
            { name: 'p50', colour: '#2563eb', value: (p) => p.p50 },
            { name: 'p99', colour: '#dc2626', value: (p) => p.p99 },
          ],
          `pack-chart-${slug}-latency`,
        ) +
        svgChart(
          chart,
          `${title}: Faults and Errors per ${chart.window.periodSeconds} s`,
          'requests',
          [
            { name: 'Faults (5xx)', colour: '#dc2626', value: (p) => p.faults },
            { name: 'Errors (4xx)', colour: '#d97706', value: (p) => p.errors },
          ],
          `pack-chart-${slug}-faults`,
        )
      );
    })
    .join('');
}

const budget = (remaining: number | null, total: number | null) =>
  remaining === null || total === null ? '—' : `${remaining.toFixed(0)} of ${total.toFixed(0)} s left`;

export function renderPack(report: ExperimentReport): string {
  const { inject, restore, experiment } = report;
  const steady = experiment.steadyState;
  const trip = experiment.trip;
  const findingsTitle =
    report.findings.source === 'local-approximation'
      ? "Findings: local-cloud's approximation (a documented rule), not AWS's analysis"
      : "Findings: Application Signals' audit findings (ListAuditFindings)";
  // Inside <script>, "</" must not appear: escape every "<".
  const json = JSON.stringify(report).replace(/</g, '\\u003c');
  const css = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:940px;color:#111}
table{border-collapse:collapse;width:100%;margin:8px 0 16px}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;font-size:13px}
th{background:#f4f4f5}figure{margin:8px 0 16px}.peaks{font-size:12px;color:#444;margin:2px 0}.note{white-space:pre-wrap;border-left:3px solid #2563eb;padding:6px 10px;background:#f8fafc}
.tripped{color:#b91c1c;font-weight:600}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(`Fault run ${report.scenario.title}, ${time(inject.requestedAt)}`)}</title>
<style>${css}</style></head>
<body>
<h1 data-testid="pack-title">Fault run: ${escapeHtml(report.scenario.title)}</h1>
<p>Run ${escapeHtml(inject.id)} on ${escapeHtml(report.target.kind === 'aws' ? 'AWS' : 'the local stack')} (${escapeHtml(report.target.environment)}), requested ${escapeHtml(time(inject.requestedAt))} by ${escapeHtml(inject.requestedBy)}. Report generated ${escapeHtml(time(report.generatedAt))}; window ${escapeHtml(time(report.window.from))} to ${escapeHtml(time(report.window.to))}.</p>
<p>${escapeHtml(report.scenario.summary)}</p>
<h2>Presenter note</h2>
<p class="note" data-testid="pack-note">${escapeHtml(experiment.note?.trim() || 'No note.')}</p>
<h2>Detection and recovery</h2>
<p>${escapeHtml(`${report.dataNote} Rule: ${report.detectionRule}.`)}</p>
${table(
  ['Service', 'Verified to first fault period', 'Restore verified to last elevated period'],
  report.timings.map((t) => [
    t.title,
    seconds(t.detectionSeconds, 'not seen'),
    seconds(t.recoverySeconds, restore ? 'Restore not verified' : 'no Restore yet'),
  ]),
  'pack-timings',
)}
<h2>Guards</h2>
<p data-testid="pack-trip" class="${trip ? 'tripped' : ''}">${escapeHtml(
    trip
      ? `Tripped: ${trip.guard} at ${time(trip.at)} (${trip.value}); the guard started the Restore.`
      : 'No guard tripped.',
  )}</p>
${table(
  ['Guard', 'Setting'],
  [
    [
      'Order API Fault rate',
      experiment.guards.faultRatePercent > 0
        ? `above ${experiment.guards.faultRatePercent} % for ${periods(experiment.guards.faultRatePeriods)}`
        : 'off',
    ],
    [
      'Error budget burnt since the inject',
      experiment.guards.budgetBurnPercent > 0 ? `past ${experiment.guards.budgetBurnPercent} %` : 'off',
    ],
    ['Burst end', experiment.guards.restoreOnBurstEnd ? 'restore when a burst ends' : 'off'],
  ],
  'pack-guards',
)}
<h2>Steady state before the inject</h2>
${
  steady
    ? `<p>${escapeHtml(steady.ok ? 'Met.' : steady.overridden ? 'Not met: the operator overrode it (second confirmation given).' : 'Not met.')}</p>${table(
        ['Check', 'Value', 'Expected', 'OK'],
        steady.checks.map((c) => [c.title, c.value, c.expected, c.ok ? 'yes' : 'no']),
        'pack-steady-state',
      )}`
    : '<p>Not recorded for this run.</p>'
}
<h2>Steps</h2>
${steps(inject, 'Inject')}
${steps(restore, 'Restore')}
<h2>Parameters</h2>
${table(
  ['When', 'Values'],
  [
    ['Before', params(report.parameters.before)],
    ['During', params(report.parameters.during)],
    ['After', params(report.parameters.after)],
  ],
  'pack-parameters',
)}
<h2>Charts</h2>
${charts(report)}
<h2>SLO budget</h2>
${table(
  ['SLO', `Before the inject (${time(inject.requestedAt)})`, `After (${time(report.budgets.afterAt)})`],
  report.budgets.before.map((b) => {
    const a = report.budgets.after.find((x) => x.name === b.name);
    return [
      b.name,
      `${b.status}, ${budget(b.remaining, b.total)}`,
      a ? `${a.status}, ${budget(a.remaining, a.total)}` : '—',
    ];
  }),
  'pack-budgets',
)}
<h2>Bursts (client side)</h2>
${table(
  ['Started', 'Rate', 'Status', 'Sent', 'OK', '5xx', 'Timeouts', 'p50 ms', 'p99 ms', 'During the fault'],
  report.bursts.map((b) => [
    time(b.startedAt),
    `${b.options.rate}/s for ${b.options.durationSeconds} s`,
    b.status,
    b.summary?.sent ?? '—',
    b.summary?.ok ?? '—',
    b.summary?.serverErrors ?? '—',
    b.summary?.timeouts ?? '—',
    b.summary ? b.summary.latency.p50.toFixed(0) : '—',
    b.summary ? b.summary.latency.p99.toFixed(0) : '—',
    b.duringFault ? 'yes' : 'no',
  ]),
  'pack-bursts',
)}
<h2>${escapeHtml(findingsTitle)}</h2>
${report.findings.error ? `<p>Could not read the findings: ${escapeHtml(report.findings.error)}</p>` : ''}
${table(
  ['Service', 'Operation', 'Severity', 'Finding'],
  report.findings.items.map((f) => [f.service, f.operation ?? '', f.severity ?? '', f.description]),
  'pack-findings',
)}
<h2>Change events (Application Signals, ListServiceStates)</h2>
${report.changeEvents.error ? `<p>Could not read them: ${escapeHtml(report.changeEvents.error)}</p>` : ''}
${table(
  ['At', 'Service', 'Type', 'Event', 'By'],
  report.changeEvents.items.map((e) => [time(e.at), e.service, e.type, e.name, e.by ?? '']),
  'pack-change-events',
)}
<h2>Audit log</h2>
${table(
  ['At', 'Actor', 'Action', 'Outcome', 'Detail'],
  report.audit.map((a) => [time(a.at), a.actor, a.action, a.outcome, JSON.stringify(a.detail)]),
  'pack-audit',
)}
<script type="application/json" id="evidence-data">${json}</script>
</body></html>
`;
}
