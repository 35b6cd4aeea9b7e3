import { isSpanContextValid, trace } from '@opentelemetry/api';

/** The active trace id, or null when no tracer is installed (plain `node dist/server.js`). */
export function currentTraceId(): string | null {
  const span = trace.getActiveSpan();
  if (!span) return null;
  const context = span.spanContext();
  return isSpanContextValid(context) ? context.traceId : null;
}
