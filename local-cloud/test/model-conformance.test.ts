import '../vitest-mysql';
import path from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import * as applicationSignals from '@aws-sdk/client-application-signals';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as ssm from '@aws-sdk/client-ssm';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appNames } from '@demo/contracts';
import { applicationSignalsService } from '../src/aws/application-signals/provider';
import { SloStore } from '../src/aws/application-signals/slos';
import { ChangeEventLog } from '../src/aws/application-signals/change-events';
import { cloudWatchService } from '../src/aws/cloudwatch/provider';
import { ssmService } from '../src/aws/ssm/provider';
import { ParameterStore } from '../src/aws/ssm/store';
import { LOCAL_CREDENTIALS } from '../src/endpoints';
import { MetricStore } from '../src/telemetry/metric-store';
import { placeOrders, startTestCloud, type TestCloud } from '../test-cloud';
import { operationModel, violations, type OperationModel } from './sdk-models';

/**
 * Every operation local-cloud serves, held against AWS's published models: the Smithy schemas
 * and declared errors the AWS SDK for JavaScript v3 client packages ship (a newer model than the
 * aws-sdk v2 package's, which lacks ListServiceStates and ListEntityEvents). For each operation,
 * real requests go over the wire to a running local-cloud, and each answer must have the
 * model's required members, no member it does not declare, valid enum values, and, when it is
 * an error, a code the model declares for the operation or one of AWS's common errors.
 */
const repoRoot = path.resolve(__dirname, '..', '..');
const names = appNames('ts');
let testCloud: TestCloud;

beforeAll(async () => {
  testCloud = await startTestCloud({ mysqlUrl: inject('mysqlUrl'), repoRoot });
  // Orders, so that Application Signals has services, operations and dependencies to list.
  await placeOrders(testCloud.cloud.endpoints.orderApiUrl, 5);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const services = await call('application-signals', 'ListServices', {});
    if ((services.body as { ServiceSummaries?: unknown[] }).ServiceSummaries?.length === 2) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}, 120_000);

afterAll(async () => {
  await testCloud?.stop();
}, 60_000);

/** The errors any AWS API may answer with (AWS's "Common Errors"), in both protocols' spellings. */
const COMMON_ERRORS = new Set([
  'AccessDeniedException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InternalFailure',
  'InvalidAction',
  'InvalidClientTokenId',
  'InvalidParameterCombination',
  'InvalidParameterValue',
  'InvalidQueryParameter',
  'MalformedQueryString',
  'MissingAction',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'MissingParameter',
  'NotAuthorized',
  'OptInRequired',
  'RequestExpired',
  'ServiceUnavailable',
  'ThrottlingException',
  'ValidationError',
  'ValidationException',
  'SerializationException',
  'UnknownOperationException',
]);

/** Members whose values are enums, with the values the SDK knows (its enum exports). */
const ENUMS: Record<string, readonly string[]> = {
  Type: Object.values(ssm.ParameterType),
  Tier: Object.values(ssm.ParameterTier),
  StatusCode: Object.values(cloudwatch.StatusCode),
  ChangeEventType: Object.values(applicationSignals.ChangeEventType),
  BudgetStatus: Object.values(applicationSignals.ServiceLevelObjectiveBudgetStatus),
  EvaluationType: Object.values(applicationSignals.EvaluationType),
  MetricType: [...Object.values(applicationSignals.ServiceLevelIndicatorMetricType), 'LATENCY', 'FAULT', 'ERROR'],
  ComparisonOperator: Object.values(applicationSignals.ServiceLevelIndicatorComparisonOperator),
  DurationUnit: Object.values(applicationSignals.DurationUnit),
  MetricSourceType: Object.values(applicationSignals.MetricSourceType),
};

type Service = 'ssm' | 'cloudwatch' | 'application-signals';

interface Answer {
  status: number;
  body: unknown;
  /** The error code, from `__type` (JSON protocols) or `x-amzn-errortype` (REST-JSON). */
  code?: string;
  queryCode?: string;
}

const JSON_TARGETS = {
  ssm: { prefix: 'AmazonSSM', contentType: 'application/x-amz-json-1.1' },
  cloudwatch: { prefix: 'GraniteServiceVersion20100801', contentType: 'application/x-amz-json-1.0' },
};

const NOW_SECONDS = () => Math.floor(Date.now() / 1000);
const hour = () => ({ StartTime: NOW_SECONDS() - 3600, EndTime: NOW_SECONDS() + 60 });

