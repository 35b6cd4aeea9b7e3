import { randomBytes, randomUUID } from 'node:crypto';
import type { CoreV1Event } from '@kubernetes/client-node';
import type { WorkloadEvent } from '../workloads/deployment';

/** How many Events are kept; the API server's default TTL is an hour, a demo makes far fewer. */
const MAX_EVENTS = 1000;

/**
 * The core/v1 Events the controllers write: ScalingReplicaSet on Deployments, SuccessfulCreate and
 * SuccessfulDelete on ReplicaSets, the newest MAX_EVENTS. What `kubectl get events` and the Events
 * part of `kubectl describe` show.
 */
export class EventLog {
  private readonly events: CoreV1Event[] = [];

  constructor(private readonly nextResourceVersion: () => string) {}

  record(event: WorkloadEvent, at = new Date()): CoreV1Event {
    const object: CoreV1Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        // As the API server names them: the object's name and a unique suffix.
        name: `${event.name}.${randomBytes(8).toString('hex')}`,
        namespace: event.namespace,
        uid: randomUUID(),
        resourceVersion: this.nextResourceVersion(),
        creationTimestamp: at,
      },
      involvedObject: {
        apiVersion: 'apps/v1',
        kind: event.kind,
        name: event.name,
        namespace: event.namespace,
        uid: event.uid,
      },
      reason: event.reason,
      message: event.message,
      source: { component: event.source },
      reportingComponent: event.source,
      reportingInstance: '',
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type: 'Normal',
    };
    this.events.push(object);
    if (this.events.length > MAX_EVENTS) this.events.shift();
    return object;
  }

  list(namespace: string | undefined): CoreV1Event[] {
    return this.events
      .filter((e) => namespace === undefined || e.metadata.namespace === namespace)
      .map((e) => structuredClone(e));
  }

  /** The fields an Event can be selected by (kubectl describe asks by involvedObject). */
  static fields(this: void, event: CoreV1Event): Record<string, string | undefined> {
    return {
      'involvedObject.kind': event.involvedObject.kind,
      'involvedObject.name': event.involvedObject.name,
      'involvedObject.namespace': event.involvedObject.namespace,
      'involvedObject.uid': event.involvedObject.uid,
      'involvedObject.apiVersion': event.involvedObject.apiVersion,
      reason: event.reason,
      type: event.type,
      'source.component': event.source?.component,
    };
  }
}
