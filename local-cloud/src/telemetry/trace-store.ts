import type { TraceSummary } from '@demo/contracts';
import { SpanKind, type Span } from './otlp';

interface StoredTrace {
  spans: Map<string, Span>;
  summary?: TraceSummary;
  /** `service operation` of every server span: a trace matches a service's operation anywhere in it. */
  serverOperations?: Set<string>;
  touchedAt: number;
}

/** A demo request makes about ten spans; a trace far past this is a runaway or an attack. */
export const MAX_SPANS_PER_TRACE = 1000;

/**
 * Recent traces, bounded by count: the oldest trace is dropped when a new one arrives past the
 * limit. Spans of one trace may arrive in several exports; they are joined by trace id. A trace
 * keeps at most `maxSpansPerTrace` spans; later ones are counted in `droppedSpans` and not kept.
 */
export class TraceStore {
  private readonly traces = new Map<string, StoredTrace>();
  droppedSpans = 0;

  constructor(
    private readonly maxTraces: number,
    private readonly describe: (span: Span) => {
      operation: string;
      httpStatus?: number;
      fault: boolean;
      error: boolean;
    },
    private readonly maxSpansPerTrace = MAX_SPANS_PER_TRACE,
  ) {}

  add(span: Span): void {
    let trace = this.traces.get(span.traceId);
    if (trace && trace.spans.size >= this.maxSpansPerTrace && !trace.spans.has(span.spanId)) {
      this.droppedSpans++;
      return;
    }
    if (trace) {
      // Re-insert so the map's order stays "least recently touched first".
      this.traces.delete(span.traceId);
    } else {
      trace = { spans: new Map(), touchedAt: 0 };
      while (this.traces.size >= this.maxTraces) {
        const oldest = this.traces.keys().next().value;
        if (oldest === undefined) break;
        this.traces.delete(oldest);
      }
    }
    trace.spans.set(span.spanId, span);
    trace.summary = undefined;
    trace.serverOperations = undefined;
    trace.touchedAt = Date.now();
    this.traces.set(span.traceId, trace);
  }

  span(traceId: string, spanId: string): Span | undefined {
    return this.traces.get(traceId)?.spans.get(spanId);
  }

  spans(traceId: string): Span[] | undefined {
    const trace = this.traces.get(traceId);
    return trace && [...trace.spans.values()].sort((a, b) => a.startMs - b.startMs);
  }

  get size(): number {
    return this.traces.size;
  }

  /**
   * Newest first. `service` matches traces that service took part in; `operation` (with a service)
   * matches traces where that service served that operation, at the root or deeper.
   */
  search(filter: {
    service?: string;
    operation?: string;
    fromMs?: number;
    toMs?: number;
    limit: number;
  }): TraceSummary[] {
    const results: TraceSummary[] = [];
    for (const [traceId, trace] of [...this.traces].reverse()) {
      const summary = (trace.summary ??= this.summarise(traceId, trace));
      if (!summary) continue;
      if (filter.service && summary.service !== filter.service && !summary.services.includes(filter.service)) continue;
      if (filter.operation) {
        trace.serverOperations ??= new Set(
          [...trace.spans.values()]
            .filter((span) => span.kind === SpanKind.SERVER)
            .map((span) => `${span.service} ${this.describe(span).operation}`),
        );
        const wanted = filter.service
          ? [`${filter.service} ${filter.operation}`]
          : [...trace.serverOperations].filter((o) => o.endsWith(` ${filter.operation}`));
        if (!wanted.some((o) => trace.serverOperations?.has(o))) continue;
      }
      if (filter.fromMs !== undefined && summary.startMs < filter.fromMs) continue;
      if (filter.toMs !== undefined && summary.startMs > filter.toMs) continue;
      results.push(summary);
      if (results.length >= filter.limit) break;
    }
    return results.sort((a, b) => b.startMs - a.startMs);
  }

  private summarise(traceId: string, trace: StoredTrace): TraceSummary | undefined {
    const spans = [...trace.spans.values()];
    const root =
      spans.find((span) => span.kind === SpanKind.SERVER && !trace.spans.has(span.parentSpanId ?? '')) ??
      spans.find((span) => !span.parentSpanId);
    if (!root) return undefined;
    const start = Math.min(...spans.map((span) => span.startMs));
    const end = Math.max(...spans.map((span) => span.endMs));
    const described = this.describe(root);
    return {
      traceId,
      service: root.service,
      operation: described.operation,
      startMs: start,
      durationMs: end - start,
      spanCount: spans.length,
      services: [...new Set(spans.map((span) => span.service))],
      ...(described.httpStatus === undefined ? {} : { httpStatus: described.httpStatus }),
      fault: spans.some((span) => this.describe(span).fault),
      error: described.error,
    };
  }
}
