import 'server-only';
import type { TimeWindow, TraceSpan, TraceSummary } from '../../shared/signals';
import type { Target } from '../target';

/**
 * Recent traces. Locally they come from local-cloud's trace API (what its OTLP receiver kept); on
 * AWS traces live in X-Ray, so the console links to the CloudWatch console for the same service
 * and window instead of copying them.
 */
export class Traces {
  constructor(private readonly target: Target) {}

  get available(): boolean {
    return Boolean(this.target.tracesUrl);
  }

  async search(query: {
    service?: string;
    operation?: string;
    from: number;
    to: number;
    limit: number;
  }): Promise<TraceSummary[]> {
    if (!this.target.tracesUrl) return [];
    const params = new URLSearchParams({ from: String(query.from), to: String(query.to), limit: String(query.limit) });
    if (query.service) params.set('service', query.service);
    if (query.operation) params.set('operation', query.operation);
    const response = await fetch(`${this.target.tracesUrl}/api/traces?${params.toString()}`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`trace API answered ${response.status}`);
    return ((await response.json()) as { traces: TraceSummary[] }).traces;
  }

  async spans(traceId: string): Promise<TraceSpan[] | undefined> {
    if (!this.target.tracesUrl || !/^[0-9a-f]{32}$/.test(traceId)) return undefined;
    const response = await fetch(`${this.target.tracesUrl}/api/traces/${traceId}`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`trace API answered ${response.status}`);
    return ((await response.json()) as { spans: TraceSpan[] }).spans;
  }

  /** AWS: the X-Ray traces query for the service over the window, in the CloudWatch console. */
  link(service: string, window: TimeWindow): string | null {
    if (this.target.kind !== 'aws') return null;
    const region = this.target.region;
    const iso = (ms: number) => new Date(ms).toISOString();
    const query = `~(query~(expression~'service(id(name:~"${service}"))')~context~(timeRange~(end~'${iso(window.to)}~start~'${iso(window.from)})))`;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#xray:traces/query?${encodeURI(query)}`;
  }
}
