import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { verifySigV4, type SignedRequest } from './sigv4';

/**
 * The verifier against the AWS SDK's own signer (@smithy/signature-v4, what every SDK v3 client
 * signs with): whatever it signs with the right keys passes, and any change to what was signed
 * fails the way AWS answers.
 */
const KEYS = { accessKeyId: 'local-cloud', secretAccessKey: 'local-cloud' };
const NOW = Date.UTC(2026, 11, 1, 21, 0, 0);

async function signed(
  options: {
    method?: string;
    path?: string;
    query?: Record<string, string | string[]>;
    body?: string;
    headers?: Record<string, string>;
    keys?: typeof KEYS;
    at?: number;
  } = {},
): Promise<SignedRequest> {
  const signer = new SignatureV4({
    credentials: options.keys ?? KEYS,
    region: 'us-east-1',
    service: 'ssm',
    sha256: Sha256,
  });
  const body = options.body ?? '{"Name":"/ts-sample-app/mysql/pool-size"}';
  const request = new HttpRequest({
    method: options.method ?? 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4566,
    path: options.path ?? '/',
    query: options.query ?? {},
    headers: {
      host: '127.0.0.1:4566',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.GetParameter',
      ...options.headers,
    },
    body,
  });
  const out = await signer.sign(request, { signingDate: new Date(options.at ?? NOW) });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(out.query ?? {}))
    for (const one of Array.isArray(value) ? value : [value ?? '']) query.append(key, one);
  const search = query.toString().replace(/\+/g, '%20');
  return {
    method: out.method,
    url: `${out.path}${search ? `?${search}` : ''}`,
    headers: Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.from(body),
  };
}

describe('SigV4 verification', () => {
  it.each([
    ['a JSON-protocol POST', {}],
    [
      'a REST GET with a query to sort and escape',
      {
        method: 'GET',
        path: '/services',
        query: { StartTime: '1764622800', EndTime: '1764626400', b: 'a b/c', a: 'x*y' },
      },
    ],
    ['a repeated query key', { method: 'GET', path: '/service', query: { Key: ['b', 'a'] } }],
    ['a path with characters to escape', { method: 'POST', path: '/slo/ts-orders%20availability' }],
    ['an empty body', { body: '' }],
  ])('accepts %s signed by the SDK with the local keys', async (_name, options) => {
    expect(verifySigV4(await signed(options), KEYS, NOW)).toBeUndefined();
  });

  it('refuses a request without a signature, as AWS does', () => {
    const refusal = verifySigV4(
      { method: 'POST', url: '/', headers: { host: '127.0.0.1:4566' }, body: Buffer.alloc(0) },
      KEYS,
      NOW,
    );
    expect(refusal?.code).toBe('MissingAuthenticationTokenException');
  });

  it('refuses another access key, and the right key with the wrong secret', async () => {
    expect(
      verifySigV4(await signed({ keys: { accessKeyId: 'AKIAOTHER', secretAccessKey: 'local-cloud' } }), KEYS, NOW)
        ?.code,
    ).toBe('UnrecognizedClientException');
    expect(
      verifySigV4(await signed({ keys: { accessKeyId: 'local-cloud', secretAccessKey: 'guess' } }), KEYS, NOW)?.code,
    ).toBe('InvalidSignatureException');
  });

  it.each([
    [
      'the body',
      (r: SignedRequest) => ({ ...r, body: Buffer.from('{"Name":"/ts-sample-app/secrets/mysql-password"}') }),
    ],
    [
      'the operation',
      (r: SignedRequest) => ({ ...r, headers: { ...r.headers, 'x-amz-target': 'AmazonSSM.PutParameter' } }),
    ],
    ['the path', (r: SignedRequest) => ({ ...r, url: '/other' })],
    ['the Host', (r: SignedRequest) => ({ ...r, headers: { ...r.headers, host: 'localhost:4566' } })],
  ])('refuses a signed request whose %s was changed afterwards', async (_name, change) => {
    expect(verifySigV4(change(await signed()), KEYS, NOW)?.code).toBe('InvalidSignatureException');
  });

  it('refuses a signature older than 15 minutes (a replay)', async () => {
    const refusal = verifySigV4(await signed({ at: NOW - 16 * 60_000 }), KEYS, NOW);
    expect(refusal?.code).toBe('InvalidSignatureException');
    expect(refusal?.message).toContain('Signature expired');
    expect(verifySigV4(await signed({ at: NOW - 14 * 60_000 }), KEYS, NOW)).toBeUndefined();
  });
});
