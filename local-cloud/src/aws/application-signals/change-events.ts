/**
 * Application Signals' change events (ListServiceStates, ListEntityEvents): the deployments and
 * configuration changes a console can draw next to its metrics. On AWS they come from CloudTrail
 * and the EKS integration; here local-cloud records what it performs itself:
 * - DEPLOYMENT: a rollout of a Deployment (a new pod template, e.g. `kubectl rollout restart`),
 *   about the service of that name;
 * - CONFIGURATION: a PutParameter / DeleteParameter(s) of a parameter a workload reads, about that
 *   workload's service (the demo's pool and fault parameters belong to the Delivery API).
 *
 * LIMITATIONS: no other change sources (no CloudTrail), events kept only in memory (the newest
 * MAX_EVENTS), no linked accounts, AttributeFilters are ignored.
 */
import { randomUUID } from 'node:crypto';
import type {
  ChangeEvent,
  ListEntityEventsInput,
  ListEntityEventsOutput,
  ListServiceStatesInput,
  ListServiceStatesOutput,
} from '@aws-sdk/client-application-signals';
import { validationError } from '../errors';
import { ACCOUNT_ID } from '../ssm/provider';
import { wireTimeToSeconds } from '../json-protocol';
import type { RestRequest, RestRoute } from '../rest-protocol';
import { page } from './paging';

const MAX_EVENTS = 1000;

export interface ServiceKey {
  Type: 'Service';
  Name: string;
  Environment: string;
}

interface StoredEvent {
  at: Date;
  type: 'DEPLOYMENT' | 'CONFIGURATION';
  service: ServiceKey;
  eventName: string;
  userName: string;
  id: string;
}

export class ChangeEventLog {
  private readonly events: StoredEvent[] = [];

  constructor(private readonly region: string) {}

  record(event: Omit<StoredEvent, 'id' | 'at'> & { at?: Date }): void {
    this.events.push({ ...event, at: event.at ?? new Date(), id: randomUUID() });
    if (this.events.length > MAX_EVENTS) this.events.shift();
  }

  /** Events in [from, to] seconds, newest first, optionally about one service. */
  between(fromSecond: number, toSecond: number, service?: Partial<ServiceKey>): ChangeEvent[] {
    return this.events
      .filter((e) => e.at.getTime() / 1000 >= fromSecond && e.at.getTime() / 1000 <= toSecond)
      .filter(
        (e) =>
          !service ||
          ((service.Name === undefined || e.service.Name === service.Name) &&
            (service.Environment === undefined || e.service.Environment === service.Environment)),
      )
      .reverse()
      .map((e) => ({
        Timestamp: e.at,
        AccountId: ACCOUNT_ID,
        Region: this.region,
        Entity: { ...e.service },
        ChangeEventType: e.type,
        EventId: e.id,
        UserName: e.userName,
        EventName: e.eventName,
      }));
  }
}

function timeRange(body: { StartTime?: unknown; EndTime?: unknown }): { from: number; to: number } {
  if (body.StartTime === undefined || body.EndTime === undefined)
    throw validationError('StartTime and EndTime are required.');
  const from = wireTimeToSeconds(body.StartTime);
  const to = wireTimeToSeconds(body.EndTime);
  if (Number.isNaN(from) || Number.isNaN(to)) throw validationError('StartTime and EndTime must be timestamps.');
  if (to <= from) throw validationError('EndTime must be after StartTime.');
  return { from, to };
}

export function changeEventRoutes(log: ChangeEventLog): RestRoute[] {
  return [
    {
      method: 'POST',
      path: '/service/states',
      operation: 'ListServiceStates',
      handler: ({ body }: RestRequest): ListServiceStatesOutput => {
        const input = (body ?? {}) as ListServiceStatesInput;
        const { from, to } = timeRange(input);
        const byService = new Map<string, ChangeEvent[]>();
        for (const event of log.between(from, to)) {
          const key = JSON.stringify(event.Entity);
          byService.set(key, [...(byService.get(key) ?? []), event]);
        }
        const states = [...byService.values()].map((events) => ({
          Service: events[0]?.Entity ?? {},
          // The service's latest change of each type, as the console's timeline needs.
          LatestChangeEvents: (['DEPLOYMENT', 'CONFIGURATION'] as const).flatMap((type) => {
            const latest = events.find((e) => e.ChangeEventType === type);
            return latest ? [latest] : [];
          }),
        }));
        const max = input.MaxResults ?? 20;
        if (!Number.isInteger(max) || max < 1 || max > 250)
          throw validationError('MaxResults must be between 1 and 250.');
        const query = new URLSearchParams({
          MaxResults: String(Math.min(max, 100)),
          ...(input.NextToken ? { NextToken: input.NextToken } : {}),
        });
        const { items, NextToken } = page(states, query);
        return {
          StartTime: new Date(from * 1000),
          EndTime: new Date(to * 1000),
          ServiceStates: items,
          ...(NextToken ? { NextToken } : {}),
        };
      },
    },
    {
      method: 'POST',
      path: '/events',
      operation: 'ListEntityEvents',
      handler: ({ body, query }: RestRequest): ListEntityEventsOutput => {
        const input = (body ?? {}) as ListEntityEventsInput;
        if (!input.Entity || typeof input.Entity !== 'object') throw validationError('Entity is required.');
        const { from, to } = timeRange(input);
        const entity = input.Entity;
        const { items, NextToken } = page(
          log.between(from, to, { Name: entity.Name, Environment: entity.Environment }),
          query,
        );
        return {
          StartTime: new Date(from * 1000),
          EndTime: new Date(to * 1000),
          ChangeEvents: items,
          ...(NextToken ? { NextToken } : {}),
        };
      },
    },
  ];
}
