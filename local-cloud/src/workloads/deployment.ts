import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  V1Container,
  V1Deployment,
  V1DeploymentCondition,
  V1DeploymentStatus,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import { podView, type PodOwner } from './pod-view';
import { replicaSetView, type ReplicaSetOwner } from './replica-set-view';
import { RevisionHistory } from './revisions';
import { Replica, type ProcessSpec } from './replica';

/**
 * A Deployment run as local processes: the object (metadata + spec) is what the Kubernetes API
 * shows and patches; `status` is derived from the replicas on every read (never kept beside them).
 * Rolling updates follow the Deployment defaults' shape with maxSurge 1 and maxUnavailable 0:
 * start a new replica, wait until it is ready, then stop an old one, until none is old.
 */

export interface DeploymentHooks {
  /** A free port for a new replica. */
  allocatePort: () => Promise<number>;
  /** Turns the template's container into a process (command, working directory, env). */
  processFor: (container: V1Container) => ProcessSpec;
  /** A replica changed (ready, exited): the cluster reconciles, bumps resourceVersion and wakes watchers. */
  onChange: () => void;
  onSpawn?: (pid: number, argv: string[]) => void;
  onExit?: (pid: number) => void;
  onLog?: (replica: string, line: string) => void;
  /** What the controllers did, as Kubernetes Events record it (ScalingReplicaSet, SuccessfulCreate ...). */
  onEvent?: (event: WorkloadEvent) => void;
}

/** One thing a Deployment's controllers did, about the Deployment or one of its ReplicaSets. */
export interface WorkloadEvent {
  namespace: string;
  kind: 'Deployment' | 'ReplicaSet';
  name: string;
  uid: string;
  reason: 'ScalingReplicaSet' | 'SuccessfulCreate' | 'SuccessfulDelete';
  message: string;
  source: 'deployment-controller' | 'replicaset-controller';
}

const MAX_SURGE = 1;
const MAX_UNAVAILABLE = 0;

function shortHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 10);
}

export class Deployment {
  readonly replicas: Replica[] = [];
  private starting = 0;
  private lastProgressAt = Date.now();
  private progressKey = '';
  private readonly conditionSince = new Map<string, { status: string; reason: string; at: string }>();
  /** The generation the controller has acted on: a patch is seen at its next reconcile, not at once. */
  private observedGeneration = 0;
  /** Every pod template run so far, newest last: the ReplicaSets, kept to revisionHistoryLimit. */
  private readonly revisions = new RevisionHistory();

  constructor(
    /** metadata and spec; `status` is never stored here */
    readonly object: V1Deployment & {
      metadata: { name: string; namespace: string };
      spec: NonNullable<V1Deployment['spec']>;
    },
    private readonly hooks: DeploymentHooks,
    private readonly terminationGraceMs: number,
  ) {
    object.metadata.uid ??= randomUUID();
    object.metadata.generation ??= 1;
    object.metadata.creationTimestamp ??= new Date();
  }

  get name(): string {
    return this.object.metadata.name;
  }

  get desired(): number {
    return this.object.spec.replicas ?? 1;
  }

  templateHash(): string {
    return shortHash(this.object.spec.template);
  }

  /** Ports of replicas that may take traffic: ready and not terminating. */
  readyPorts(): number[] {
    return this.replicas.filter((r) => r.ready && !r.terminating).map((r) => r.port);
  }

  /** One step towards the spec; called on every change and periodically. */
  reconcile(): void {
    const hash = this.templateHash();
    this.observedGeneration = this.object.metadata.generation ?? 1;
    this.recordRevision(hash);
    const desired = this.desired;
    const active = this.replicas.filter((r) => !r.terminating);
    const current = active.filter((r) => r.templateHash === hash);
    const old = active.filter((r) => r.templateHash !== hash);

    // Surge: new replicas up to the desired count, never more than desired + maxSurge in total.
    let total = active.length + this.starting;
    let currentCount = current.length + this.starting;
    const scaledUpFrom = currentCount;
    while (currentCount < desired && total < desired + MAX_SURGE) {
      void this.startReplica(hash);
      total++;
      currentCount++;
    }
    if (currentCount > scaledUpFrom) this.scaled(hash, scaledUpFrom, currentCount);

    // Old replicas that are not ready carry no traffic: they can go at once.
    const leaving = old.filter((r) => !r.ready);
    // Ready old replicas go one at a time, only while availability stays at desired - maxUnavailable.
    let available = active.filter((r) => r.ready).length;
    for (const replica of old.filter((r) => r.ready)) {
      if (available - 1 < desired - MAX_UNAVAILABLE) break;
      leaving.push(replica);
      available--;
    }

    // Scaling in: drop surplus current replicas, not-ready and newest first.
    const surplus = current.length - desired;
    if (surplus > 0) {
      const byPreference = [...current].sort(
        (a, b) => Number(a.ready) - Number(b.ready) || b.createdAt.getTime() - a.createdAt.getTime(),
      );
      leaving.push(...byPreference.slice(0, surplus));
    }
    this.scaleDown(leaving, active);

    // Forget replicas that are gone.
    for (let i = this.replicas.length - 1; i >= 0; i--) {
      const replica = this.replicas[i];
      if (replica?.terminating && replica.state.kind === 'terminated') this.replicas.splice(i, 1);
    }
    this.track();
  }

