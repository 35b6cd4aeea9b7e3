import { MetricStore } from './metric-store';
import { SpanKind, type Span } from './otlp';
import {
  INTERNAL_OPERATION,
  httpStatusOf,
  isError,
  isFault,
  metricValues,
  observe,
  OperationNames,
  type SpanMetricsOptions,
} from './span-metrics';
import { TraceStore } from './trace-store';

export interface PipelineOptions extends SpanMetricsOptions {
  retentionSeconds: number;
  maxSeries: number;
  maxTraces: number;
  /** How long a client span may wait for its parents to arrive before it counts as internal. */
  parentWaitMs?: number;
  now?: () => number;
}

/**
 * Spans in, Application Signals metrics and searchable traces out. A client span is counted under
 * the operation of the server span it ran in; spans of one request can arrive in different
 * exports, so a client span whose parents have not arrived yet waits for them (briefly).
 */
export class TelemetryPipeline {
  readonly metrics: MetricStore;
  readonly traces: TraceStore;
  private pending: { span: Span; deadline: number }[] = [];
  private readonly operations = new OperationNames();
  private readonly now: () => number;
  spansReceived = 0;

  constructor(private readonly options: PipelineOptions) {
    this.now = options.now ?? Date.now;
    this.metrics = new MetricStore({
      retentionSeconds: options.retentionSeconds,
      maxSeries: options.maxSeries,
      now: this.now,
    });
    this.traces = new TraceStore(options.maxTraces, (span) => ({
      operation: span.kind === SpanKind.SERVER ? this.operations.of(span) : span.name,
      ...(httpStatusOf(span) === undefined ? {} : { httpStatus: httpStatusOf(span) }),
      fault: isFault(span),
      error: isError(span),
    }));
  }

  ingest(spans: Span[]): void {
    this.spansReceived += spans.length;
    for (const span of spans) this.traces.add(span);
    const deadline = this.now() + (this.options.parentWaitMs ?? 5000);
    const waiting = this.pending;
    this.pending = [];
    for (const entry of waiting) this.process(entry.span, entry.deadline);
    for (const span of spans) this.process(span, deadline);
  }

  /** Counts client spans whose parents never came as internal, and seals old histograms. */
  tick(): void {
    const now = this.now();
    const waiting = this.pending;
    this.pending = [];
    for (const entry of waiting) {
      if (entry.deadline <= now) this.record(entry.span, INTERNAL_OPERATION);
      else this.pending.push(entry);
    }
    this.metrics.sealOldSeconds();
  }

  get pendingSpans(): number {
    return this.pending.length;
  }

  private process(span: Span, deadline: number): void {
    if (span.kind !== SpanKind.SERVER && span.kind !== SpanKind.CLIENT && span.kind !== SpanKind.PRODUCER) return;
    const operation = span.kind === SpanKind.SERVER ? this.operations.of(span) : this.localOperation(span);
    if (operation === undefined) this.pending.push({ span, deadline });
    else this.record(span, operation);
  }

  private record(span: Span, operation: string): void {
    const parent = span.parentSpanId ? this.traces.span(span.traceId, span.parentSpanId) : undefined;
    const observation = observe(span, operation, parent, this.options);
    if (!observation) return;
    for (const dimensions of observation.dimensions) {
      for (const [metric, value] of metricValues(observation))
        this.metrics.record(metric, dimensions, value, observation.timeMs);
    }
  }

  /** The operation of the nearest server span above `span` in its own service; undefined = not arrived yet. */
  private localOperation(span: Span): string | undefined {
    let current = span;
    for (let depth = 0; depth < 64; depth++) {
      if (!current.parentSpanId) return INTERNAL_OPERATION;
      const parent = this.traces.span(current.traceId, current.parentSpanId);
      if (!parent) return undefined;
      if (parent.service !== span.service) return INTERNAL_OPERATION;
      if (parent.kind === SpanKind.SERVER) return this.operations.of(parent);
      current = parent;
    }
    return INTERNAL_OPERATION;
  }
}
