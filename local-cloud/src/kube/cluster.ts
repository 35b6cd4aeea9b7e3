import { EventEmitter } from 'node:events';
import type { CoreV1Event, V1Deployment, V1Pod, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { Deployment, WorkloadEvent } from '../workloads/deployment';
import { EventLog } from './event-log';
import type { Replica } from '../workloads/replica';
import { invalid, KubeError, notFound } from './errors';
import { jsonPatch, JsonPatchError, mergePatch, strategicMergePatch } from './patch';

export const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
} as const;

/** A Deployment got a new pod template (a rollout): what Application Signals records as a DEPLOYMENT. */
export interface RolloutEvent {
  namespace: string;
  name: string;
}

export interface DeploymentEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: V1Deployment;
}

/** How long after a patch the Deployment controller acts on it. */
const CONTROLLER_LAG_MS = 50;

/** How many Deployment events a watch can catch up on (status changes included: minutes of a demo). */
const HISTORY_EVENTS = 1000;

/**
 * The cluster's state: Deployments (run by their controllers), Services, and resource versions.
 * A Deployment's resourceVersion moves whenever what the API shows of it changes, status
 * included, since its status is derived; watchers hear about each change.
 */
export class Cluster {
  readonly events = new EventEmitter();
  private resourceVersion = 1;
  private readonly deployments = new Map<string, Deployment>();
  private readonly services = new Map<string, V1Service>();
  private readonly shown = new Map<Deployment, { fingerprint: string; resourceVersion: string }>();
  private timer: NodeJS.Timeout | undefined;
  private nudged = false;
  private stopped = false;
  /** The newest Deployment events, so a watch from a recent resourceVersion replays what it missed. */
  private readonly history: DeploymentEvent[] = [];
  /** The resourceVersion of the newest event dropped from history: older watches get 410 Gone. */
  private compactedThrough = 0;

  private readonly eventLog = new EventLog(() => String(++this.resourceVersion));

  constructor(readonly namespaces: readonly string[] = ['default']) {
    this.events.setMaxListeners(100);
  }

  /** Records what a controller did as a core/v1 Event (the Deployment hooks' onEvent). */
  recordEvent(event: WorkloadEvent): void {
    this.eventLog.record(event);
  }

  listEvents(namespace: string | undefined): CoreV1Event[] {
    return this.eventLog.list(namespace);
  }

  listReplicaSets(namespace: string | undefined): V1ReplicaSet[] {
    return this.allDeployments()
      .filter((d) => namespace === undefined || d.object.metadata.namespace === namespace)
      .flatMap((d) => d.replicaSets().map((rs) => this.versioned(d, rs)));
  }

  replicaSet(namespace: string, name: string): V1ReplicaSet {
    const found = this.listReplicaSets(namespace).find((rs) => rs.metadata?.name === name);
    if (!found) throw notFound('replicasets', name, 'apps');
    return found;
  }

  /** A ReplicaSet changes whenever its Deployment's view does; it shares that resourceVersion. */
  private versioned(deployment: Deployment, replicaSet: V1ReplicaSet): V1ReplicaSet {
    const { resourceVersion } = this.refresh(deployment);
    return { ...replicaSet, metadata: { ...replicaSet.metadata, resourceVersion } };
  }

  get currentResourceVersion(): string {
    return String(this.resourceVersion);
  }

  /**
   * The Deployment events after `resourceVersion`, oldest first, as etcd keeps them for a while;
   * undefined when that version is older than the history kept (the API server's 410 Expired).
   */
  deploymentEventsSince(resourceVersion: number): DeploymentEvent[] | undefined {
    if (resourceVersion < this.compactedThrough) return undefined;
    return this.history.filter((event) => Number(event.object.metadata?.resourceVersion) > resourceVersion);
  }

  addDeployment(deployment: Deployment): void {
    this.deployments.set(this.key(deployment.object.metadata.namespace, deployment.name), deployment);
    deployment.reconcile();
    this.refresh(deployment);
  }

  addService(service: V1Service): void {
    service.metadata = {
      ...service.metadata,
      resourceVersion: String(++this.resourceVersion),
      uid: crypto.randomUUID(),
      creationTimestamp: new Date(),
    };
    this.services.set(this.key(service.metadata.namespace ?? 'default', service.metadata.name ?? ''), service);
  }

