/**
 * The parts of OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) that
 * local-cloud reads: spans with their resource's service name. Ids are hex strings, 64-bit numbers
 * may arrive as strings, enums as integers.
 */

export type AttributeValue = string | number | boolean | AttributeValue[] | undefined;
export type Attributes = Record<string, AttributeValue>;

export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Attributes;
  statusCode: number;
  service: string;
}

interface JsonAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: JsonAnyValue[] };
}
interface JsonKeyValue {
  key: string;
  value?: JsonAnyValue;
}
interface JsonSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: JsonKeyValue[];
  status?: { code?: number };
}
interface JsonTraces {
  resourceSpans?: { resource?: { attributes?: JsonKeyValue[] }; scopeSpans?: { spans?: JsonSpan[] }[] }[];
}

export class OtlpFormatError extends Error {}

function toValue(value: JsonAnyValue | undefined): AttributeValue {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(toValue);
  return undefined;
}

export function toAttributes(list: JsonKeyValue[] | undefined): Attributes {
  const attributes: Attributes = {};
  for (const entry of list ?? []) attributes[entry.key] = toValue(entry.value);
  return attributes;
}

/** Nanosecond strings lose precision as numbers; milliseconds with a fraction are plenty. */
function nanosToMs(value: string | number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value / 1e6;
  const text = value.padStart(7, '0');
  return Number(text.slice(0, -6)) + Number(text.slice(-6)) / 1e6;
}

export function parseTraces(body: unknown): Span[] {
  if (typeof body !== 'object' || body === null)
    throw new OtlpFormatError('body must be an ExportTraceServiceRequest object');
  const request = body as JsonTraces;
  if (request.resourceSpans !== undefined && !Array.isArray(request.resourceSpans)) {
    throw new OtlpFormatError('resourceSpans must be a list');
  }
  const spans: Span[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = toAttributes(resourceSpans.resource?.attributes);
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'UnknownService';
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        if (!span.traceId || !span.spanId) throw new OtlpFormatError('every span needs traceId and spanId');
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
          name: span.name ?? '',
          kind: span.kind ?? SpanKind.INTERNAL,
          startMs: nanosToMs(span.startTimeUnixNano),
          endMs: nanosToMs(span.endTimeUnixNano),
          attributes: toAttributes(span.attributes),
          statusCode: span.status?.code ?? StatusCode.UNSET,
          service,
        });
      }
    }
  }
  return spans;
}

/** Counts data points in an ExportMetricsServiceRequest (local-cloud accepts metrics but derives its own). */
export function countMetricPoints(body: unknown): number {
  if (typeof body !== 'object' || body === null)
    throw new OtlpFormatError('body must be an ExportMetricsServiceRequest object');
  let points = 0;
  const request = body as {
    resourceMetrics?: { scopeMetrics?: { metrics?: Record<string, { dataPoints?: unknown[] }>[] }[] }[];
  };
  for (const resource of request.resourceMetrics ?? []) {
    for (const scope of resource.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        for (const value of Object.values(metric)) {
          if (typeof value === 'object' && value !== null && Array.isArray(value.dataPoints))
            points += value.dataPoints.length;
        }
      }
    }
  }
  return points;
}
