import 'server-only';
import type { AppNames } from '@demo/contracts';
import type { AuditLog } from '../audit';
import type { BurstManager } from '../bursts/manager';
import type { Clients } from '../clients';
import type { RunStore } from '../runbook/store';
import type { Target } from '../target';
import type { ChartView, Discovery as DiscoveryView, ServiceDetail, ServiceMap } from '../../shared/signals';
import { ChangeEvents } from './change-events';
import { chartView } from './charts';
import { Discovery } from './discovery';
import { markersFor } from './markers';
import { Slos } from './slos';
import { serviceDetail, serviceMap } from './topology';
import { Traces } from './traces';

/** The console's observability side, on the Application Signals and CloudWatch APIs only. */
export class Signals {
  readonly discovery: Discovery;
  readonly slos: Slos;
  readonly traces: Traces;
  readonly changes: ChangeEvents;

  constructor(
    /** Only the two AWS clients: signals never touches Kubernetes. */
    private readonly clients: Pick<Clients, 'signals' | 'cloudwatch'>,
    private readonly target: Target,
    names: AppNames,
    private readonly history: { runs: RunStore; bursts: BurstManager; audit: AuditLog },
  ) {
    // Discovery rounds to hours; refresh it rarely (a new operation appears within this long).
    this.discovery = new Discovery(clients.signals, target.environment, target.kind === 'local' ? 15_000 : 300_000);
    this.slos = new Slos(clients.signals, names, target.environment);
    this.traces = new Traces(target);
    this.changes = new ChangeEvents(clients.signals, target.environment, target.basePeriodSeconds * 1000);
  }

  async overview(): Promise<DiscoveryView> {
    const services = await this.discovery.services();
    return {
      environment: this.target.environment,
      services: await Promise.all(
        services.map(async (s) => ({
          name: s.name,
          operations: (await this.discovery.operations(s)).map((o) => o.name),
        })),
      ),
    };
  }

  async chart(request: { service: string; operation?: string; from: number; to: number }): Promise<ChartView> {
    const view = await chartView(
      {
        cloudwatch: this.clients.cloudwatch,
        discovery: this.discovery,
        publishLagSeconds: this.target.publishLagSeconds,
        basePeriod: this.target.basePeriodSeconds,
        markers: (window) => markersFor(window, this.history),
      },
      request,
    );
    const changes = await this.changes.markers(request.service, view.window);
    return { ...view, markers: [...view.markers, ...changes].sort((a, b) => a.t - b.t) };
  }

  map(request: { to: number; minutes: number }): Promise<ServiceMap> {
    return serviceMap(
      { cloudwatch: this.clients.cloudwatch, discovery: this.discovery, basePeriod: this.target.basePeriodSeconds },
      request,
    );
  }

  detail(request: { service: string; from: number; to: number }): Promise<ServiceDetail | undefined> {
    return serviceDetail(
      { cloudwatch: this.clients.cloudwatch, discovery: this.discovery, tracesLink: (s, w) => this.traces.link(s, w) },
      request,
    );
  }
}
