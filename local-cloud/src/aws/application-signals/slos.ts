/**
 * Application Signals SLOs, the calls the console makes: CreateServiceLevelObjective,
 * GetServiceLevelObjective, ListServiceLevelObjectives, DeleteServiceLevelObjective and
 * BatchGetServiceLevelObjectiveBudgetReport, evaluated from local-cloud's own metrics.
 *
 * How an SLO is evaluated (period-based, as the console creates them): the rolling interval ending
 * at the report's timestamp is cut into PeriodSeconds periods (aligned to the epoch, completed
 * periods only). A period is bad when its SLI breaks the threshold: LATENCY is the statistic of the
 * operation's Latency (e.g. p99); AVAILABILITY is 100 * (1 - faults / requests). A period without
 * requests counts as good. Attainment = good / all periods; TotalBudgetSeconds = interval * (1 -
 * goal); each bad period spends PeriodSeconds of it. BREACHED when the budget is spent, WARNING when
 * what is left is under WarningThreshold % of it, INSUFFICIENT_DATA when no period had data.
 *
 * LIMITATIONS: period-based SLOs on a service operation only (no request-based SLIs, no dependency
 * SLOs, no custom MetricDataQueries, no calendar intervals, no burn rates, no exclusion windows, no
 * UpdateServiceLevelObjective); metrics older than local-cloud's retention count as missing.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  BatchGetServiceLevelObjectiveBudgetReportOutput,
  CreateServiceLevelObjectiveInput,
  CreateServiceLevelObjectiveOutput,
  GetServiceLevelObjectiveOutput,
  ListServiceLevelObjectivesOutput,
  MetricDataQuery,
  ServiceLevelObjective,
  ServiceLevelObjectiveBudgetReport,
} from '@aws-sdk/client-application-signals';
import { ACCOUNT_ID } from '../ssm/provider';
import { AwsError, validationError } from '../errors';
import { page } from './paging';
import { wireTimeToSeconds } from '../json-protocol';
import type { RestRoute } from '../rest-protocol';
import { NAMESPACE, type MetricStore, type Statistic } from '../../telemetry/metric-store';

const NAME_PATTERN = /^[0-9A-Za-z][-._0-9A-Za-z ]{0,126}[0-9A-Za-z]$/;
const UNIT_SECONDS = { MINUTE: 60, HOUR: 3600, DAY: 86_400, MONTH: 30 * 86_400 } as const;
const OPERATORS = {
  GreaterThanOrEqualTo: (a: number, b: number) => a >= b,
  GreaterThan: (a: number, b: number) => a > b,
  LessThan: (a: number, b: number) => a < b,
  LessThanOrEqualTo: (a: number, b: number) => a <= b,
} as const;

/** What is stored of an SLO: the validated configuration. */
interface StoredSlo {
  arn: string;
  name: string;
  description?: string;
  createdTime: string;
  keyAttributes: Record<string, string>;
  operationName: string;
  metricType: 'LATENCY' | 'AVAILABILITY';
  statistic: string;
  periodSeconds: number;
  threshold: number;
  operator: keyof typeof OPERATORS;
  interval: { unit: keyof typeof UNIT_SECONDS; duration: number };
  attainmentGoal: number;
  warningThreshold?: number;
}

export class SloStore {
  private readonly slos = new Map<string, StoredSlo>();

  constructor(private readonly file?: string) {
    if (!file) return;
    try {
      for (const slo of JSON.parse(readFileSync(file, 'utf8')) as StoredSlo[]) this.slos.set(slo.name, slo);
    } catch {
      // no file yet
    }
  }

  all(): StoredSlo[] {
    return [...this.slos.values()];
  }

  find(id: string): StoredSlo | undefined {
    return this.slos.get(id) ?? this.all().find((slo) => slo.arn === id);
  }

  add(slo: StoredSlo): void {
    this.slos.set(slo.name, slo);
    this.persist();
  }

  delete(name: string): void {
    this.slos.delete(name);
    this.persist();
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.all(), null, 2));
    renameSync(temporary, this.file);
  }
}

