import 'server-only';
import { FIXED_TOPICS, LIVE_RANGE_MS, parseChartTopic, type FixedTopic } from '../../shared/live';
import type { AuditLog } from '../audit';
import type { BurstManager } from '../bursts/manager';
import type { GuardWatch } from '../experiment/guard-watch';
import type { KillSwitch } from '../experiment/kill-switch';
import type { OrderDesk } from '../orders';
import type { Runbook } from '../runbook/runbook';
import type { Signals } from '../signals';
import type { Target } from '../target';
import type { BackgroundTraffic } from '../traffic';
import { ConsoleError, ValidationError } from '../errors';
import { readStatus, type StatusSources } from '../status';
import { Collector } from './collector';

/** At most this many chart collectors at once (services x operations x ranges that someone watches). */
const MAX_CHARTS = 64;
/** A chart collector nobody has asked for in this long is dropped. */
const CHART_IDLE_MS = 120_000;

class TooManyChartsError extends ConsoleError {
  constructor() {
    super(429, `At most ${MAX_CHARTS} charts can be followed at once; close some views`);
    this.name = 'TooManyChartsError';
  }
}

/** What the collectors read: the console's sources (named here, not through the context, which builds this hub). */
export interface LiveSources extends StatusSources {
  target: Target;
  orders: OrderDesk;
  traffic: BackgroundTraffic;
  audit: AuditLog;
  runbook: Runbook;
  killSwitch: KillSwitch;
  guards: GuardWatch;
  bursts: BurstManager;
  signals: Signals;
}

/**
 * The console server as the single reader of every source: one Collector per topic, shared by
 * every tab and every poll, so the AWS and Kubernetes calls per minute are the same for one viewer
 * or fifty. Cadences: Application Signals sources (charts, map, SLOs, discovery) once per metric
 * period (5 s local, 60 s on AWS); the cluster, parameters and Order API (status, recent orders,
 * traffic) every 5 s; the console's own memory and database (fault, bursts, audit) every second.
 */
export class LiveHub {
  private readonly fixed: Record<FixedTopic, Collector<unknown>>;
  private readonly charts = new Map<string, { collector: Collector<unknown>; lastUsed: number }>();

  constructor(
    private readonly app: LiveSources,
    private readonly now: () => number = Date.now,
  ) {
    const metricMs = app.target.basePeriodSeconds * 1000;
    const collector = (name: string, cadenceMs: number, read: () => Promise<unknown>) =>
      new Collector({ name, cadenceMs, read, now });
    this.fixed = {
      status: collector('status', 5000, () => readStatus(app)),
      orders: collector('orders', 5000, () => app.orders.recent('10')),
      traffic: collector('traffic', 5000, () => app.traffic.read()),
      audit: collector('audit', 1000, () => Promise.resolve({ entries: app.audit.list(50) })),
      fault: collector('fault', 500, () =>
        Promise.resolve({ ...app.runbook.state(), killSwitch: app.killSwitch.state(), guards: app.guards.current() }),
      ),
      bursts: collector('bursts', 1000, () =>
        Promise.resolve({ running: app.bursts.running() ?? null, history: app.bursts.list(20), caps: app.bursts.caps }),
      ),
      map: collector('map', Math.max(metricMs, 10_000), () => app.signals.map({ to: now(), minutes: 5 })),
      slos: collector('slos', Math.max(metricMs, 15_000), async () => ({ slos: await app.signals.slos.report() })),
      discovery: collector('discovery', Math.max(metricMs, 30_000), () => app.signals.overview()),
    };
  }

  /** The collector of a topic (charts made on first use); a 400 for a topic that names nothing. */
  collector(topic: string): Collector<unknown> {
    if ((FIXED_TOPICS as readonly string[]).includes(topic)) return this.fixed[topic as FixedTopic];
    const chart = parseChartTopic(topic);
    if (!chart)
      throw new ValidationError(`Unknown topic: ${topic}`, [{ field: 'topics', message: `unknown: ${topic}` }]);
    this.dropIdleCharts();
    let entry = this.charts.get(topic);
    if (!entry) {
      if (this.charts.size >= MAX_CHARTS) throw new TooManyChartsError();
      const { service, operation, range } = chart;
      const read = (): Promise<unknown> => {
        const to = this.now();
        return this.app.signals.chart({
          service,
          ...(operation ? { operation } : {}),
          from: to - LIVE_RANGE_MS[range],
          to,
        });
      };
      entry = {
        collector: new Collector<unknown>({
          name: topic,
          cadenceMs: this.app.target.basePeriodSeconds * 1000,
          read,
          now: this.now,
        }),
        lastUsed: this.now(),
      };
      this.charts.set(topic, entry);
    }
    entry.lastUsed = this.now();
    return entry.collector;
  }

  /** After a change the console made itself: the next read of these topics goes to the source. */
  invalidate(...topics: FixedTopic[]): void {
    for (const topic of topics) this.fixed[topic].invalidate();
  }

  /** Every collector now held, for tests and the benchmark's call counts. */
  collectors(): Collector<unknown>[] {
    return [...Object.values(this.fixed), ...[...this.charts.values()].map((e) => e.collector)];
  }

  stop(): void {
    for (const collector of this.collectors()) collector.stop();
  }

  private dropIdleCharts(): void {
    for (const [topic, entry] of this.charts) {
      if (entry.collector.subscribers === 0 && this.now() - entry.lastUsed > CHART_IDLE_MS) this.charts.delete(topic);
    }
  }
}
