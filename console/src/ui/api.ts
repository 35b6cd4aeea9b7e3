import { queryOptions } from '@tanstack/react-query';
import type { RecentOrdersResponse } from '@demo/contracts';
import type { BurstRecord } from '../shared/bursts';
import type { FaultView } from '../shared/fault';
import type { ScenarioId } from '../shared/scenarios';
import type { ChartView, Discovery, ServiceMap, SloRow } from '../shared/signals';
import type { AuditEntry, StatusView, TargetView } from '../shared/status';
import type { TrafficState } from '../shared/traffic';

/** A problem the console's API answered with: `{error, status_code, details?}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

async function parse<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as {
    error?: string;
    details?: { field: string; message: string }[];
  };
  if (!response.ok) throw new ApiError(response.status, body.error ?? `HTTP ${response.status}`, body.details);
  return body as T;
}

export function getJson<T>(path: string): Promise<T> {
  return fetch(path, { cache: 'no-store' }).then((r) => parse<T>(r));
}

export function postJson<T>(path: string, body?: unknown): Promise<T> {
  return sendJson<T>('POST', path, body);
}

export function putJson<T>(path: string, body: unknown): Promise<T> {
  return sendJson<T>('PUT', path, body);
}

function sendJson<T>(method: 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  return fetch(path, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).then((r) => parse<T>(r));
}

export const targetQuery = queryOptions({
  queryKey: ['target'],
  queryFn: () => getJson<TargetView>('/api/target'),
  staleTime: 60_000,
});
export const statusQuery = queryOptions({
  queryKey: ['status'],
  queryFn: () => getJson<StatusView>('/api/status'),
  refetchInterval: 5000,
});
export const recentOrdersQuery = queryOptions({
  queryKey: ['orders', 'recent'],
  queryFn: () => getJson<RecentOrdersResponse>('/api/orders?limit=10'),
  refetchInterval: 5000,
});
export const auditQuery = queryOptions({
  queryKey: ['audit'],
  queryFn: () => getJson<{ entries: AuditEntry[] }>('/api/audit?limit=50'),
  refetchInterval: 5000,
});
export const burstsQuery = queryOptions({
  queryKey: ['bursts'],
  queryFn: () =>
    getJson<{ running: BurstRecord | null; history: Omit<BurstRecord, 'snapshots'>[]; caps: TargetView['caps'] }>(
      '/api/bursts',
    ),
  refetchInterval: 10_000,
});
export const trafficQuery = queryOptions({
  queryKey: ['traffic'],
  queryFn: () => getJson<TrafficState>('/api/traffic'),
  refetchInterval: 5000,
});
/** The runbook's state (the live topic `fault`): running run, history, fault active, auto-restore. */
export const faultStateQuery = queryOptions({
  queryKey: ['fault', 'state'],
  queryFn: async (): Promise<Omit<FaultView, 'plans'>> => {
    const { plans: _plans, ...state } = await getJson<FaultView>('/api/fault');
    return state;
  },
  // Without the live stream: fast only while a run is in progress; the runbook lives on the server either way.
  refetchInterval: (query) => (query.state.data?.running ? 500 : 5000),
});

/** The exact calls Inject (with this hold time) and Restore would make: they change only with the inputs. */
export function faultPlansQuery(scenario: ScenarioId, delaySeconds: number) {
  return queryOptions({
    queryKey: ['fault', 'plans', scenario, delaySeconds],
    queryFn: async () =>
      (
        await getJson<FaultView>(
          `/api/fault?${new URLSearchParams({ scenario, delay: String(delaySeconds) }).toString()}`,
        )
      ).plans,
    staleTime: 30_000,
  });
}

export interface WindowChoice {
  from: number;
  to: number;
}

export function discoveryQuery() {
  return queryOptions({
    queryKey: ['signals', 'discovery'],
    queryFn: () => getJson<Discovery>('/api/signals/discovery'),
    refetchInterval: 30_000,
  });
}

/**
 * A chart's data. `window` is called at each fetch, so a relative range ("last 15 min") moves with
 * time; auto-refresh is no faster than the data can change (once per metric period: 5 s local,
 * 60 s on AWS), and off for a fixed custom window.
 */
export function chartQuery(
  service: string,
  operation: string,
  range: { key: string; live: boolean; window: () => WindowChoice },
) {
  return queryOptions({
    queryKey: ['signals', 'chart', service, operation, range.key],
    queryFn: () => {
      // A live range is the server's shared chart (every tab the same reads); a custom window a one-off.
      const window = range.window();
      const params = new URLSearchParams(
        range.live ? { service, range: range.key } : { service, from: String(window.from), to: String(window.to) },
      );
      if (operation) params.set('operation', operation);
      return getJson<ChartView>(`/api/signals/chart?${params.toString()}`);
    },
    refetchInterval: (query) =>
      range.live ? Math.max(5000, (query.state.data?.window.periodSeconds ?? 5) * 1000) : false,
    enabled: Boolean(service),
  });
}

export function mapQuery() {
  return queryOptions({
    queryKey: ['signals', 'map'],
    queryFn: () => getJson<ServiceMap>('/api/signals/map'),
    refetchInterval: (query) => (query.state.data?.refreshSeconds ?? 10) * 1000,
  });
}

export const slosQuery = queryOptions({
  queryKey: ['slos'],
  queryFn: () => getJson<{ slos: SloRow[] }>('/api/slos'),
  refetchInterval: 15_000,
});

export function burstQuery(id: string | undefined, running: boolean) {
  return queryOptions({
    queryKey: ['burst', id],
    queryFn: () => getJson<BurstRecord>(`/api/bursts/${id}`),
    enabled: Boolean(id),
    refetchInterval: running ? 5000 : false,
  });
}