function dimensionsOf(slo: StoredSlo): Record<string, string> {
  return {
    Environment: slo.keyAttributes.Environment ?? '',
    Service: slo.keyAttributes.Name ?? '',
    Operation: slo.operationName,
  };
}

function metricQueries(slo: StoredSlo): MetricDataQuery[] {
  const dimensions = Object.entries(dimensionsOf(slo)).map(([Name, Value]) => ({ Name, Value }));
  const stat = (Id: string, MetricName: string, Stat: string, ReturnData: boolean): MetricDataQuery => ({
    Id,
    MetricStat: {
      Metric: { Namespace: NAMESPACE, MetricName, Dimensions: dimensions },
      Period: slo.periodSeconds,
      Stat,
    },
    ReturnData,
  });
  if (slo.metricType === 'LATENCY') return [stat('latency', 'Latency', slo.statistic, true)];
  return [
    stat('faults', 'Fault', 'Sum', false),
    stat('requests', 'Latency', 'SampleCount', false),
    { Id: 'availability', Expression: '100 * (1 - faults / requests)', ReturnData: true },
  ];
}

function toObjective(slo: StoredSlo): ServiceLevelObjective {
  return {
    Arn: slo.arn,
    Name: slo.name,
    ...(slo.description ? { Description: slo.description } : {}),
    CreatedTime: new Date(slo.createdTime),
    LastUpdatedTime: new Date(slo.createdTime),
    Sli: {
      SliMetric: {
        KeyAttributes: slo.keyAttributes,
        OperationName: slo.operationName,
        MetricType: slo.metricType,
        MetricDataQueries: metricQueries(slo),
      },
      MetricThreshold: slo.threshold,
      ComparisonOperator: slo.operator,
    },
    EvaluationType: 'PeriodBased',
    Goal: {
      Interval: { RollingInterval: { DurationUnit: slo.interval.unit, Duration: slo.interval.duration } },
      AttainmentGoal: slo.attainmentGoal,
      ...(slo.warningThreshold === undefined ? {} : { WarningThreshold: slo.warningThreshold }),
    },
    BurnRateConfigurations: [],
    MetricSourceType: 'ServiceOperation',
  };
}

/** The period-by-period evaluation described at the top of this file. */
export function evaluate(
  slo: StoredSlo,
  metrics: MetricStore,
  atSecond: number,
): Omit<ServiceLevelObjectiveBudgetReport, 'Arn' | 'Name'> {
  const intervalSeconds = UNIT_SECONDS[slo.interval.unit] * slo.interval.duration;
  const period = slo.periodSeconds;
  const end = Math.floor(atSecond / period) * period;
  const start = end - Math.floor(intervalSeconds / period) * period;
  const dims = dimensionsOf(slo);
  const values = new Map<number, number>();
  if (slo.metricType === 'LATENCY') {
    for (const point of metrics.query('Latency', dims, slo.statistic as Statistic, period, start, end))
      values.set(point.timestamp, point.value);
  } else {
    const requests = new Map(
      metrics.query('Fault', dims, 'SampleCount', period, start, end).map((p) => [p.timestamp, p.value]),
    );
    for (const point of metrics.query('Fault', dims, 'Sum', period, start, end)) {
      const total = requests.get(point.timestamp) ?? 0;
      if (total > 0) values.set(point.timestamp, 100 * (1 - point.value / total));
    }
  }
  const periods = Math.max(1, (end - start) / period);
  let bad = 0;
  for (const value of values.values()) if (!OPERATORS[slo.operator](value, slo.threshold)) bad++;
  const totalBudget = intervalSeconds * (1 - slo.attainmentGoal / 100);
  const remaining = totalBudget - bad * period;
  let status: ServiceLevelObjectiveBudgetReport['BudgetStatus'] = 'OK';
  if (values.size === 0) status = 'INSUFFICIENT_DATA';
  else if (remaining < 0) status = 'BREACHED';
  else if (slo.warningThreshold !== undefined && remaining < (totalBudget * slo.warningThreshold) / 100)
    status = 'WARNING';
  const objective = toObjective(slo);
  return {
    EvaluationType: 'PeriodBased',
    BudgetStatus: status,
    Attainment: Math.round(((periods - bad) / periods) * 100 * 1000) / 1000,
    TotalBudgetSeconds: Math.round(totalBudget),
    BudgetSecondsRemaining: Math.round(remaining),
    ...(objective.Sli ? { Sli: objective.Sli } : {}),
    ...(objective.Goal ? { Goal: objective.Goal } : {}),
  };
}

