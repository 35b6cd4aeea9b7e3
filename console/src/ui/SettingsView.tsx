'use client';

import { useQuery } from '@tanstack/react-query';
import { Card, ErrorText } from './common/Card';
import { targetQuery } from './api';

export function SettingsView() {
  const { data, error } = useQuery(targetQuery);
  const rows: [string, string][] = data
    ? [
        ['Target', data.kind],
        ['Application Signals environment', data.environment],
        ['Prefix', data.prefix],
        ['Region', data.region],
        ['Namespace', data.namespace],
        ...(data.clusterName ? ([['EKS cluster', data.clusterName]] as [string, string][]) : []),
        ...Object.entries(data.clients),
        ...Object.entries(data.sources).map(([k, v]) => [`${k} from`, v] as [string, string]),
        ['Burst caps', `${data.caps.maxRate}/s, ${data.caps.maxDurationSeconds} s, ${data.caps.maxInFlight} in flight`],
        ['Auto-restore', data.autoRestoreMinutes > 0 ? `${data.autoRestoreMinutes} min after an inject` : 'off'],
        [
          'Operator token',
          data.operatorTokenRequired ? 'required (bound beyond loopback)' : 'not required (loopback only)',
        ],
      ]
    : [];
  return (
    <Card title="Settings" testId="settings">
      <ErrorText error={error} />
      <dl className="grid grid-cols-[14rem_1fr] gap-x-4 gap-y-2 text-sm">
        {rows.map(([key, value]) => (
          <div key={key} className="contents">
            <dt className="text-slate-500">{key}</dt>
            <dd className="break-all font-mono text-xs" data-testid={`setting-${key}`}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
