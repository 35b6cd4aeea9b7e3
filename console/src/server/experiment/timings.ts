import type { SeriesPoint } from '../../shared/signals';

/** What counts as a period showing the fault (Scenario.detection, with its threshold resolved). */
export type ElevatedRule = { kind: 'faults' } | { kind: 'latency'; p50AtLeastMs: number };

export function isElevated(point: SeriesPoint, rule: ElevatedRule): boolean {
  return rule.kind === 'faults' ? point.faults > 0 : point.p50 !== null && point.p50 >= rule.p50AtLeastMs;
}

/** How many periods before the inject make the latency baseline (the steady state's periods). */
export const BASELINE_PERIODS = 6;

/**
 * The latency rule for a slow-database run: a p50 at least half the hold above the median p50 of
 * the last BASELINE_PERIODS periods before the inject (0 ms when there were none). Only the last
 * few: a window reaching further back may hold an earlier fault.
 */
export function latencyRule(
  points: SeriesPoint[],
  periodSeconds: number,
  injectAt: number,
  holdSeconds: number,
): ElevatedRule {
  const before = points
    .filter((p) => p.t + periodSeconds * 1000 <= injectAt && p.p50 !== null)
    .slice(-BASELINE_PERIODS)
    .map((p) => p.p50 as number)
    .sort((a, b) => a - b);
  const median = before.length > 0 ? (before[Math.floor((before.length - 1) / 2)] ?? 0) : 0;
  return { kind: 'latency', p50AtLeastMs: median + (holdSeconds * 1000) / 2 };
}

/**
 * Detection: from the inject's "verified" to the end of the first period, ending after it, that
 * shows the fault (null if none has yet). Recovery: from the Restore's "verified" to the end of
 * the last period, ending after it, that still shows it (0 if none; null before the Restore is
 * verified). Times are period ends because that is when a period's datapoint can exist at all.
 */
export function serviceTimes(
  points: SeriesPoint[],
  periodSeconds: number,
  rule: ElevatedRule,
  verifiedAt: number | undefined,
  restoredAt: number | undefined,
): { detectionSeconds: number | null; recoverySeconds: number | null } {
  const step = periodSeconds * 1000;
  const end = (p: SeriesPoint) => p.t + step;
  let detectionSeconds: number | null = null;
  if (verifiedAt !== undefined) {
    const first = points.find(
      (p) => end(p) > verifiedAt && (restoredAt === undefined || p.t < restoredAt) && isElevated(p, rule),
    );
    if (first) detectionSeconds = (end(first) - verifiedAt) / 1000;
  }
  let recoverySeconds: number | null = null;
  if (restoredAt !== undefined) {
    const last = points.filter((p) => end(p) > restoredAt && isElevated(p, rule)).at(-1);
    recoverySeconds = last ? (end(last) - restoredAt) / 1000 : 0;
  }
  return { detectionSeconds, recoverySeconds };
}
