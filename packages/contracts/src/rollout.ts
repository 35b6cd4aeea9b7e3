/**
 * Whether a Deployment's rollout is done, by the same rules as `kubectl rollout status`
 * (DeploymentStatusViewer): the controller has observed the spec, every replica is updated, no
 * old one is left, and every updated one is available. Shared by the console's runbook, the
 * scripts' tests and local-cloud's tests, and typed loosely so it fits client-node's V1Deployment.
 */
export interface DeploymentLike {
  metadata?: { name?: string; generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: { type?: string; reason?: string }[];
  };
}

export type RolloutState =
  { phase: 'done'; message: string } | { phase: 'progressing'; message: string } | { phase: 'failed'; message: string };

export function rolloutState(deployment: DeploymentLike): RolloutState {
  const name = deployment.metadata?.name ?? 'deployment';
  const status = deployment.status ?? {};
  if ((deployment.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { phase: 'progressing', message: 'Waiting for deployment spec update to be observed...' };
  }
  if (status.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')) {
    return { phase: 'failed', message: `deployment "${name}" exceeded its progress deadline` };
  }
  const desired = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desired) {
    return {
      phase: 'progressing',
      message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...`,
    };
  }
  if (total > updated) {
    return {
      phase: 'progressing',
      message: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      phase: 'progressing',
      message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { phase: 'done', message: `deployment "${name}" successfully rolled out` };
}
