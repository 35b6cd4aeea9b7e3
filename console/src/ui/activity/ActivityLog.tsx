'use client';

import { Card, formatTime } from '../common/Card';
import { LiveNotice } from '../common/LiveNotice';
import { auditQuery } from '../api';
import { useLiveQuery } from '../live';

/** The append-only audit log: who did what, when, and how it ended. */
export function ActivityLog() {
  const audit = useLiveQuery('audit', auditQuery);
  const { data } = audit;
  return (
    <Card title="Activity" testId="activity-log">
      <LiveNotice topic="audit" query={audit} testId="audit-stale" />
      <ul className="max-h-72 overflow-auto text-xs">
        {data?.entries.map((entry) => (
          <li
            key={entry.id}
            className="grid grid-cols-[4.5rem_1fr] gap-2 border-t border-slate-100 py-1"
            data-testid="activity-entry"
          >
            <span className="text-slate-500">{formatTime(entry.at)}</span>
            <span>
              <span className="font-medium">{entry.action}</span> {entry.outcome}{' '}
              <span className="text-slate-400">by {entry.actor}</span>
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
