import type { Cluster } from './cluster';
import { toTable, wantsTable } from './tables';
import { HANDLED, isWatch, list, type RouteRequest } from './routes';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR';

/** The open end of a watch: newline-delimited events, each object a Table row when kubectl asks so. */
export interface WatchStream {
  send(type: WatchEventType, object: unknown): void;
  /** Runs when the client leaves or the watch's timeoutSeconds ends it. */
  onClose(cleanup: () => void): void;
  end(): void;
}

/**
 * Starts a watch response: headers at once (kubectl wait and rollout status start their own
 * timeout only once they have them), ended after `timeoutSeconds` (default 30 minutes).
 */
export function openWatch(request: RouteRequest): WatchStream {
  const { req, res, url } = request;
  const table = wantsTable(req.headers.accept);
  res.writeHead(200, {
    'content-type': 'application/json',
    'transfer-encoding': 'chunked',
    'cache-control': 'no-cache',
  });
  res.flushHeaders();
  const cleanups: (() => void)[] = [];
  const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? '1800');
  const timer = setTimeout(() => res.end(), Math.max(1, timeoutSeconds) * 1000);
  req.once('close', () => {
    clearTimeout(timer);
    for (const cleanup of cleanups) cleanup();
  });
  return {
    send: (type, object) =>
      res.write(
        `${JSON.stringify({ type, object: table && type !== 'ERROR' ? (toTable(object) ?? object) : object })}\n`,
      ),
    onClose: (cleanup) => cleanups.push(cleanup),
    end: () => res.end(),
  };
}

type Named = { metadata?: { name?: string; resourceVersion?: string } };

/**
 * A watch of a kind whose objects are derived (Pods, ReplicaSets, Events): after every change in
 * the cluster it lists again and sends what was added, modified or deleted since. From
 * resourceVersion 0 (or none) it starts with every object as ADDED, as the API server does; from
 * the version a list gave, with the changes after it.
 */
export function watchByDiff<T extends Named>(
  cluster: Cluster,
  request: RouteRequest,
  current: () => T[],
): typeof HANDLED {
  const stream = openWatch(request);
  const since = request.url.searchParams.get('resourceVersion');
  const fingerprint = (object: T) =>
    JSON.stringify({ ...object, metadata: { ...object.metadata, resourceVersion: undefined } });
  const known = new Map<string, { object: T; print: string }>();
  for (const object of current()) {
    known.set(object.metadata?.name ?? '', { object, print: fingerprint(object) });
    if (!since || since === '0') stream.send('ADDED', withVersion(object, cluster));
  }
  const compare = () => {
    const seen = new Set<string>();
    for (const object of current()) {
      const name = object.metadata?.name ?? '';
      seen.add(name);
      const print = fingerprint(object);
      const before = known.get(name);
      if (before?.print === print) continue;
      known.set(name, { object, print });
      stream.send(before ? 'MODIFIED' : 'ADDED', withVersion(object, cluster));
    }
    for (const [name, { object }] of known) {
      if (seen.has(name)) continue;
      known.delete(name);
      stream.send('DELETED', withVersion(object, cluster));
    }
  };
  cluster.events.on('deployment', compare);
  stream.onClose(() => cluster.events.off('deployment', compare));
  return HANDLED;
}

function withVersion<T extends Named>(object: T, cluster: Cluster): T {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      resourceVersion: object.metadata?.resourceVersion ?? cluster.currentResourceVersion,
    },
  };
}

/** GET of a derived kind's collection: its list, or with `?watch=true` a watch by diff of the same selection. */
export function listOrWatch<T extends Named>(
  cluster: Cluster,
  request: RouteRequest,
  kind: { list: string; apiVersion: string },
  current: () => T[],
) {
  if (isWatch(request.url)) return watchByDiff(cluster, request, current);
  return list(kind.list, kind.apiVersion, cluster.currentResourceVersion, current());
}