function parseCreate(input: CreateServiceLevelObjectiveInput, region: string): StoredSlo {
  if (!input.Name || !NAME_PATTERN.test(input.Name))
    throw validationError(
      'Name must be 2-128 characters of letters, digits, space, - . _, starting and ending with a letter or digit.',
    );
  if (input.RequestBasedSliConfig) throw validationError('local-cloud supports period-based SLOs (SliConfig) only.');
  const sli = input.SliConfig;
  const metric = sli?.SliMetricConfig;
  if (!sli || !metric) throw validationError('SliConfig with SliMetricConfig is required.');
  const key = metric.KeyAttributes ?? {};
  if (!key.Type || !key.Name || !key.Environment)
    throw validationError('SliMetricConfig.KeyAttributes must include Type, Name and Environment.');
  if (!metric.OperationName)
    throw validationError('local-cloud supports SLOs on a service operation: OperationName is required.');
  if (metric.MetricType !== 'LATENCY' && metric.MetricType !== 'AVAILABILITY')
    throw validationError('MetricType must be LATENCY or AVAILABILITY.');
  if (metric.MetricDataQueries || metric.DependencyConfig)
    throw validationError('local-cloud does not support custom MetricDataQueries or DependencyConfig.');
  if (sli.MetricThreshold === undefined || !sli.ComparisonOperator || !(sli.ComparisonOperator in OPERATORS)) {
    throw validationError('MetricThreshold and ComparisonOperator are required.');
  }
  const statistic = metric.Statistic ?? (metric.MetricType === 'LATENCY' ? 'p99' : 'Average');
  const periodSeconds = metric.PeriodSeconds ?? 60;
  // The model's range: a period-based SLO is evaluated in whole minutes or more.
  if (!Number.isInteger(periodSeconds) || periodSeconds < 60 || periodSeconds > 900)
    throw validationError('PeriodSeconds must be 60 to 900.');
  const rolling = input.Goal?.Interval?.RollingInterval;
  if (input.Goal?.Interval?.CalendarInterval) throw validationError('local-cloud supports rolling intervals only.');
  const unit = rolling?.DurationUnit ?? 'DAY';
  if (!(unit in UNIT_SECONDS)) throw validationError('DurationUnit must be MINUTE, HOUR, DAY or MONTH.');
  const goal = input.Goal?.AttainmentGoal ?? 99;
  if (!(goal > 0 && goal < 100)) throw validationError('AttainmentGoal must be above 0 and below 100.');
  return {
    arn: `arn:aws:application-signals:${region}:${ACCOUNT_ID}:slo/${input.Name}`,
    name: input.Name,
    ...(input.Description ? { description: input.Description } : {}),
    createdTime: new Date().toISOString(),
    keyAttributes: { Type: key.Type, Name: key.Name, Environment: key.Environment },
    operationName: metric.OperationName,
    metricType: metric.MetricType,
    statistic,
    periodSeconds,
    threshold: sli.MetricThreshold,
    operator: sli.ComparisonOperator,
    interval: { unit, duration: rolling?.Duration ?? 1 },
    attainmentGoal: goal,
    // The model's default.
    warningThreshold: input.Goal?.WarningThreshold ?? 50,
  };
}

