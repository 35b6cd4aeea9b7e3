import 'server-only';
import {
  ListServiceDependenciesCommand,
  ListServiceOperationsCommand,
  ListServicesCommand,
  type ApplicationSignalsClient,
  type MetricReference,
} from '@aws-sdk/client-application-signals';
import { SlotCache } from '../slot-cache';

export interface DiscoveredService {
  name: string;
  keyAttributes: Record<string, string>;
  references: MetricReference[];
}

export interface DiscoveredOperation {
  name: string;
  references: MetricReference[];
}

export interface DiscoveredDependency {
  operation: string;
  remoteService: string;
  remoteOperation: string;
  /** `RemoteResourceIdentifier` for databases, else null. */
  resource: string | null;
  references: MetricReference[];
}

/**
 * What exists, from the Application Signals list APIs. They round their window to whole hours, so
 * they are used only to find services, operations, dependencies and their exact metric
 * references (never for numbers), over the last 3 hours, read once per `slotMs` slot of time.
 */
export class Discovery {
  private readonly cache: SlotCache<unknown>;

  constructor(
    private readonly signals: ApplicationSignalsClient,
    readonly environment: string,
    slotMs: number,
  ) {
    this.cache = new SlotCache(slotMs);
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.cache.get(key, load) as Promise<T>;
  }

  private window() {
    return { StartTime: new Date(Date.now() - 3 * 3600_000), EndTime: new Date() };
  }

  services(): Promise<DiscoveredService[]> {
    return this.cached('services', async () => {
      const found: DiscoveredService[] = [];
      let token: string | undefined;
      do {
        const out = await this.signals.send(
          new ListServicesCommand({ ...this.window(), MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
        );
        for (const summary of out.ServiceSummaries ?? []) {
          const key = summary.KeyAttributes ?? {};
          if (key.Environment !== this.environment || key.Type !== 'Service' || !key.Name) continue;
          found.push({ name: key.Name, keyAttributes: key, references: summary.MetricReferences ?? [] });
        }
        token = out.NextToken;
      } while (token);
      return found.sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  async service(name: string): Promise<DiscoveredService | undefined> {
    return (await this.services()).find((s) => s.name === name);
  }

  operations(service: DiscoveredService): Promise<DiscoveredOperation[]> {
    return this.cached(`operations:${service.name}`, async () => {
      const found: DiscoveredOperation[] = [];
      let token: string | undefined;
      do {
        const out = await this.signals.send(
          new ListServiceOperationsCommand({
            ...this.window(),
            KeyAttributes: service.keyAttributes,
            MaxResults: 100,
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const op of out.ServiceOperations ?? [])
          if (op.Name) found.push({ name: op.Name, references: op.MetricReferences ?? [] });
        token = out.NextToken;
      } while (token);
      return found.sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  dependencies(service: DiscoveredService): Promise<DiscoveredDependency[]> {
    return this.cached(`dependencies:${service.name}`, async () => {
      const found: DiscoveredDependency[] = [];
      let token: string | undefined;
      do {
        const out = await this.signals.send(
          new ListServiceDependenciesCommand({
            ...this.window(),
            KeyAttributes: service.keyAttributes,
            MaxResults: 100,
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const dep of out.ServiceDependencies ?? []) {
          const resource =
            dep.MetricReferences?.[0]?.Dimensions?.find((d) => d.Name === 'RemoteResourceIdentifier')?.Value ?? null;
          found.push({
            operation: dep.OperationName ?? '',
            remoteService: dep.DependencyKeyAttributes?.Name ?? dep.DependencyKeyAttributes?.Identifier ?? 'unknown',
            remoteOperation: dep.DependencyOperationName ?? '',
            resource,
            references: dep.MetricReferences ?? [],
          });
        }
        token = out.NextToken;
      } while (token);
      return found;
    });
  }
}
