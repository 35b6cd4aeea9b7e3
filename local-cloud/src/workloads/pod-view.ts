import { createHash } from 'node:crypto';
import type { V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { Replica } from './replica';

/** What a pod's view needs of the Deployment that owns it. */
export interface PodOwner {
  /** The ReplicaSet that owns the pod (the Deployment owns the ReplicaSet). */
  replicaSet: string;
  replicaSetUid: string;
  namespace: string;
  template: V1PodTemplateSpec;
  terminationGraceMs: number;
}

/** The Pod object the Kubernetes API shows for one replica process (terminating ones with deletionTimestamp). */
export function podView(replica: Replica, owner: PodOwner): V1Pod {
  const container = owner.template.spec?.containers[0];
  const state = replica.state;
  const phase =
    state.kind === 'running' || state.kind === 'waiting'
      ? state.kind === 'running'
        ? 'Running'
        : 'Pending'
      : 'Failed';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: replica.name,
      namespace: owner.namespace,
      uid: createHash('sha256').update(replica.name).digest('hex').slice(0, 32),
      creationTimestamp: replica.createdAt,
      labels: { ...(owner.template.metadata?.labels ?? {}), 'pod-template-hash': replica.templateHash },
      annotations: {
        ...(owner.template.metadata?.annotations ?? {}),
        'local-cloud/port': String(replica.port),
      },
      ...(replica.deletedAt
        ? {
            deletionTimestamp: replica.deletedAt,
            deletionGracePeriodSeconds: Math.round(owner.terminationGraceMs / 1000),
          }
        : {}),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: owner.replicaSet,
          uid: owner.replicaSetUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      containers: container
        ? [{ ...container, ports: [{ containerPort: replica.port, name: 'http', protocol: 'TCP' }] }]
        : [],
      terminationGracePeriodSeconds: Math.round(owner.terminationGraceMs / 1000),
    },
    status: {
      phase,
      podIP: '127.0.0.1',
      hostIP: '127.0.0.1',
      startTime: replica.createdAt,
      conditions: [
        { type: 'Ready', status: replica.ready ? 'True' : 'False' },
        { type: 'ContainersReady', status: replica.ready ? 'True' : 'False' },
      ],
      containerStatuses: [
        {
          name: container?.name ?? owner.replicaSet,
          image: container?.image ?? '',
          imageID: '',
          ready: replica.ready,
          started: state.kind === 'running',
          restartCount: replica.restarts,
          state:
            state.kind === 'running'
              ? { running: { startedAt: state.startedAt } }
              : state.kind === 'waiting'
                ? { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } }
                : {
                    terminated: {
                      exitCode: state.exitCode ?? 137,
                      reason: state.signal ?? 'Completed',
                      finishedAt: state.finishedAt,
                    },
                  },
        },
      ],
    },
  };
}
