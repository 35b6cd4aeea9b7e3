import 'server-only';
import type { Kube } from '../kube';
import type { PoolParameterStore } from '../pool-parameters';
import type { RunbookPorts } from './types';

/**
 * The runbook's ports on the real clients: the pool parameters through SSM, the Delivery API's
 * Deployment and pods through the Kubernetes API. The same wiring serves both targets.
 */
export function clusterRunbookPorts(kube: Kube, parameters: PoolParameterStore, deployment: string): RunbookPorts {
  return {
    readParams: async () => (await parameters.read()).params,
    writeParams: (params) => parameters.write(params),
    restart: async () => (await kube.restart(deployment)).metadata?.generation ?? 0,
    rollout: async () => {
      const { state, generation } = await kube.rollout(deployment);
      return { state, generation };
    },
    configs: () => kube.deliveryConfigs(deployment),
  };
}
