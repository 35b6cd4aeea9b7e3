import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Replica } from './replica';
import type { Revision } from './revisions';

/** What a ReplicaSet's view needs of the Deployment that owns it. */
export interface ReplicaSetOwner {
  name: string;
  namespace: string;
  uid: string;
  selector: Record<string, string>;
  desired: number;
  maxSurge: number;
  changeCause: string | undefined;
}

/**
 * The ReplicaSet object the Kubernetes API shows for one revision: the current one wants the
 * Deployment's replicas, an old one what it still runs; counts come from its running replicas.
 */
export function replicaSetView(
  revision: Revision,
  running: Replica[],
  current: boolean,
  owner: ReplicaSetOwner,
): V1ReplicaSet {
  const ready = running.filter((r) => r.ready).length;
  const labels = { ...(revision.template.metadata?.labels ?? {}), 'pod-template-hash': revision.hash };
  // Kubernetes omits zero counts from the JSON; clients read them as absent.
  const count = (n: number) => (n > 0 ? n : undefined);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${owner.name}-${revision.hash}`,
      namespace: owner.namespace,
      uid: revision.uid,
      creationTimestamp: revision.createdAt,
      labels,
      annotations: {
        'deployment.kubernetes.io/revision': String(revision.revision),
        'deployment.kubernetes.io/desired-replicas': String(owner.desired),
        'deployment.kubernetes.io/max-replicas': String(owner.desired + owner.maxSurge),
        ...(owner.changeCause ? { 'kubernetes.io/change-cause': owner.changeCause } : {}),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: owner.name,
          uid: owner.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: current ? owner.desired : running.length,
      selector: { matchLabels: { ...owner.selector, 'pod-template-hash': revision.hash } },
      template: { ...structuredClone(revision.template), metadata: { ...revision.template.metadata, labels } },
    },
    status: {
      replicas: running.length,
      ...(count(ready) ? { readyReplicas: ready, availableReplicas: ready } : {}),
      fullyLabeledReplicas: count(running.length),
      observedGeneration: 1,
    },
  };
}