export function sloRoutes(store: SloStore, metrics: MetricStore, region: string): RestRoute[] {
  const find = (id: string) => {
    const slo = store.find(id);
    if (!slo)
      throw new AwsError('ResourceNotFoundException', `SLO ${id} does not exist.`, 404, undefined, {
        ResourceType: 'SLO',
        ResourceId: id,
      });
    return slo;
  };
  return [
    {
      method: 'POST',
      path: '/slo',
      operation: 'CreateServiceLevelObjective',
      handler: ({ body }): CreateServiceLevelObjectiveOutput => {
        const slo = parseCreate(body as CreateServiceLevelObjectiveInput, region);
        // As AWS does: an SLI needs an operation Application Signals has seen (metrics kept here).
        const seen = metrics
          .list()
          .some(
            (series) =>
              series.dimensions.Service === slo.keyAttributes.Name &&
              series.dimensions.Environment === slo.keyAttributes.Environment &&
              series.dimensions.Operation === slo.operationName &&
              series.dimensions.RemoteService === undefined,
          );
        if (!seen)
          throw validationError(
            `No metrics have been reported for operation "${slo.operationName}" of service ${slo.keyAttributes.Name} in ${slo.keyAttributes.Environment}: send it traffic first.`,
          );
        if (store.find(slo.name))
          throw new AwsError('ConflictException', `An SLO named ${slo.name} already exists.`, 409);
        store.add(slo);
        return { Slo: toObjective(slo) };
      },
    },
    {
      method: 'GET',
      path: '/slo/{Id}',
      operation: 'GetServiceLevelObjective',
      handler: ({ params }): GetServiceLevelObjectiveOutput => ({ Slo: toObjective(find(params.Id ?? '')) }),
    },
    {
      method: 'DELETE',
      path: '/slo/{Id}',
      operation: 'DeleteServiceLevelObjective',
      handler: ({ params }) => {
        store.delete(find(params.Id ?? '').name);
        return {};
      },
    },
    {
      method: 'POST',
      path: '/slos',
      operation: 'ListServiceLevelObjectives',
      handler: ({ query, body }): ListServiceLevelObjectivesOutput => {
        const key = (body as { KeyAttributes?: Record<string, string> } | undefined)?.KeyAttributes;
        const operation = query.get('OperationName');
        const summaries = store
          .all()
          .filter(
            (slo) => !key || (slo.keyAttributes.Name === key.Name && slo.keyAttributes.Environment === key.Environment),
          )
          .filter((slo) => !operation || slo.operationName === operation)
          .map((slo) => ({
            Arn: slo.arn,
            Name: slo.name,
            KeyAttributes: slo.keyAttributes,
            OperationName: slo.operationName,
            CreatedTime: new Date(slo.createdTime),
            EvaluationType: 'PeriodBased' as const,
            MetricSourceType: 'ServiceOperation' as const,
          }));
        const { items, NextToken } = page(summaries, query);
        return { SloSummaries: items, ...(NextToken ? { NextToken } : {}) };
      },
    },
    {
      method: 'POST',
      path: '/budget-report',
      operation: 'BatchGetServiceLevelObjectiveBudgetReport',
      handler: ({ body }): BatchGetServiceLevelObjectiveBudgetReportOutput => {
        const input = body as { Timestamp?: unknown; SloIds?: string[] };
        const at = wireTimeToSeconds(input.Timestamp);
        if (Number.isNaN(at)) throw validationError('Timestamp is required.');
        const ids = input.SloIds ?? [];
        if (ids.length === 0 || ids.length > 50) throw validationError('SloIds must hold 1 to 50 ids.');
        const reports: ServiceLevelObjectiveBudgetReport[] = [];
        const errors: BatchGetServiceLevelObjectiveBudgetReportOutput['Errors'] = [];
        for (const id of ids) {
          const slo = store.find(id);
          if (!slo)
            errors.push({
              Name: id,
              Arn: id,
              ErrorCode: 'ResourceNotFoundException',
              ErrorMessage: `SLO ${id} does not exist.`,
            });
          else reports.push({ Arn: slo.arn, Name: slo.name, ...evaluate(slo, metrics, Math.floor(at)) });
        }
        return { Timestamp: new Date(at * 1000), Reports: reports, Errors: errors };
      },
    },
  ];
}
