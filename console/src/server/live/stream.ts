import 'server-only';
import { isTopic, type LiveMessage } from '../../shared/live';
import { ConsoleError, ValidationError } from '../errors';
import { sseStream } from '../sse';
import type { Snapshot } from './collector';
import type { LiveHub } from './hub';

/** Topics one stream may follow (a cockpit shows about a dozen). */
const MAX_TOPICS = 32;

/** The current value of a topic for a GET route: shared with every tab, an error when the newest read failed. */
export async function readTopic(hub: LiveHub, topic: string): Promise<unknown> {
  const snapshot = await hub.collector(topic).current();
  if (snapshot.error) throw new ConsoleError(snapshot.error.status, snapshot.error.message);
  return snapshot.value;
}

/** `?topics=a,b` as a checked list (422 naming the field for an unknown or excess topic). */
export function topicsFrom(url: URL): string[] {
  const topics = [...new Set((url.searchParams.get('topics') ?? '').split(',').filter(Boolean))];
  if (topics.length === 0)
    throw new ValidationError('Name at least one topic', [{ field: 'topics', message: 'Required' }]);
  if (topics.length > MAX_TOPICS)
    throw new ValidationError(`At most ${MAX_TOPICS} topics per stream`, [{ field: 'topics', message: 'Too many' }]);
  const unknown = topics.filter((t) => !isTopic(t));
  if (unknown.length > 0)
    throw new ValidationError(`Unknown topic: ${unknown.join(', ')}`, [
      { field: 'topics', message: `unknown: ${unknown.join(', ')}` },
    ]);
  return topics;
}

function message(topic: string, snapshot: Snapshot<unknown>, withValue: boolean): LiveMessage {
  return {
    topic,
    version: snapshot.version,
    readAt: snapshot.readAt,
    ...(withValue && snapshot.value !== undefined ? { value: snapshot.value } : {}),
    ...(snapshot.error ? { error: snapshot.error } : {}),
  };
}

/**
 * One tab's Server-Sent Events: for each topic, its current value at once (so a reconnect starts
 * whole), then a message after every read of its collector, with the value only when it changed.
 * The collectors lose this subscriber whichever way the stream ends.
 */
export function liveStream(hub: LiveHub, topics: string[], signal: AbortSignal): ReadableStream<Uint8Array> {
  const collectors = topics.map((topic) => [topic, hub.collector(topic)] as const);
  return sseStream(signal, (channel) => {
    const unsubscribes = collectors.map(([topic, collector]) => {
      let sentVersion = -1;
      return collector.subscribe((snapshot) => {
        const changed = snapshot.version !== sentVersion;
        sentVersion = snapshot.version;
        channel.send({ data: message(topic, snapshot, changed) });
      });
    });
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  });
}
