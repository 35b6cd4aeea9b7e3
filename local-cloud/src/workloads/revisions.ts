import { randomUUID } from 'node:crypto';
import type { V1PodTemplateSpec } from '@kubernetes/client-node';

/** One pod template a Deployment has run: a ReplicaSet, numbered as the controller numbers them. */
export interface Revision {
  hash: string;
  revision: number;
  template: V1PodTemplateSpec;
  uid: string;
  createdAt: Date;
}

/** A Deployment's ReplicaSets, oldest first, as its controller keeps them (revisionHistoryLimit). */
export class RevisionHistory {
  private readonly revisions: Revision[] = [];

  /**
   * Records the pod template of `hash` as the newest revision and returns its number: a new
   * template gets the next number, and so does an old one coming back (a rollback). At most
   * `limit` old ReplicaSets that run no replica are kept.
   */
  record(
    hash: string,
    template: V1PodTemplateSpec,
    options: { limit: number; inUse: (hash: string) => boolean },
  ): number {
    const newest = this.revisions.at(-1);
    if (newest?.hash === hash) return newest.revision;
    const next = (newest?.revision ?? 0) + 1;
    const known = this.revisions.findIndex((r) => r.hash === hash);
    const entry: Revision =
      known >= 0
        ? { ...(this.revisions.splice(known, 1)[0] as Revision), revision: next }
        : { hash, revision: next, template: structuredClone(template), uid: randomUUID(), createdAt: new Date() };
    this.revisions.push(entry);
    // Old ReplicaSets that run nothing are kept up to the limit, oldest dropped first; one that
    // still runs replicas is always kept.
    const idle = this.revisions.slice(0, -1).filter((r) => !options.inUse(r.hash));
    for (const dropped of idle.slice(0, Math.max(0, idle.length - options.limit)))
      this.revisions.splice(this.revisions.indexOf(dropped), 1);
    return next;
  }

  of(hash: string): Revision | undefined {
    return this.revisions.find((r) => r.hash === hash);
  }

  all(): readonly Revision[] {
    return this.revisions;
  }
}
