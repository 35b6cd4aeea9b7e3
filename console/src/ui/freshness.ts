/**
 * Whether a panel's data is stale, and why: a panel keeps its last good data when a refresh fails,
 * and says so with that data's age and the reason, instead of replacing it by an error.
 */
export interface Staleness {
  /** Epoch ms of the read behind the data shown. */
  readAt: number;
  /** Why the newest refresh failed. */
  reason: string;
}

/**
 * From what the live stream last said of a topic (`readAt` of the value shown, the newest read's
 * error), or, while the stream is down, from the query's own poll (its error, when its data was
 * fetched). Undefined while the data is fresh.
 */
export function staleness(
  live: { readAt: number | null; error?: { message: string } } | undefined,
  poll: { error: Error | null; dataUpdatedAt: number },
  connected: boolean,
): Staleness | undefined {
  if (connected) {
    if (!live?.error || live.readAt === null) return undefined;
    return { readAt: live.readAt, reason: live.error.message };
  }
  if (!poll.error || poll.dataUpdatedAt === 0) return undefined;
  return { readAt: poll.dataUpdatedAt, reason: poll.error.message };
}

/** "stale: 42 s old" / "stale: 3 min old", as a presenter reads it at a glance. */
export function describeAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s old`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min old` : `${Math.round(minutes / 60)} h old`;
}
