/**
 * CloudWatch, the calls the project makes: GetMetricData and ListMetrics, over the Application
 * Signals metrics local-cloud derives from spans (namespace `ApplicationSignals`).
 *
 * Timing: by default every metric is high resolution (1 s) and readable within a second. With
 * `timing: 'aws'` (rehearsal mode) they behave as Application Signals' do on AWS: standard
 * resolution, so a Period under 60 s is refused, and a minute is readable only
 * AWS_METRIC_TIMING.publishLagSeconds after it ended.
 *
 * LIMITATIONS: no metric math (`Expression` is refused), no PutMetricData (every metric comes from
 * spans), `Unit` filters are ignored, `LabelOptions` are ignored, ListMetrics' `RecentlyActive`
 * means "has data in the last 3 hours" (all that is kept), no cross-account options.
 */
import type {
  Dimension,
  DimensionFilter,
  GetMetricDataInput,
  GetMetricDataOutput,
  ListMetricsInput,
  ListMetricsOutput,
  MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { AWS_METRIC_TIMING, type MetricTiming } from '@demo/contracts';
import { AwsError } from '../errors';
import { wireTimeToSeconds } from '../json-protocol';
import type { RpcService } from '../rpc-service';
import { isStatistic, METRIC_NAMES, NAMESPACE, type MetricName, type MetricStore } from '../../telemetry/metric-store';

const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/;
const HIGH_RESOLUTION_PERIODS = new Set([1, 5, 10, 20, 30]);
const DEFAULT_MAX_DATAPOINTS = 100_800;
const LIST_PAGE_SIZE = 500;

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message, 400, 'InvalidParameterValue');
}

function missing(name: string): AwsError {
  return new AwsError(
    'MissingRequiredParameterException',
    `The parameter ${name} is required.`,
    400,
    'MissingParameter',
  );
}

function toDimensions(dimensions: Dimension[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const dimension of dimensions ?? []) {
    if (!dimension.Name || dimension.Value === undefined) throw invalid('Every dimension needs a Name and a Value.');
    result[dimension.Name] = dimension.Value;
  }
  return result;
}

/** A page token; a bad one is the error the operation's model declares (GetMetricData's InvalidNextToken, ListMetrics' InvalidParameterValue). */
function decodeToken(token: string | undefined, refusal: () => AwsError): number {
  if (!token) return 0;
  const offset = Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isInteger(offset) || offset < 0) throw refusal();
  return offset;
}

const badToken = () => new AwsError('InvalidNextToken', 'The NextToken is not valid.', 400, 'InvalidNextToken');

const encodeToken = (offset: number) => Buffer.from(String(offset)).toString('base64url');

export interface CloudWatchOptions {
  timing?: MetricTiming;
  /** Epoch ms; tests move it. */
  now?: () => number;
}

