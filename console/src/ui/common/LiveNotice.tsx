'use client';

import { useEffect, useState } from 'react';
import { describeAge, staleness, type Staleness } from '../freshness';
import { useLiveConnected, useTopicReport } from '../live';
import { ErrorText } from './Card';

/**
 * Under a panel's title: nothing while its data is fresh; "stale, N s old: <why>" while a refresh
 * fails and the last good data stays shown; the error itself only when there is no data to keep.
 */
export function LiveNotice({
  topic,
  query,
  testId,
}: {
  topic: string | undefined;
  query: { data: unknown; error: Error | null; dataUpdatedAt: number };
  testId: string;
}) {
  const connected = useLiveConnected();
  const report = useTopicReport(topic);
  const stale = query.data === undefined ? undefined : staleness(report, query, Boolean(topic) && connected);
  if (query.data === undefined)
    return <ErrorText error={query.error ?? (report?.error ? new Error(report.error.message) : null)} />;
  return stale ? <StaleNote stale={stale} testId={testId} /> : null;
}

/** Mounted while the data is stale, so its clock starts then and ticks each second. */
function StaleNote({ stale, testId }: { stale: Staleness; testId: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <p className="mb-2 rounded bg-amber-50 px-2 py-1 text-xs text-amber-900" data-testid={testId} role="status">
      Stale, {describeAge(now - stale.readAt)}: could not refresh ({stale.reason})
    </p>
  );
}
