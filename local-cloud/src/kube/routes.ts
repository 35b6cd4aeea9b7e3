import type { IncomingMessage, ServerResponse } from 'node:http';
import { KubeError } from './errors';
import { parseSelector } from './selectors';

/** One API path and verb; the dispatcher in api-server.ts matches them in order. */
export interface Route {
  method: string;
  pattern: RegExp;
  handle: (request: RouteRequest) => unknown;
}

export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The pattern's groups, URI-decoded. */
  params: string[];
  body: () => Promise<unknown>;
}

/** Tells the dispatcher that the handler already wrote the response. */
export const HANDLED = Symbol('handled');

/** Path segments the patterns capture. */
export const NAMESPACE = '([a-z0-9-]+)';
export const NAME = '([^/]+)';

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function list(kind: string, apiVersion: string, resourceVersion: string, items: unknown[]) {
  return { kind, apiVersion, metadata: { resourceVersion }, items };
}

type Labelled = { metadata?: { labels?: Record<string, string>; name?: string; namespace?: string } };

/**
 * The items that match the request's labelSelector and fieldSelector (400 for a bad one). Every
 * kind can be selected by metadata.name and metadata.namespace; `fieldsOf` adds a kind's own.
 */
export function selected<T extends Labelled>(
  url: URL,
  items: T[],
  fieldsOf: (item: T) => Record<string, string | undefined> = () => ({}),
): T[] {
  let labels: ReturnType<typeof parseSelector>;
  let fields: ReturnType<typeof parseSelector>;
  try {
    labels = parseSelector(url.searchParams.get('labelSelector'));
    fields = parseSelector(url.searchParams.get('fieldSelector'));
  } catch (error) {
    throw new KubeError(400, 'BadRequest', (error as Error).message);
  }
  return items.filter(
    (item) =>
      labels(item.metadata?.labels ?? {}) &&
      fields({
        'metadata.name': item.metadata?.name,
        'metadata.namespace': item.metadata?.namespace,
        ...fieldsOf(item),
      }),
  );
}

export function isWatch(url: URL): boolean {
  const watch = url.searchParams.get('watch');
  return watch === 'true' || watch === '1';
}