/** One signed request over the wire, as an SDK sends it; the raw answer, before any SDK parses it. */
async function call(service: Service, operation: string, input: Record<string, unknown>): Promise<Answer> {
  const endpoint = new URL(testCloud.cloud.endpoints.awsUrl);
  let method = 'POST';
  let requestPath = '/';
  const query: Record<string, string> = {};
  const headers: Record<string, string> = { host: endpoint.host };
  let body: Record<string, unknown> = input;
  if (service === 'application-signals') {
    // Where the model says the operation lives, not where local-cloud serves it.
    const route = operationModel(PACKAGES[service], operation)?.http;
    if (!route) throw new Error(`the model gives ${operation} no HTTP binding`);
    method = route.method;
    requestPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(input[name])));
    body = Object.fromEntries(
      Object.entries(input).filter(([name]) => !route.query.includes(name) && !route.path.includes(`{${name}}`)),
    );
    for (const name of route.query) {
      const value = input[name] as string | number | undefined;
      if (value === undefined) continue;
      // Timestamps in a query string are ISO 8601, as the SDK writes them.
      query[name] = name.endsWith('Time') ? new Date(Number(value) * 1000).toISOString() : String(value);
    }
    headers['content-type'] = 'application/json';
  } else {
    headers['content-type'] = JSON_TARGETS[service].contentType;
    headers['x-amz-target'] = `${JSON_TARGETS[service].prefix}.${operation}`;
  }
  const text = method === 'GET' || method === 'DELETE' ? '' : JSON.stringify(body);
  const signer = new SignatureV4({
    credentials: LOCAL_CREDENTIALS,
    region: testCloud.cloud.endpoints.region,
    service: service === 'cloudwatch' ? 'monitoring' : service,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method,
      protocol: 'http:',
      hostname: endpoint.hostname,
      port: Number(endpoint.port),
      path: requestPath,
      query,
      headers,
      body: text,
    }),
  );
  const search = new URLSearchParams(query).toString();
  const response = await fetch(`${endpoint.origin}${requestPath}${search ? `?${search}` : ''}`, {
    method,
    headers: signed.headers,
    ...(text ? { body: text } : {}),
  });
  const raw = await response.text();
  const parsed = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const errorType = response.headers.get('x-amzn-errortype') ?? (parsed.__type as string | undefined);
  return {
    status: response.status,
    body: parsed,
    ...(response.status >= 300 && errorType ? { code: errorType.split(':')[0]?.split('#').at(-1) } : {}),
    ...(response.headers.get('x-amzn-query-error')
      ? { queryCode: response.headers.get('x-amzn-query-error')?.split(';')[0] }
      : {}),
  };
}

const key = (name: string) => ({ Type: 'Service', Name: name, Environment: 'local:ts' });
const availabilitySlo = (name: string) => ({
  Name: name,
  SliConfig: {
    SliMetricConfig: {
      KeyAttributes: key(names.orderApi),
      OperationName: 'POST /api/orders',
      MetricType: 'AVAILABILITY',
      PeriodSeconds: 60,
    },
    MetricThreshold: 99,
    ComparisonOperator: 'GreaterThanOrEqualTo',
  },
  Goal: { Interval: { RollingInterval: { DurationUnit: 'HOUR', Duration: 1 } }, AttainmentGoal: 99 },
});
const orderQuery = (period: number) => ({
  Id: 'q',
  MetricStat: {
    Metric: {
      Namespace: 'ApplicationSignals',
      MetricName: 'Latency',
      Dimensions: [
        { Name: 'Service', Value: names.orderApi },
        { Name: 'Environment', Value: 'local:ts' },
      ],
    },
    Period: period,
    Stat: 'p99',
  },
});

/**
 * The requests each served operation is tried with, in order (later ones may rely on earlier
 * ones): answers and refusals alike, each answer checked against the model.
 */
