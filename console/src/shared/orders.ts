/** What POST /api/orders answers: the Order API's status, body and latency as a client saw them. */
export interface SubmitResult {
  status: number;
  latencyMs: number;
  body: unknown;
  /** The Order API address the order went to. */
  url: string;
}
