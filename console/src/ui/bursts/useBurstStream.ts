'use client';

import { useEffect, useState } from 'react';
import type { BurstRecord, Snapshot } from '../../shared/bursts';

interface StreamState {
  id?: string;
  snapshots: Snapshot[];
  ended?: BurstRecord;
  connected: boolean;
}

const EMPTY: StreamState = { snapshots: [], connected: false };

/**
 * Follows one burst over SSE. The browser's EventSource reconnects by itself and sends the last
 * snapshot id it saw, so the server replays only what was missed; after `end` it is closed.
 * State is tagged with the burst it belongs to, so following another burst starts empty.
 */
export function useBurstStream(id: string | undefined): {
  snapshots: Snapshot[];
  ended?: BurstRecord;
  connected: boolean;
} {
  const [stream, setStream] = useState<StreamState>(EMPTY);

  useEffect(() => {
    if (!id) return;
    const source = new EventSource(`/api/bursts/${id}/events`);
    const update = (change: (state: StreamState) => StreamState) =>
      setStream((current) => change(current.id === id ? current : { ...EMPTY, id }));
    source.onopen = () => update((state) => ({ ...state, connected: true }));
    source.onerror = () => update((state) => ({ ...state, connected: false }));
    source.addEventListener('snapshot', (event) => {
      const snapshot = JSON.parse((event as MessageEvent<string>).data) as Snapshot;
      update((state) =>
        state.snapshots.some((s) => s.second === snapshot.second)
          ? state
          : { ...state, snapshots: [...state.snapshots, snapshot] },
      );
    });
    source.addEventListener('end', (event) => {
      const ended = JSON.parse((event as MessageEvent<string>).data) as BurstRecord;
      update((state) => ({ ...state, ended, connected: false }));
      source.close();
    });
    return () => source.close();
  }, [id]);

  const current = stream.id === id ? stream : EMPTY;
  return {
    snapshots: current.snapshots,
    ...(current.ended ? { ended: current.ended } : {}),
    connected: current.connected,
  };
}
