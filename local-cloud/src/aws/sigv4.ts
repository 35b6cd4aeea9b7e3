import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * AWS Signature Version 4, verified the way AWS does for an `Authorization: AWS4-HMAC-SHA256 ...`
 * header: rebuild the canonical request from what arrived, sign it with the secret of the access
 * key named in the credential scope, and compare. The AWS SDKs and both AWS CLIs sign this way.
 *
 * LIMITATIONS: header-signed requests only (no presigned query strings, no chunked/streaming
 * payload signing, no session tokens checked); one access key.
 */
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A refusal in AWS's terms: the error code and message the service would send. */
export interface SigV4Refusal {
  code:
    | 'MissingAuthenticationTokenException'
    | 'UnrecognizedClientException'
    | 'InvalidSignatureException'
    | 'IncompleteSignatureException';
  message: string;
}

export interface SignedRequest {
  method: string;
  /** Path and query exactly as they arrived (`req.url`). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** How far a request's X-Amz-Date may be from now, as AWS allows. */
const MAX_SKEW_MS = 15 * 60_000;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is escaped. */
function escape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The path with `.` and `..` resolved and each byte escaped again (non-S3 services double-encode). */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalised = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escape(normalised).replace(/%2F/g, '/');
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = decode(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
      return [escape(key), escape(value)] as const;
    })
    .filter(([key]) => key.toLowerCase() !== 'x-amz-signature')
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ');
}

/** `20261201T210500Z` -> epoch ms (NaN when it is not that shape). */
function amzDateMs(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}

/**
 * Checks one request's signature against the local credentials. Undefined when it is valid;
 * otherwise the error AWS would answer with.
 */
export function verifySigV4(
  request: SignedRequest,
  credentials: LocalCredentials,
  now: number = Date.now(),
): SigV4Refusal | undefined {
  const authorization = headerValue(request.headers, 'authorization');
  if (!authorization) return { code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  if (!authorization.startsWith(`${ALGORITHM} `))
    return {
      code: 'IncompleteSignatureException',
      message: `Authorization header requires the ${ALGORITHM} algorithm`,
    };
  const fields = Object.fromEntries(
    authorization
      .slice(ALGORITHM.length + 1)
      .split(',')
      .map((part) => part.trim().split('=') as [string, string])
      .map(([key, ...rest]) => [key, rest.join('=')]),
  ) as Record<string, string | undefined>;
  const { Credential: credential, SignedHeaders: signedHeaders, Signature: signature } = fields;
  if (!credential || !signedHeaders || !signature)
    return {
      code: 'IncompleteSignatureException',
      message: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'",
    };
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request')
    return { code: 'IncompleteSignatureException', message: `Malformed credential scope: ${credential}` };
  if (accessKeyId !== credentials.accessKeyId)
    return { code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  const amzDate = headerValue(request.headers, 'x-amz-date') ?? '';
  const signedAt = amzDateMs(amzDate);
  if (Number.isNaN(signedAt) || !amzDate.startsWith(date))
    return {
      code: 'IncompleteSignatureException',
      message: 'X-Amz-Date is missing or does not match the credential scope',
    };
  if (Math.abs(now - signedAt) > MAX_SKEW_MS)
    return {
      code: 'InvalidSignatureException',
      message: `Signature expired: ${amzDate} is now earlier or later than 15 minutes from ${new Date(now).toISOString()}`,
    };

  const names = signedHeaders.split(';');
  if (!names.includes('host'))
    return { code: 'IncompleteSignatureException', message: "'Host' must be a signed header" };
  const headers = names.map((name) => `${name}:${headerValue(request.headers, name) ?? ''}\n`).join('');
  const claimedPayload = headerValue(request.headers, 'x-amz-content-sha256');
  const payloadHash = sha256(request.body);
  if (claimedPayload && claimedPayload !== 'UNSIGNED-PAYLOAD' && claimedPayload !== payloadHash)
    return { code: 'InvalidSignatureException', message: 'The provided x-amz-content-sha256 does not match the body' };
  const queryAt = request.url.indexOf('?');
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : request.url.slice(queryAt + 1);
  const canonicalRequest = [
    request.method,
    canonicalPath(path),
    canonicalQuery(query),
    headers,
    signedHeaders,
    claimedPayload ?? payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return {
      code: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  return undefined;
}
