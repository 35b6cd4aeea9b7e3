import {
  CloudWatchClient,
  GetMetricDataCommand,
  InvalidParameterValueException,
  ListMetricsCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { AwsQueryProtocol, AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricStore } from '../../telemetry/metric-store';
import { startTestEndpoint, type TestEndpoint } from '../test-endpoint';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { cbor } from '@smithy/core/cbor';
import { decodeQueryForm } from '../query-protocol';
import { cloudWatchService, createCloudWatchProvider } from './provider';

/**
 * CloudWatch over each protocol its model declares, driven by the real @aws-sdk/client-cloudwatch
 * with its protocol swapped: the SDK's own awsQuery (form + XML) and RPC v2 CBOR codecs, so what
 * they accept is what the AWS CLI v2 (awsQuery) and newer SDKs (CBOR) accept.
 */
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const order = { Environment: 'local:ts', Service: 'ts-order-api', Operation: 'POST /api/orders' };
let test: TestEndpoint;

/** SampleCount of the Order API operation's Latency: the query every case here asks. */
const countQuery = (period: number): MetricDataQuery => ({
  Id: 'count',
  MetricStat: {
    Metric: {
      Namespace: 'ApplicationSignals',
      MetricName: 'Latency',
      Dimensions: Object.entries(order).map(([Name, Value]) => ({ Name, Value })),
    },
    Period: period,
    Stat: 'SampleCount',
  },
});

beforeAll(async () => {
  const metrics = new MetricStore({ retentionSeconds: 3 * 3600, maxSeries: 100 });
  for (let i = 0; i < 60; i++) metrics.record('Latency', order, 10 + i, NOW - 120_000 + i * 1000);
  for (let i = 0; i < 30; i++) metrics.record('Latency', order, 100, NOW - 60_000 + i * 1000);
  test = await startTestEndpoint({ rpcServices: [cloudWatchService(metrics)] });
});
afterAll(() => test.endpoint.close());

const settings = {
  defaultNamespace: 'com.amazonaws.cloudwatch',
  xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
  version: '2010-08-01',
  serviceTarget: 'GraniteServiceVersion20100801',
  awsQueryCompatible: true,
};

const protocols = [
  ['JSON 1.0 (the SDK default)', undefined],
  ['awsQuery', AwsQueryProtocol],
  ['RPC v2 CBOR', AwsSmithyRpcV2CborProtocol],
] as const;

describe.each(protocols)('CloudWatch over %s', (_name, protocol) => {
  const client = () =>
    new CloudWatchClient({ ...test.clientConfig, ...(protocol ? { protocol: new protocol(settings) } : {}) });

  it('answers GetMetricData with the same numbers and timestamps', async () => {
    const cloudwatch = client();
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(NOW - 3600_000),
        EndTime: new Date(NOW + 60_000),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          countQuery(60),
          {
            Id: 'hidden',
            ReturnData: false,
            MetricStat: { Metric: { Namespace: 'ApplicationSignals', MetricName: 'Fault' }, Period: 60, Stat: 'Sum' },
          },
        ],
      }),
    );
    cloudwatch.destroy();
    expect(out.MetricDataResults).toHaveLength(1);
    expect(out.MetricDataResults?.[0]).toMatchObject({ Id: 'count', StatusCode: 'Complete', Values: [60, 30] });
    expect(out.MetricDataResults?.[0]?.Timestamps).toEqual([new Date(NOW - 120_000), new Date(NOW - 60_000)]);
  });

  it('answers ListMetrics with the dimensions', async () => {
    const cloudwatch = client();
    const out = await cloudwatch.send(
      new ListMetricsCommand({
        Namespace: 'ApplicationSignals',
        Dimensions: [{ Name: 'Operation', Value: 'POST /api/orders' }],
      }),
    );
    cloudwatch.destroy();
    expect(out.Metrics?.map((metric) => metric.MetricName)).toEqual(['Latency']);
    expect(out.Metrics?.[0]?.Dimensions).toEqual(expect.arrayContaining([{ Name: 'Service', Value: 'ts-order-api' }]));
  });

  it('raises the modelled exception for a bad period', async () => {
    const cloudwatch = client();
    const error = await cloudwatch
      .send(
        new GetMetricDataCommand({
          StartTime: new Date(NOW - 3600_000),
          EndTime: new Date(NOW),
          MetricDataQueries: [
            {
              Id: 'q',
              MetricStat: {
                Metric: { Namespace: 'ApplicationSignals', MetricName: 'Latency' },
                Period: 7,
                Stat: 'Sum',
              },
            },
          ],
        }),
      )
      .catch((caught: unknown) => caught);
    cloudwatch.destroy();
    expect(error).toBeInstanceOf(InvalidParameterValueException);
    expect((error as Error).message).toMatch(/period must be 1, 5, 10, 20, 30 or a multiple of 60/);
    expect((error as InvalidParameterValueException).$metadata.httpStatusCode).toBe(400);
  });
});

