import type { AppNames } from '@demo/contracts';
import { ChangeEventLog } from './aws/application-signals/change-events';
import type { ParameterWriteListener } from './aws/ssm/provider';
import type { Cluster, RolloutEvent } from './kube/cluster';

/**
 * What feeds Application Signals' change events here: the cluster's rollouts are DEPLOYMENT
 * events of the service of that name; writes of the demo's pool and fault parameters are
 * CONFIGURATION events of the Delivery API, which reads them at start.
 */
export function changeFeed(
  cluster: Cluster,
  names: AppNames,
  environment: string,
  region: string,
): { changes: ChangeEventLog; onParameterWrite: ParameterWriteListener } {
  const changes = new ChangeEventLog(region);
  const service = (name: string) => ({ Type: 'Service' as const, Name: name, Environment: environment });
  cluster.events.on('rollout', (rollout: RolloutEvent) =>
    changes.record({
      type: 'DEPLOYMENT',
      service: service(rollout.name),
      eventName: 'PatchDeployment',
      userName: 'kubeconfig-user',
    }),
  );
  const deliveryParameters = new Set<string>(Object.values(names.parameters));
  const onParameterWrite: ParameterWriteListener = (written, operation) => {
    if (written.some((name) => deliveryParameters.has(name)))
      changes.record({
        type: 'CONFIGURATION',
        service: service(names.deliveryApi),
        eventName: operation,
        userName: 'local-cloud',
      });
  };
  return { changes, onParameterWrite };
}