  /** Each new pod template is a new ReplicaSet revision, named on the Deployment as the controller does. */
  private recordRevision(hash: string): void {
    if (this.revisions.all().at(-1)?.hash === hash) return; // every reconcile asks; most change nothing
    const revision = this.revisions.record(hash, this.object.spec.template, {
      limit: this.object.spec.revisionHistoryLimit ?? 10,
      inUse: (h) => this.replicas.some((r) => r.templateHash === h),
    });
    this.object.metadata.annotations = {
      ...this.object.metadata.annotations,
      'deployment.kubernetes.io/revision': String(revision),
    };
  }

  private replicaSetName(hash: string): string {
    return `${this.name}-${hash}`;
  }

  private emit(event: Omit<WorkloadEvent, 'namespace'>): void {
    this.hooks.onEvent?.({ namespace: this.object.metadata.namespace, ...event });
  }

  /** What the ReplicaSet controller says about one pod of the ReplicaSet of `hash`. */
  private replicaSetEvent(hash: string, reason: 'SuccessfulCreate' | 'SuccessfulDelete', message: string): void {
    this.emit({
      kind: 'ReplicaSet',
      name: this.replicaSetName(hash),
      uid: this.revisions.of(hash)?.uid ?? '',
      reason,
      message,
      source: 'replicaset-controller',
    });
  }

  private scaled(hash: string, from: number, to: number): void {
    const verb = to > from ? 'up' : 'down';
    this.emit({
      kind: 'Deployment',
      name: this.name,
      uid: this.object.metadata.uid ?? '',
      reason: 'ScalingReplicaSet',
      message: `Scaled ${verb} replica set ${this.replicaSetName(hash)} from ${from} to ${to}`,
      source: 'deployment-controller',
    });
  }

  /** Terminates the replicas chosen to go, and says so per ReplicaSet, as the controllers do. */
  private scaleDown(leaving: Replica[], active: Replica[]): void {
    // The groups that chose them (old not ready, old ready, surplus current) never overlap.
    const byHash = new Map<string, Replica[]>();
    for (const replica of leaving)
      byHash.set(replica.templateHash, [...(byHash.get(replica.templateHash) ?? []), replica]);
    for (const [hash, replicas] of byHash) {
      const before = active.filter((r) => r.templateHash === hash).length;
      this.scaled(hash, before, before - replicas.length);
      for (const replica of replicas) {
        void replica.terminate();
        this.replicaSetEvent(hash, 'SuccessfulDelete', `Deleted pod: ${replica.name}`);
      }
    }
  }

  private async startReplica(hash: string): Promise<void> {
    this.starting++;
    try {
      const port = await this.hooks.allocatePort();
      const container = this.object.spec.template.spec?.containers[0];
      if (!container) throw new Error(`Deployment ${this.name} has no container`);
      const replica = new Replica({
        name: `${this.replicaSetName(hash)}-${randomBytes(3).toString('hex').slice(0, 5)}`,
        templateHash: hash,
        port,
        spec: this.hooks.processFor(container),
        terminationGraceMs: this.terminationGraceMs,
        onChange: () => this.hooks.onChange(),
        ...(this.hooks.onSpawn ? { onSpawn: this.hooks.onSpawn } : {}),
        ...(this.hooks.onExit ? { onExit: this.hooks.onExit } : {}),
        ...(this.hooks.onLog ? { onLog: this.hooks.onLog } : {}),
      });
      this.replicas.push(replica);
      replica.start();
      this.replicaSetEvent(hash, 'SuccessfulCreate', `Created pod: ${replica.name}`);
    } finally {
      this.starting--;
    }
  }

  /** Stops every replica and waits until they are gone. */
  async stop(): Promise<void> {
    this.object.spec.replicas = 0;
    await Promise.all(this.replicas.map((replica) => replica.terminate()));
    this.replicas.length = 0;
  }

