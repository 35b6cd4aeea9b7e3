'use client';

import { useQuery, useQueryClient, type QueryClient, type QueryKey, type UseQueryOptions } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import type { LiveMessage } from '../shared/live';

/** What the stream last said of a topic besides its value: the read behind it, and the newest read's failure. */
export interface TopicReport {
  readAt: number | null;
  error?: { message: string; status: number };
}

/**
 * The tab's one live stream (`GET /api/live`, Server-Sent Events) for every topic a mounted
 * component shows: each message's value goes straight into the query cache under that topic's
 * key, so a component renders it as if it had fetched it. While the stream is open nothing polls;
 * when it is down (or before it opens) each query polls as it did before. A hidden tab closes the
 * stream (Page Visibility) and draws nothing; shown again, it reopens and gets every current value.
 */
class LiveStream {
  private readonly topics = new Map<string, { users: number; queryKey: QueryKey }>();
  private source: EventSource | undefined;
  private open = false;
  private readonly listeners = new Set<() => void>();
  private reopenTimer: ReturnType<typeof setTimeout> | undefined;
  private queryClient: QueryClient | undefined;
  private watchingVisibility = false;
  private readonly reports = new Map<string, TopicReport>();
  private readonly reportListeners = new Set<() => void>();

  /** Follows `topic` into `queryKey`; returns the release. */
  use(topic: string, queryKey: QueryKey, queryClient: QueryClient): () => void {
    this.queryClient = queryClient;
    this.watchVisibility();
    const entry = this.topics.get(topic);
    if (entry) entry.users++;
    else {
      this.topics.set(topic, { users: 1, queryKey });
      this.scheduleReopen();
    }
    return () => {
      const current = this.topics.get(topic);
      if (!current) return;
      current.users--;
      if (current.users === 0) {
        this.topics.delete(topic);
        this.scheduleReopen();
      }
    };
  }

  get connected(): boolean {
    return this.open;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private setOpen(open: boolean): void {
    if (this.open === open) return;
    this.open = open;
    for (const listener of this.listeners) listener();
  }

  /** Components mount in bursts: one reconnect for all of them. */
  private scheduleReopen(): void {
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => this.reopen(), 50);
  }

  private reopen(): void {
    this.source?.close();
    this.source = undefined;
    this.setOpen(false);
    if (this.topics.size === 0 || document.visibilityState === 'hidden') return;
    const params = new URLSearchParams({ topics: [...this.topics.keys()].join(',') });
    const source = new EventSource(`/api/live?${params.toString()}`);
    this.source = source;
    source.onopen = () => this.setOpen(true);
    // EventSource reconnects by itself; until then the queries poll.
    source.onerror = () => this.setOpen(source.readyState === EventSource.OPEN);
    source.onmessage = (event: MessageEvent<string>) => this.receive(JSON.parse(event.data) as LiveMessage);
  }

  /** The topic's last report. */
  report(topic: string): TopicReport | undefined {
    return this.reports.get(topic);
  }

  /**
   * Changes only when the topic's staleness does: while its source fails, `readAt` stays that of
   * the last good value, so a healthy topic's reads every few seconds re-render nothing.
   */
  staleKey(topic: string): string {
    const report = this.reports.get(topic);
    return report?.error ? `${report.readAt}|${report.error.message}` : '';
  }

  subscribeReports = (listener: () => void): (() => void) => {
    this.reportListeners.add(listener);
    return () => this.reportListeners.delete(listener);
  };

  private receive(message: LiveMessage): void {
    const entry = this.topics.get(message.topic);
    if (!entry || !this.queryClient) return;
    const before = this.staleKey(message.topic);
    this.reports.set(message.topic, { readAt: message.readAt, ...(message.error ? { error: message.error } : {}) });
    if (this.staleKey(message.topic) !== before) for (const listener of this.reportListeners) listener();
    if (message.value !== undefined) this.queryClient.setQueryData(entry.queryKey, message.value);
  }

  private watchVisibility(): void {
    if (this.watchingVisibility) return;
    this.watchingVisibility = true;
    document.addEventListener('visibilitychange', () => this.reopen());
  }
}

const stream = new LiveStream();

/** What the stream last said of `topic` (undefined before it said anything), re-rendering only when its staleness changes. */
export function useTopicReport(topic: string | undefined): TopicReport | undefined {
  useSyncExternalStore(
    stream.subscribeReports,
    () => (topic ? stream.staleKey(topic) : ''),
    () => '',
  );
  return topic ? stream.report(topic) : undefined;
}

/** True while the live stream is open (then queries need not poll). */
export function useLiveConnected(): boolean {
  return useSyncExternalStore(
    stream.subscribe,
    () => stream.connected,
    () => false,
  );
}

/**
 * `useQuery` whose data the live stream keeps current under `topic`; it polls at its own
 * `refetchInterval` only while the stream is down.
 */
export function useLiveQuery<TData, TKey extends QueryKey>(
  topic: string | undefined,
  options: UseQueryOptions<TData, Error, TData, TKey>,
) {
  const queryClient = useQueryClient();
  const connected = useLiveConnected();
  const key = JSON.stringify(options.queryKey);
  useEffect(() => {
    if (!topic) return undefined;
    return stream.use(topic, JSON.parse(key) as QueryKey, queryClient);
  }, [topic, key, queryClient]);
  return useQuery({ ...options, ...(topic && connected ? { refetchInterval: false } : {}) });
}
