/** The background traffic generator as the cockpit shows it: one answer for GET and POST /api/traffic. */
export interface TrafficState {
  enabled: boolean;
  /** Desired replicas (0 = off). */
  replicas: number;
  ready: number;
}
