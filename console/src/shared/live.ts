/**
 * The live stream's topics: one per data source the console server collects (one reader, shared
 * by every tab). The browser names the topics it shows; the server pushes each change.
 */
export const FIXED_TOPICS = [
  'status',
  'orders',
  'audit',
  'traffic',
  'fault',
  'bursts',
  'map',
  'slos',
  'discovery',
] as const;
export type FixedTopic = (typeof FIXED_TOPICS)[number];

/** The relative windows a chart can follow live; a custom window is a one-off read, not a topic. */
export const LIVE_RANGES = ['5m', '15m', '1h', '3h'] as const;
export type LiveRange = (typeof LIVE_RANGES)[number];
export const LIVE_RANGE_MS: Record<LiveRange, number> = {
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  '1h': 3600_000,
  '3h': 3 * 3600_000,
};

export function isLiveRange(range: string): range is LiveRange {
  return (LIVE_RANGES as readonly string[]).includes(range);
}

export interface ChartTopic {
  service: string;
  operation: string;
  range: LiveRange;
}

/** `chart/<range>/<service>/<operation>`, each part URI-encoded (operations hold `/` and spaces). */
export function chartTopic({ service, operation, range }: ChartTopic): string {
  return ['chart', range, service, operation].map(encodeURIComponent).join('/');
}

/** The chart a topic names, or undefined when it names none. */
export function parseChartTopic(topic: string): ChartTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'chart') return undefined;
  try {
    const [range, service, operation] = parts.slice(1).map(decodeURIComponent) as [string, string, string];
    if (!isLiveRange(range) || service.length === 0 || service.length > 200) return undefined;
    if (operation.length > 300) return undefined;
    return { service, operation, range };
  } catch {
    return undefined; // a malformed %-escape
  }
}

export function isTopic(topic: string): boolean {
  return (FIXED_TOPICS as readonly string[]).includes(topic) || parseChartTopic(topic) !== undefined;
}

/** One event of the stream: a topic's value when it changed, or only its new read time. */
export interface LiveMessage {
  topic: string;
  version: number;
  /** Epoch ms of the read behind the value (null before the first good read). */
  readAt: number | null;
  /** Present when the value changed since the last message of this topic on this stream. */
  value?: unknown;
  /** The newest read failed; the last good value stands, and is this stale. */
  error?: { message: string; status: number };
}
