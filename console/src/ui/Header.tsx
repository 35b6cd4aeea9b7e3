'use client';

import { useQuery } from '@tanstack/react-query';
import { targetQuery } from './api';

export function Header({ current }: { current: 'cockpit' | 'settings' | 'service' | 'experiment' }) {
  const { data } = useQuery(targetQuery);
  const link = (href: string, label: string, active: boolean) => (
    <a href={href} className={`text-sm ${active ? 'font-semibold text-slate-900' : 'text-blue-700 hover:underline'}`}>
      {label}
    </a>
  );
  return (
    <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 bg-white px-6 py-3">
      <div className="flex items-center gap-3">
        <h1 className="text-lg font-semibold">Application Signals demo</h1>
        {data && (
          <span
            className="rounded bg-slate-100 px-2 py-0.5 font-mono text-xs"
            data-testid="target-chip"
            title={Object.values(data.clients).join('\n')}
          >
            {data.kind === 'local' ? 'local-cloud' : `EKS ${data.clusterName ?? ''}`} · {data.environment}
          </span>
        )}
        {data?.role === 'viewer' && (
          <span
            className="rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-800"
            data-testid="viewer-chip"
            title="Signed in with the viewer token: the cockpit is live, and only the operator can change anything"
          >
            read-only viewer
          </span>
        )}
      </div>
      <nav className="flex gap-4">
        {link('/', 'Cockpit', current === 'cockpit')}
        {link('/settings', 'Settings', current === 'settings')}
      </nav>
    </header>
  );
}
