import 'server-only';
import {
  BatchGetServiceLevelObjectiveBudgetReportCommand,
  CreateServiceLevelObjectiveCommand,
  ListServiceLevelObjectivesCommand,
  type ApplicationSignalsClient,
  type CreateServiceLevelObjectiveInput,
  ValidationException,
} from '@aws-sdk/client-application-signals';
import type { AppNames } from '@demo/contracts';
import type { SloRow } from '../../shared/signals';
import { ConsoleError } from '../errors';

export const ORDERS_OPERATION = 'POST /api/orders';
/** The Delivery API operation each order reaches (where the pool is held). */
export const DELIVERY_OPERATION = 'POST /api/delivery';

/**
 * The demo's two SLOs on the Order API's POST /api/orders: availability >= 99 % and p99 latency
 * <= 2 s, per 1-minute period, over a rolling hour with a 99 % attainment goal. One bad minute
 * spends more than the hour's budget (36 s), so the fault shows as a breach within minutes.
 */
export function demoSlos(names: AppNames, environment: string): CreateServiceLevelObjectiveInput[] {
  const metric = {
    KeyAttributes: { Type: 'Service', Name: names.orderApi, Environment: environment },
    OperationName: ORDERS_OPERATION,
    PeriodSeconds: 60,
  };
  const goal = {
    Interval: { RollingInterval: { DurationUnit: 'HOUR' as const, Duration: 1 } },
    AttainmentGoal: 99,
    WarningThreshold: 50,
  };
  return [
    {
      Name: `${names.prefix}-orders-availability`,
      Description: 'POST /api/orders answers without a fault (5xx) in at least 99 % of requests, minute by minute',
      SliConfig: {
        SliMetricConfig: { ...metric, MetricType: 'AVAILABILITY' },
        MetricThreshold: 99,
        ComparisonOperator: 'GreaterThanOrEqualTo',
      },
      Goal: goal,
    },
    {
      Name: `${names.prefix}-orders-p99-latency`,
      Description: 'POST /api/orders p99 latency stays at or below 2 s, minute by minute',
      SliConfig: {
        SliMetricConfig: { ...metric, MetricType: 'LATENCY', Statistic: 'p99' },
        MetricThreshold: 2000,
        ComparisonOperator: 'LessThanOrEqualTo',
      },
      Goal: goal,
    },
  ];
}

function objective(input: CreateServiceLevelObjectiveInput): string {
  const sli = input.SliConfig;
  const what =
    sli?.SliMetricConfig?.MetricType === 'LATENCY'
      ? `p99 latency <= ${sli.MetricThreshold} ms`
      : `availability >= ${sli?.MetricThreshold} %`;
  return `${ORDERS_OPERATION} ${what}, rolling 1 h, goal ${input.Goal?.AttainmentGoal} %`;
}

export class Slos {
  constructor(
    private readonly signals: ApplicationSignalsClient,
    private readonly names: AppNames,
    private readonly environment: string,
  ) {}

  private async existing(): Promise<Map<string, string>> {
    const out = await this.signals.send(
      new ListServiceLevelObjectivesCommand({
        KeyAttributes: { Type: 'Service', Name: this.names.orderApi, Environment: this.environment },
        OperationName: ORDERS_OPERATION,
      }),
    );
    return new Map((out.SloSummaries ?? []).flatMap((s) => (s.Name && s.Arn ? [[s.Name, s.Arn]] : [])));
  }

  /** Creates whichever of the two demo SLOs does not exist yet; returns the names it created. */
  async ensure(): Promise<string[]> {
    const existing = await this.existing();
    const created: string[] = [];
    for (const input of demoSlos(this.names, this.environment)) {
      if (existing.has(input.Name ?? '')) continue;
      try {
        await this.signals.send(new CreateServiceLevelObjectiveCommand(input));
      } catch (error) {
        // Application Signals refuses an SLI on an operation it has not seen yet: a precondition
        // of the demo (send traffic first), not a console failure.
        if (error instanceof ValidationException)
          throw new ConsoleError(409, `Application Signals refused the SLO ${input.Name ?? ''}: ${error.message}`, {
            created,
          });
        throw error;
      }
      created.push(input.Name ?? '');
    }
    return created;
  }

  /** The demo SLOs with attainment, budget and status now (rows for missing ones say so). */
  async report(now = new Date()): Promise<SloRow[]> {
    const existing = await this.existing();
    const wanted = demoSlos(this.names, this.environment);
    const arns = wanted.flatMap((w) => (existing.has(w.Name ?? '') ? [existing.get(w.Name ?? '') ?? ''] : []));
    const reports =
      arns.length > 0
        ? ((
            await this.signals.send(
              new BatchGetServiceLevelObjectiveBudgetReportCommand({ Timestamp: now, SloIds: arns }),
            )
          ).Reports ?? [])
        : [];
    return wanted.map((input) => {
      const arn = existing.get(input.Name ?? '');
      const report = reports.find((r) => r.Arn === arn || r.Name === input.Name);
      return {
        name: input.Name ?? '',
        arn: arn ?? '',
        objective: objective(input),
        status: report?.BudgetStatus ?? 'UNKNOWN',
        attainment: report?.Attainment ?? null,
        goal: input.Goal?.AttainmentGoal ?? null,
        totalBudgetSeconds: report?.TotalBudgetSeconds ?? null,
        budgetSecondsRemaining: report?.BudgetSecondsRemaining ?? null,
      };
    });
  }
}