  /** Reconciles every Deployment now and then every `intervalMs`. */
  start(intervalMs = 200): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), intervalMs);
  }

  /**
   * Reconciles soon (the next turn of the event loop, or `afterMs` later), once however often it
   * is asked: a replica changed (ready, exited) or a Deployment was patched, so its controller acts
   * and watchers hear about it now rather than at the next periodic tick.
   */
  nudge(afterMs = 0): void {
    if (this.nudged) return;
    this.nudged = true;
    setTimeout(() => {
      this.nudged = false;
      this.tick();
    }, afterMs).unref();
  }

  tick(): void {
    // A nudge or a patch's delayed sync may fire after stop: the controller must not start replicas then.
    if (this.stopped) return;
    for (const deployment of this.deployments.values()) {
      deployment.reconcile();
      this.refresh(deployment);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all([...this.deployments.values()].map((deployment) => deployment.stop()));
  }

  allDeployments(): Deployment[] {
    return [...this.deployments.values()];
  }

  deployment(namespace: string, name: string): Deployment {
    const found = this.deployments.get(this.key(namespace, name));
    if (!found) throw notFound('deployments', name, 'apps');
    return found;
  }

  /** The API's view of a Deployment: spec, metadata with its resourceVersion, derived status. */
  view(deployment: Deployment): V1Deployment {
    const shown = this.refresh(deployment);
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...structuredClone(deployment.object.metadata), resourceVersion: shown.resourceVersion },
      spec: structuredClone(deployment.object.spec),
      status: deployment.status(),
    };
  }

  listDeployments(namespace: string | undefined): V1Deployment[] {
    return this.allDeployments()
      .filter((d) => namespace === undefined || d.object.metadata.namespace === namespace)
      .map((d) => this.view(d));
  }

  listServices(namespace: string | undefined): V1Service[] {
    return [...this.services.values()]
      .filter((s) => namespace === undefined || s.metadata?.namespace === namespace)
      .map((s) => structuredClone(s));
  }

  service(namespace: string, name: string): V1Service {
    const found = this.services.get(this.key(namespace, name));
    if (!found) throw notFound('services', name);
    return structuredClone(found);
  }

  /** The ready replicas behind a Service (the pods its selector matches), as its Endpoints list them. */
  serviceEndpoints(namespace: string, name: string): Replica[] {
    const selector = Object.entries(this.service(namespace, name).spec?.selector ?? {});
    return this.allDeployments()
      .filter((d) => d.object.metadata.namespace === namespace)
      .filter((d) => selector.every(([key, value]) => d.object.spec?.template.metadata?.labels?.[key] === value))
      .flatMap((d) => d.replicas.filter((r) => r.ready && !r.terminating));
  }

  listPods(namespace: string | undefined): V1Pod[] {
    return this.allDeployments()
      .filter((d) => namespace === undefined || d.object.metadata.namespace === namespace)
      .flatMap((d) => d.pods());
  }

  /** The Pod object of one replica. */
  pod(namespace: string, podName: string): V1Pod | undefined {
    const { deployment, replica } = this.replica(namespace, podName);
    return deployment.pods().find((pod) => pod.metadata?.name === replica.name);
  }

  /** Deletes a pod: its replica terminates gracefully and the controller starts a replacement. */
  deletePod(namespace: string, podName: string): V1Pod | undefined {
    const { deployment, replica } = this.replica(namespace, podName);
    void replica.terminate();
    deployment.reconcile();
    return deployment.pods().find((pod) => pod.metadata?.name === replica.name);
  }

  /** The replica behind a pod name, for logs, proxying and deletion. */
  replica(namespace: string, podName: string) {
    for (const deployment of this.allDeployments()) {
      if (deployment.object.metadata.namespace !== namespace) continue;
      const replica = deployment.replicas.find((r) => r.name === podName);
      if (replica) return { deployment, replica };
    }
    throw notFound('pods', podName);
  }

  /**
   * Applies a merge or strategic-merge patch to a Deployment and validates the result the way the
   * API server would: the name, namespace and selector are immutable, replicas is a whole number
   * >= 0, template labels must match the selector. A stale resourceVersion in the patch is 409.
   */
  patchDeployment(namespace: string, name: string, patch: unknown, contentType: string): V1Deployment {
    const deployment = this.deployment(namespace, name);
    const before = this.view(deployment);
    const apply = this.patcher(contentType);
    const isJsonPatch = contentType.split(';')[0]?.trim() === PATCH_TYPES.json;
    if (!isJsonPatch && (typeof patch !== 'object' || patch === null || Array.isArray(patch))) {
      throw new KubeError(400, 'BadRequest', 'the patch must be a JSON object');
    }
    const wanted = isJsonPatch
      ? undefined
      : (patch as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    if (wanted !== undefined && wanted !== before.metadata?.resourceVersion) {
      throw new KubeError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on deployments.apps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: 'apps', kind: 'deployments' },
      );
    }
    let after: V1Deployment;
    try {
      after = apply({ metadata: before.metadata, spec: before.spec }, patch) as V1Deployment;
    } catch (error) {
      if (!(error instanceof JsonPatchError)) throw error;
      throw new KubeError(
        422,
        'Invalid',
        `the server rejected our request due to an error in our request: ${error.message}`,
      );
    }
    this.validate(name, before, after);
    const specChanged = JSON.stringify(after.spec) !== JSON.stringify(before.spec);
    const metadataChanged =
      JSON.stringify({ ...after.metadata, resourceVersion: undefined }) !==
      JSON.stringify({ ...before.metadata, resourceVersion: undefined });
    // A patch that changes nothing changes nothing: same resourceVersion, no event, no generation.
    if (!specChanged && !metadataChanged) return before;
    const { resourceVersion: _rv, ...metadata } = after.metadata ?? {};
    Object.assign(deployment.object.metadata, metadata, {
      generation: (deployment.object.metadata.generation ?? 1) + (specChanged ? 1 : 0),
    });
    Object.assign(deployment.object, { spec: after.spec });
    const templateChanged = JSON.stringify(after.spec?.template) !== JSON.stringify(before.spec?.template);
    this.refresh(deployment, true);
    // The answer shows the new generation not yet observed, as from an API server whose controller
    // acts a moment later: code that reads status too early fails here too.
    // One pending sync however many patches arrive meanwhile.
    this.nudge(CONTROLLER_LAG_MS);
    if (templateChanged) {
      const rollout: RolloutEvent = { namespace, name };
      this.events.emit('rollout', rollout);
    }
    return this.view(deployment);
  }

  private patcher(contentType: string): (target: unknown, patch: unknown) => unknown {
    const type = contentType.split(';')[0]?.trim();
    if (type === PATCH_TYPES.merge) return mergePatch;
    if (type === PATCH_TYPES.strategic) return strategicMergePatch;
    if (type === PATCH_TYPES.json) return jsonPatch;
    throw new KubeError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.json}, ${PATCH_TYPES.merge}, ${PATCH_TYPES.strategic}`,
    );
  }

  private validate(name: string, before: V1Deployment, after: V1Deployment): void {
    if (after.metadata?.name !== before.metadata?.name || after.metadata?.namespace !== before.metadata?.namespace) {
      throw invalid(
        'Deployment',
        name,
        { field: 'metadata.name', reason: 'FieldValueInvalid', message: 'Invalid value: field is immutable' },
        'apps',
      );
    }
    const replicas = after.spec?.replicas;
    if (replicas !== undefined && !(Number.isInteger(replicas) && replicas >= 0)) {
      throw invalid(
        'Deployment',
        name,
        {
          field: 'spec.replicas',
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        },
        'apps',
      );
    }
    if (JSON.stringify(after.spec?.selector) !== JSON.stringify(before.spec?.selector)) {
      throw invalid(
        'Deployment',
        name,
        { field: 'spec.selector', reason: 'FieldValueInvalid', message: 'Invalid value: field is immutable' },
        'apps',
      );
    }
    const labels = after.spec?.template.metadata?.labels ?? {};
    for (const [key, value] of Object.entries(after.spec?.selector.matchLabels ?? {})) {
      if (labels[key] !== value)
        throw invalid(
          'Deployment',
          name,
          {
            field: 'spec.template.metadata.labels',
            reason: 'FieldValueInvalid',
            message: 'Invalid value: `selector` does not match template `labels`',
          },
          'apps',
        );
    }
    const containers = after.spec?.template.spec?.containers;
    if (!Array.isArray(containers) || containers.length === 0 || typeof containers[0]?.name !== 'string') {
      throw invalid(
        'Deployment',
        name,
        { field: 'spec.template.spec.containers', reason: 'FieldValueRequired', message: 'Required value' },
        'apps',
      );
    }
  }

  /** Gives a Deployment a new resourceVersion when its API view changed, and tells watchers. */
  private refresh(deployment: Deployment, force = false): { fingerprint: string; resourceVersion: string } {
    const status = deployment.status();
    const fingerprint = JSON.stringify([
      deployment.object.metadata,
      deployment.object.spec,
      { ...status, conditions: status.conditions?.map((c) => [c.type, c.status, c.reason]) },
    ]);
    const shown = this.shown.get(deployment);
    if (shown && shown.fingerprint === fingerprint && !force) return shown;
    const next = { fingerprint, resourceVersion: String(++this.resourceVersion) };
    this.shown.set(deployment, next);
    const event: DeploymentEvent = {
      type: shown ? 'MODIFIED' : 'ADDED',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { ...structuredClone(deployment.object.metadata), resourceVersion: next.resourceVersion },
        spec: structuredClone(deployment.object.spec),
        status,
      },
    };
    this.history.push(event);
    if (this.history.length > HISTORY_EVENTS) {
      const dropped = this.history.shift();
      this.compactedThrough = Number(dropped?.object.metadata?.resourceVersion ?? 0);
    }
    this.events.emit('deployment', event);
    return next;
  }

  private key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }
}
