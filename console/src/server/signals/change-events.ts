import 'server-only';
import {
  ListEntityEventsCommand,
  type ApplicationSignalsClient,
  type ChangeEvent,
} from '@aws-sdk/client-application-signals';
import type { Marker, TimeWindow } from '../../shared/signals';
import { SlotCache } from '../slot-cache';

/** How far back change events are read: the longest chart window. */
const LOOKBACK_MS = 3 * 3600_000;
const MAX_PAGES = 5;

function toMarker(event: ChangeEvent): Marker | undefined {
  const t = event.Timestamp?.getTime();
  if (t === undefined) return undefined;
  const who = event.UserName ? ` by ${event.UserName}` : '';
  const what = event.EventName ?? event.ChangeEventType ?? 'change';
  return event.ChangeEventType === 'DEPLOYMENT'
    ? { t, kind: 'deployment', label: 'deploy', detail: `Application Signals: deployment (${what}${who})` }
    : {
        t,
        kind: 'configuration',
        label: 'config',
        detail: `Application Signals: configuration change (${what}${who})`,
      };
}

/**
 * Application Signals' own change events (ListEntityEvents) for a service, as chart markers beside
 * the console's: the rollouts and parameter writes Application Signals recorded, on either target.
 * Read once per `slotMs` slot of time per service (the target's period), whoever asks; a failure (an
 * IAM policy without application-signals:ListEntityEvents, say) costs the charts nothing but these markers.
 */
export class ChangeEvents {
  private readonly cache: SlotCache<Marker[]>;
  private warned = false;

  constructor(
    private readonly client: ApplicationSignalsClient,
    private readonly environment: string,
    slotMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new SlotCache(slotMs, now);
  }

  async markers(service: string, window: TimeWindow): Promise<Marker[]> {
    const events = await this.cache.get(service, () => this.read(service));
    return events.filter((m) => m.t >= window.from && m.t <= window.to);
  }

  private async read(service: string): Promise<Marker[]> {
    const markers: Marker[] = [];
    try {
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await this.client.send(
          new ListEntityEventsCommand({
            Entity: { Type: 'Service', Name: service, Environment: this.environment },
            StartTime: new Date(this.now() - LOOKBACK_MS),
            EndTime: new Date(this.now() + 60_000),
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const event of out.ChangeEvents ?? []) {
          const marker = toMarker(event);
          if (marker) markers.push(marker);
        }
        token = out.NextToken;
        if (!token) break;
      }
    } catch (error) {
      if (!this.warned) console.warn(`[console] change events unavailable: ${(error as Error).message}`);
      this.warned = true;
    }
    return markers.sort((a, b) => a.t - b.t);
  }
}