  /** Counts and conditions of the replicas now: what status() reports and track() remembers. */
  private observe() {
    const hash = this.templateHash();
    const desired = this.desired;
    const active = this.replicas.filter((r) => !r.terminating);
    const updated = active.filter((r) => r.templateHash === hash);
    const ready = active.filter((r) => r.ready);
    const updatedAvailable = updated.filter((r) => r.ready).length;
    const complete = updated.length === desired && active.length === desired && updatedAvailable === desired;
    const progressKey = `${updated.length}/${ready.length}/${active.length}`;
    const deadlineSeconds = this.object.spec.progressDeadlineSeconds ?? 600;
    const progressed = progressKey !== this.progressKey || complete;
    const stalled = !complete && !progressed && Date.now() - this.lastProgressAt > deadlineSeconds * 1000;
    const available = ready.length >= desired - MAX_UNAVAILABLE;
    const conditions: [type: string, status: string, reason: string, message: string][] = [
      available
        ? ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']
        : ['Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'],
      stalled
        ? [
            'Progressing',
            'False',
            'ProgressDeadlineExceeded',
            `ReplicaSet "${this.name}-${hash}" has timed out progressing.`,
          ]
        : complete
          ? [
              'Progressing',
              'True',
              'NewReplicaSetAvailable',
              `ReplicaSet "${this.name}-${hash}" has successfully progressed.`,
            ]
          : ['Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${this.name}-${hash}" is progressing.`],
    ];
    return { desired, active, updated, ready, progressKey, progressed, conditions };
  }

  /**
   * Remembers when the rollout last progressed and when each condition last changed; run by
   * reconcile(), so that status() stays a pure read.
   */
  private track(): void {
    const { progressKey, progressed, conditions } = this.observe();
    const now = new Date().toISOString();
    if (progressed) {
      this.progressKey = progressKey;
      this.lastProgressAt = Date.now();
    }
    for (const [type, status, reason] of conditions) {
      const previous = this.conditionSince.get(type);
      if (!previous || previous.status !== status || previous.reason !== reason)
        this.conditionSince.set(type, { status, reason, at: now });
    }
  }

  /** The status Kubernetes would report, derived from the replicas now (reads only). */
  status(): V1DeploymentStatus {
    const { desired, active, updated, ready, conditions } = this.observe();
    const now = new Date().toISOString();
    const withTimes = conditions.map(([type, status, reason, message]): V1DeploymentCondition => {
      const previous = this.conditionSince.get(type);
      // A change since the last reconcile has just happened.
      const since = previous && previous.status === status && previous.reason === reason ? previous.at : now;
      return { type, status, reason, message, lastUpdateTime: new Date(since), lastTransitionTime: new Date(since) };
    });
    // Kubernetes omits zero counts from the JSON; clients read them as absent.
    const count = (n: number) => (n > 0 ? n : undefined);
    const status: V1DeploymentStatus = {
      observedGeneration: this.observedGeneration,
      conditions: withTimes,
    };
    const fields = {
      replicas: count(active.length),
      updatedReplicas: count(updated.length),
      readyReplicas: count(ready.length),
      availableReplicas: count(ready.length),
      unavailableReplicas: count(Math.max(active.length - ready.length, desired - ready.length, 0)),
    };
    for (const [field, value] of Object.entries(fields))
      if (value !== undefined) (status as Record<string, unknown>)[field] = value;
    return status;
  }

  /** One Pod object per replica, terminating ones included (with deletionTimestamp), owned by its ReplicaSet. */
  pods(): V1Pod[] {
    return this.replicas.map((replica) => {
      const revision = this.revisions.of(replica.templateHash);
      const owner: PodOwner = {
        replicaSet: this.replicaSetName(replica.templateHash),
        replicaSetUid: revision?.uid ?? '',
        namespace: this.object.metadata.namespace,
        template: revision?.template ?? this.object.spec.template,
        terminationGraceMs: this.terminationGraceMs,
      };
      return podView(replica, owner);
    });
  }

  /**
   * The ReplicaSets the Deployment controller would keep: one per pod template run, owned by the
   * Deployment, the newest wanting `replicas` and the old ones wanting what they still run.
   */
  replicaSets(): V1ReplicaSet[] {
    const current = this.templateHash();
    const owner: ReplicaSetOwner = {
      name: this.name,
      namespace: this.object.metadata.namespace,
      uid: this.object.metadata.uid ?? '',
      selector: this.object.spec.selector.matchLabels ?? {},
      desired: this.desired,
      maxSurge: MAX_SURGE,
      changeCause: this.object.metadata.annotations?.['kubernetes.io/change-cause'],
    };
    return this.revisions.all().map((revision) =>
      replicaSetView(
        revision,
        this.replicas.filter((r) => r.templateHash === revision.hash && !r.terminating),
        revision.hash === current,
        owner,
      ),
    );
  }
}
