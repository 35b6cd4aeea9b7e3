/**
 * How fast metrics can be read. `fast` is local-cloud's default: 1-second data, readable within a
 * second. `aws` is Application Signals on AWS, which local-cloud imitates in rehearsal mode
 * (`npm run demo -- --aws-timing`): standard-resolution metrics (60 s periods at least) that
 * appear minutes after the fact. The console's aws target assumes the same figures, so a
 * rehearsal shows what the audience will see, and when.
 */
export const METRIC_TIMINGS = ['fast', 'aws'] as const;
export type MetricTiming = (typeof METRIC_TIMINGS)[number];

export const AWS_METRIC_TIMING = {
  /** The finest period of a standard-resolution metric. */
  periodSeconds: 60,
  /**
   * How long after its minute ends a datapoint is assumed readable. Application Signals metrics
   * travel as EMF log events; AWS publishes no figure, a few minutes is what users report.
   */
  publishLagSeconds: 180,
} as const;
