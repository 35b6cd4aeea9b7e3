/**
 * One trace in a list, as local-cloud's `GET /api/traces` answers it and as the console shows it.
 * Only local-cloud serves traces: on AWS the console links to X-Ray in the CloudWatch console instead.
 */
export interface TraceSummary {
  traceId: string;
  /** Service and operation of the trace's first server span. */
  service: string;
  operation: string;
  startMs: number;
  durationMs: number;
  spanCount: number;
  services: string[];
  httpStatus?: number;
  fault: boolean;
  error: boolean;
}