export function createCloudWatchProvider(metrics: MetricStore, options: CloudWatchOptions = {}) {
  const awsTiming = options.timing === 'aws';
  const now = options.now ?? Date.now;
  return {
    getMetricData: (input: GetMetricDataInput): GetMetricDataOutput => {
      const queries = input.MetricDataQueries;
      if (!queries || queries.length === 0) throw missing('MetricDataQueries');
      if (queries.length > 500) throw invalid('At most 500 MetricDataQueries are allowed.');
      if (!input.StartTime) throw missing('StartTime');
      if (!input.EndTime) throw missing('EndTime');
      const start = Math.floor(wireTimeToSeconds(input.StartTime));
      const asked = Math.floor(wireTimeToSeconds(input.EndTime));
      if (Number.isNaN(start) || Number.isNaN(asked)) throw invalid('StartTime and EndTime must be timestamps.');
      if (asked <= start) throw invalid('The parameter EndTime must be greater than StartTime.');
      // Rehearsal: only whole minutes that AWS would have published by now.
      const published = Math.floor((now() / 1000 - AWS_METRIC_TIMING.publishLagSeconds) / 60) * 60;
      const end = awsTiming ? Math.min(asked, published) : asked;
      const descending = (input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending';
      const ids = new Set<string>();

      const results: MetricDataResult[] = [];
      for (const query of queries) {
        if (!query.Id || !ID_PATTERN.test(query.Id))
          throw invalid(
            `Query Id "${query.Id ?? ''}" must start with a lower-case letter and hold only letters, digits and _.`,
          );
        if (ids.has(query.Id)) throw invalid(`Duplicate query Id: ${query.Id}`);
        ids.add(query.Id);
        if (query.Expression !== undefined)
          throw invalid(`Query ${query.Id}: local-cloud does not evaluate metric math expressions; use MetricStat.`);
        const stat = query.MetricStat;
        if (!stat?.Metric?.MetricName) throw invalid(`Query ${query.Id} needs MetricStat with a Metric.`);
        const period = stat.Period;
        if (!period || !(HIGH_RESOLUTION_PERIODS.has(period) || period % 60 === 0)) {
          throw invalid(`Query ${query.Id}: the period must be 1, 5, 10, 20, 30 or a multiple of 60 seconds.`);
        }
        if (awsTiming && period % 60 !== 0)
          throw invalid(
            `Query ${query.Id}: Application Signals metrics are standard resolution; the period must be a multiple of 60 seconds.`,
          );
        if (!stat.Stat || !isStatistic(stat.Stat)) {
          throw invalid(
            `Query ${query.Id}: unsupported statistic "${stat.Stat ?? ''}"; use Average, Sum, SampleCount, Minimum, Maximum or pNN.`,
          );
        }
        const name = stat.Metric.MetricName;
        const known = stat.Metric.Namespace === NAMESPACE && METRIC_NAMES.includes(name as MetricName);
        const points =
          known && end > start
            ? metrics.query(name as MetricName, toDimensions(stat.Metric.Dimensions), stat.Stat, period, start, end)
            : [];
        if (descending) points.reverse();
        if (query.ReturnData === false) continue;
        results.push({
          Id: query.Id,
          Label: query.Label ?? name,
          Timestamps: points.map((point) => new Date(point.timestamp * 1000)),
          Values: points.map((point) => point.value),
          StatusCode: 'Complete',
        });
      }

      // Page over all datapoints of all results in order, as CloudWatch does past MaxDatapoints.
      const max = input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
      let skip = decodeToken(input.NextToken, badToken);
      let room = max;
      let consumed = skip;
      const paged: MetricDataResult[] = [];
      for (const result of results) {
        const total = result.Values?.length ?? 0;
        const from = Math.min(skip, total);
        skip -= from;
        const take = Math.min(total - from, room);
        room -= take;
        consumed += take;
        paged.push({
          ...result,
          Timestamps: result.Timestamps?.slice(from, from + take) ?? [],
          Values: result.Values?.slice(from, from + take) ?? [],
          StatusCode: from + take < total ? 'PartialData' : 'Complete',
        });
      }
      const totalPoints = results.reduce((sum, result) => sum + (result.Values?.length ?? 0), 0);
      return {
        MetricDataResults: paged,
        Messages: [],
        ...(consumed < totalPoints ? { NextToken: encodeToken(consumed) } : {}),
      };
    },

    listMetrics: (input: ListMetricsInput): ListMetricsOutput => {
      const filters: DimensionFilter[] = input.Dimensions ?? [];
      const since = input.RecentlyActive === 'PT3H' ? Math.floor(Date.now() / 1000) - 3 * 3600 : 0;
      const matching = (input.Namespace === undefined || input.Namespace === NAMESPACE ? metrics.list(since) : [])
        .filter((series) => input.MetricName === undefined || series.metricName === input.MetricName)
        .filter((series) =>
          filters.every(
            (filter) =>
              filter.Name !== undefined &&
              filter.Name in series.dimensions &&
              (filter.Value === undefined || series.dimensions[filter.Name] === filter.Value),
          ),
        );
      const offset = decodeToken(input.NextToken, () => invalid('The NextToken is not valid.'));
      const page = matching.slice(offset, offset + LIST_PAGE_SIZE);
      return {
        Metrics: page.map((series) => ({
          Namespace: NAMESPACE,
          MetricName: series.metricName,
          Dimensions: Object.entries(series.dimensions).map(([Name, Value]) => ({ Name, Value })),
        })),
        ...(offset + LIST_PAGE_SIZE < matching.length ? { NextToken: encodeToken(offset + LIST_PAGE_SIZE) } : {}),
      };
    },
  };
}

/**
 * CloudWatch over its three protocols, as the model (smithy `awsJson1_0`, `awsQuery`,
 * `rpcv2Cbor`) declares: the SDK v3 speaks JSON 1.0, AWS CLI v2 before 2.23 awsQuery.
 */
export function cloudWatchService(metrics: MetricStore, options: CloudWatchOptions = {}): RpcService {
  const provider = createCloudWatchProvider(metrics, options);
  return {
    name: 'cloudwatch',
    targetPrefix: 'GraniteServiceVersion20100801',
    version: '1.0',
    shapeNamespace: 'com.amazonaws.cloudwatch',
    query: {
      version: '2010-08-01',
      xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
      numberMembers: new Set(['Period', 'MaxDatapoints']),
      booleanMembers: new Set(['ReturnData', 'IncludeLinkedAccounts']),
    },
    operations: { GetMetricData: provider.getMetricData, ListMetrics: provider.listMetrics },
  };
}