const SAMPLES: Record<Service, Record<string, Record<string, unknown>[]>> = {
  ssm: {
    PutParameter: [
      { Name: '/conformance/plain', Value: '1', Type: 'String' },
      { Name: '/conformance/plain', Value: '2', Type: 'String' }, // ParameterAlreadyExists
      { Name: '/conformance/plain', Value: '3', Type: 'StringList', Overwrite: true }, // HierarchyTypeMismatchException
      { Name: '/conformance/secret', Value: 's3cr3t', Type: 'SecureString' },
      { Name: '/conformance/empty', Value: '', Type: 'String' }, // ValidationException
    ],
    GetParameter: [
      { Name: names.parameters.poolSize },
      { Name: '/conformance/secret' },
      { Name: '/conformance/secret', WithDecryption: true },
      { Name: `${names.parameters.poolSize}:1` },
      { Name: '/conformance/missing' }, // ParameterNotFound
    ],
    GetParameters: [{ Names: [names.parameters.poolSize, '/conformance/missing'] }],
    GetParametersByPath: [
      { Path: '/ts-sample-app', Recursive: true, MaxResults: 2 },
      { Path: '/ts-sample-app', Recursive: true, NextToken: 'bm90LWEtdG9rZW4' }, // InvalidNextToken
    ],
    DeleteParameter: [{ Name: '/conformance/plain' }, { Name: '/conformance/plain' }],
    DeleteParameters: [{ Names: ['/conformance/secret', '/conformance/never'] }],
  },
  cloudwatch: {
    GetMetricData: [
      { ...hour(), MetricDataQueries: [orderQuery(60)], ScanBy: 'TimestampAscending' },
      { ...hour(), MetricDataQueries: [orderQuery(60)], MaxDatapoints: 1 },
      { ...hour(), MetricDataQueries: [orderQuery(7)] }, // InvalidParameterValue
      { ...hour(), MetricDataQueries: [orderQuery(60)], NextToken: 'bm9wZQ' }, // InvalidNextToken
    ],
    ListMetrics: [
      { Namespace: 'ApplicationSignals', Dimensions: [{ Name: 'Service', Value: names.deliveryApi }] },
      { Namespace: 'ApplicationSignals', NextToken: 'bm9wZQ' },
    ],
  },
  'application-signals': {
    StartDiscovery: [{}],
    ListServices: [hour(), { ...hour(), MaxResults: 1 }, { StartTime: NOW_SECONDS() }],
    GetService: [
      { ...hour(), KeyAttributes: key(names.orderApi) },
      { ...hour(), KeyAttributes: key('no-such-service') },
    ],
    ListServiceOperations: [{ ...hour(), KeyAttributes: key(names.orderApi) }],
    ListServiceDependencies: [
      { ...hour(), KeyAttributes: key(names.orderApi) },
      { ...hour(), KeyAttributes: key(names.deliveryApi) },
    ],
    CreateServiceLevelObjective: [
      availabilitySlo('conformance-availability'),
      availabilitySlo('conformance-availability'), // ConflictException
      {
        ...availabilitySlo('conformance-fast'),
        SliConfig: {
          ...availabilitySlo('x').SliConfig,
          SliMetricConfig: { ...availabilitySlo('x').SliConfig.SliMetricConfig, PeriodSeconds: 10 },
        },
      },
    ],
    GetServiceLevelObjective: [{ Id: 'conformance-availability' }, { Id: 'conformance-missing' }],
    ListServiceLevelObjectives: [{ KeyAttributes: key(names.orderApi) }, { MaxResults: 1 }],
    BatchGetServiceLevelObjectiveBudgetReport: [
      { Timestamp: NOW_SECONDS(), SloIds: ['conformance-availability', 'conformance-missing'] },
    ],
    ListServiceStates: [hour()],
    ListEntityEvents: [{ ...hour(), Entity: key(names.deliveryApi) }],
    ListAuditFindings: [
      { ...hour(), AuditTargets: [{ Type: 'service', Data: { Service: key(names.orderApi) } }] },
      { ...hour(), AuditTargets: [] }, // ValidationException
    ],
    DeleteServiceLevelObjective: [{ Id: 'conformance-availability' }, { Id: 'conformance-availability' }],
  },
};

const PACKAGES: Record<Service, string> = {
  ssm: '@aws-sdk/client-ssm',
  cloudwatch: '@aws-sdk/client-cloudwatch',
  'application-signals': '@aws-sdk/client-application-signals',
};

/** What local-cloud serves, read from its own dispatch tables. */
function served(): Record<Service, string[]> {
  const metrics = new MetricStore({ retentionSeconds: 60, maxSeries: 1 });
  return {
    ssm: Object.keys(ssmService(new ParameterStore(), 'us-east-1').operations),
    cloudwatch: Object.keys(cloudWatchService(metrics).operations),
    'application-signals': applicationSignalsService(
      metrics,
      { store: new SloStore(), region: 'us-east-1' },
      new ChangeEventLog('us-east-1'),
    ).routes.map((route) => route.operation),
  };
}

describe('model conformance', () => {
  it('has sample requests for every operation local-cloud serves, and a packaged model for each', () => {
    for (const [service, operations] of Object.entries(served()) as [Service, string[]][]) {
      expect(Object.keys(SAMPLES[service]).sort(), service).toEqual([...new Set(operations)].sort());
      for (const operation of operations) expect(operationModel(PACKAGES[service], operation), operation).toBeDefined();
    }
  });

  for (const service of Object.keys(SAMPLES) as Service[]) {
    for (const operation of Object.keys(SAMPLES[service])) {
      it(`${service} ${operation}: answers in the model's shape, errors the model declares`, async () => {
        const model = operationModel(PACKAGES[service], operation) as OperationModel;
        const problems: string[] = [];
        let answered = 0;
        for (const [index, input] of (SAMPLES[service][operation] ?? []).entries()) {
          // A sample may leave out what is required (to be refused), but names only real members.
          problems.push(
            ...violations(input, model.input, `request ${index}`).filter((p) => p.includes('not a member')),
          );
          const answer = await call(service, operation, input);
          if (answer.status < 300) {
            answered++;
            problems.push(...violations(answer.body, model.output, `answer ${index}`, ENUMS));
          } else {
            const code = answer.code ?? '(no code)';
            const allowed =
              model.errors.includes(code) || COMMON_ERRORS.has(code) || COMMON_ERRORS.has(answer.queryCode ?? '');
            if (!allowed)
              problems.push(
                `answer ${index}: ${answer.status} ${code} is not an error the model declares (${model.errors.join(', ')})`,
              );
            if (answer.status >= 500) problems.push(`answer ${index}: ${answer.status} ${code}`);
          }
        }
        expect(problems).toEqual([]);
        expect(answered, 'at least one sample is answered').toBeGreaterThan(0);
      });
    }
  }
});
