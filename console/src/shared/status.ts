import type { DeliveryConfig, PoolParams } from '@demo/contracts';

export type Light = 'green' | 'amber' | 'red';

export interface Chip {
  name: string;
  light: Light;
  /** Why it has that colour (shown on hover). */
  reason: string;
}

export interface PoolView {
  desired?: PoolParams;
  replicas: { pod: string; effective: DeliveryConfig['effective']; drift: string[] }[];
  /** True when some replica does not run what SSM says (a restart is needed). */
  drift: boolean;
}

export interface StatusView {
  chips: Chip[];
  pool: PoolView;
  checkedAt: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  outcome: string;
  detail: Record<string, unknown>;
}

export interface TargetView {
  kind: 'local' | 'aws';
  prefix: string;
  region: string;
  namespace: string;
  environment: string;
  clusterName: string | null;
  sources: Record<string, string>;
  clients: Record<string, string>;
  caps: { maxRate: number; maxDurationSeconds: number; maxInFlight: number };
  autoRestoreMinutes: number;
  operatorTokenRequired: boolean;
  /** What this browser may do: the operator drives, a viewer only watches. */
  role: 'operator' | 'viewer';
  startedAt: string;
}
