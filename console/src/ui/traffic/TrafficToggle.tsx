'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TrafficState } from '../../shared/traffic';
import { postJson, trafficQuery } from '../api';
import { useLiveQuery } from '../live';

/** Background traffic on/off: scales the traffic generator Deployment between 0 and 1 replicas. */
export function TrafficToggle() {
  const queryClient = useQueryClient();
  const traffic = useLiveQuery('traffic', trafficQuery);
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => postJson<TrafficState>('/api/traffic', { enabled }),
    onSuccess: (state) => queryClient.setQueryData(trafficQuery.queryKey, state),
  });
  return (
    <label
      className="flex items-center gap-2 text-xs text-slate-600"
      title={toggle.error ? toggle.error.message : 'Scales the traffic generator Deployment between 0 and 1 replicas'}
    >
      <input
        type="checkbox"
        checked={traffic.data?.enabled ?? false}
        disabled={!traffic.data || toggle.isPending}
        onChange={(e) => toggle.mutate(e.target.checked)}
        data-testid="traffic-toggle"
      />
      Background traffic {traffic.data ? `(${traffic.data.ready}/${traffic.data.replicas} running)` : ''}
      {toggle.error && <span className="text-red-700">{toggle.error.message}</span>}
    </label>
  );
}