describe('awsQuery forms', () => {
  const decode = (form: string) =>
    decodeQueryForm(new URLSearchParams(form), {
      version: '2010-08-01',
      xmlNamespace: '',
      numberMembers: new Set(['Period']),
      booleanMembers: new Set(['ReturnData']),
    });

  it.each([
    [
      'nested lists and structures, numbers and booleans',
      'Action=GetMetricData&Version=2010-08-01&MetricDataQueries.member.1.Id=a&MetricDataQueries.member.1.ReturnData=false' +
        '&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=Service',
      {
        MetricDataQueries: [
          { Id: 'a', ReturnData: false, MetricStat: { Period: 60, Metric: { Dimensions: [{ Name: 'Service' }] } } },
        ],
      },
    ],
    ['an empty list', 'Dimensions=&Namespace=ApplicationSignals', { Namespace: 'ApplicationSignals' }],
    ['a list sent out of order', 'Ids.member.2=b&Ids.member.1=a', { Ids: ['a', 'b'] }],
    [
      'a value that looks like a number stays a string',
      'Dimensions.member.1.Value=0042',
      { Dimensions: [{ Value: '0042' }] },
    ],
  ])('reads %s', (_name, form, expected) => {
    expect(decode(form)).toEqual(expected);
  });

  it.each([
    ['a number member that is not a number', 'Period=soon', /Period must be a number/],
    ['a boolean that is neither true nor false', 'ReturnData=yes', /ReturnData must be true or false/],
    ['a list index past the bound', 'Ids.member.5000=a', /Bad list index/],
    ['a list without an index', 'Ids.member=a', /No list index/],
    ['a stray member segment', 'Ids.member.1.member=a', /Misplaced "member"/],
  ])('refuses %s', (_name, form, message) => {
    expect(() => decode(form)).toThrow(message);
  });
});

describe('rehearsal mode (timing: aws)', () => {
  const MINUTE = 60_000;
  const M = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE; // the store keeps what is recent
  const metrics = new MetricStore({ retentionSeconds: 3 * 3600, maxSeries: 10 });
  for (let i = 0; i < 30; i++) metrics.record('Latency', order, 20, M + i * 2000);
  let clock = M;
  const provider = createCloudWatchProvider(metrics, { timing: 'aws', now: () => clock });
  const ask = (period: number) =>
    provider.getMetricData({
      StartTime: new Date(M - 10 * MINUTE),
      EndTime: new Date(M + 10 * MINUTE),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [countQuery(period)],
    });

  it('shows a minute only 180 s after it ended, as Application Signals publishes it', () => {
    clock = M + MINUTE + 179_000;
    expect(ask(60).MetricDataResults?.[0]?.Values).toEqual([]);
    clock = M + MINUTE + 180_000;
    expect(ask(60).MetricDataResults?.[0]).toMatchObject({ Values: [30], Timestamps: [new Date(M)] });
  });

  it('refuses periods under a minute, as for a standard-resolution metric', () => {
    expect(() => ask(5)).toThrow(/standard resolution; the period must be a multiple of 60 seconds/);
  });
});

describe('hostile bodies', () => {
  /** A raw request signed with the test keys, as a client that writes its own bodies sends it. */
  async function signedPost(path: string, headers: Record<string, string>, body: Buffer | string) {
    const url = new URL(test.endpoint.url);
    const signer = new SignatureV4({
      credentials: test.clientConfig.credentials,
      region: 'us-east-1',
      service: 'monitoring',
      sha256: Sha256,
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path,
        headers: { host: url.host, ...headers },
        body,
      }),
    );
    return fetch(`${url.origin}${path}`, { method: 'POST', headers: signed.headers, body });
  }

  it('answers a CBOR body that is not CBOR with SerializationException, and keeps answering', async () => {
    const answer = await signedPost(
      '/service/GraniteServiceVersion20100801/operation/ListMetrics',
      { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
      Buffer.from([0xff, 0x00, 0x13, 0x37]),
    );
    expect(answer.status).toBe(400);
    const error = cbor.deserialize(new Uint8Array(await answer.arrayBuffer())) as { __type?: string };
    expect(error.__type).toBe('com.amazonaws.cloudwatch#SerializationException');
    const cloudwatch = new CloudWatchClient(test.clientConfig);
    expect((await cloudwatch.send(new ListMetricsCommand({ Namespace: 'ApplicationSignals' }))).Metrics).toBeDefined();
    cloudwatch.destroy();
  });

  it('refuses unsigned awsQuery and CBOR requests in their own shapes, as AWS does', async () => {
    const url = test.endpoint.url;
    const query = await fetch(`${url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListMetrics&Version=2010-08-01',
    });
    expect(query.status).toBe(403);
    expect(await query.text()).toContain('<Code>MissingAuthenticationTokenException</Code>');
    const binary = await fetch(`${url}/service/GraniteServiceVersion20100801/operation/ListMetrics`, {
      method: 'POST',
      headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
      body: Buffer.from(cbor.serialize({})),
    });
    expect(binary.status).toBe(400);
    const error = cbor.deserialize(new Uint8Array(await binary.arrayBuffer())) as { __type?: string };
    expect(error.__type).toBe('com.amazonaws.cloudwatch#MissingAuthenticationTokenException');
  });

  it('answers a form with an endless list index with MalformedQueryString in XML', async () => {
    const answer = await signedPost(
      '/',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'Action=ListMetrics&Version=2010-08-01&Dimensions.member.99999999.Name=x',
    );
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('<Code>MalformedQueryString</Code>');
  });
});
