import 'server-only';
import type { V1Deployment } from '@kubernetes/client-node';
import type { AppNames } from '@demo/contracts';
import type { TrafficState } from '../shared/traffic';
import type { AuditLog } from './audit';
import type { Kube } from './kube';

function toTrafficState(deployment: V1Deployment): TrafficState {
  const replicas = deployment.spec?.replicas ?? 0;
  return { enabled: replicas > 0, replicas, ready: deployment.status?.readyReplicas ?? 0 };
}

/** The traffic generator's Deployment, read and scaled through the Kubernetes API. */
export class BackgroundTraffic {
  constructor(
    private readonly kube: Kube,
    private readonly audit: AuditLog,
    private readonly names: AppNames,
    /** Throws to refuse turning traffic on (the kill switch); turning it off is always allowed. */
    private readonly gate: () => void = () => undefined,
  ) {}

  async read(): Promise<TrafficState> {
    return toTrafficState(await this.kube.readDeployment(this.names.trafficGenerator));
  }

  /** Scales to 1 replica (on) or 0 (off), and records who did it. */
  async set(enabled: boolean, actor: string): Promise<TrafficState> {
    if (enabled) this.gate();
    const state = toTrafficState(await this.kube.scale(this.names.trafficGenerator, enabled ? 1 : 0));
    this.audit.append({
      actor,
      action: enabled ? 'traffic.on' : 'traffic.off',
      outcome: 'succeeded',
      detail: { replicas: state.replicas },
    });
    return state;
  }
}
