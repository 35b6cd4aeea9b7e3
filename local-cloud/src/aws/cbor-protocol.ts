import type { ServerResponse } from 'node:http';
import { cbor, dateToTag } from '@smithy/core/cbor';
import type { Logger } from 'pino';
import { AwsError } from './errors';
import { toWire } from './json-protocol';
import type { RpcService } from './rpc-service';

/**
 * Smithy RPC v2 CBOR, the newest of CloudWatch's three protocols: `POST
 * /service/<ServiceShape>/operation/<Operation>` with `smithy-protocol: rpc-v2-cbor`, CBOR bodies,
 * timestamps as tag 1 (epoch seconds). Same operations as JSON 1.0, other encoding.
 */
export const CBOR_PATH = /^\/service\/([A-Za-z0-9_]+)\/operation\/([A-Za-z0-9_]+)$/;

/** Tag-1 timestamps as epoch seconds (what every provider reads), everything else as decoded. */
function fromCbor(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromCbor);
  if (value && typeof value === 'object') {
    const tagged = value as { tag?: unknown; value?: unknown };
    if (tagged.tag === 1 && typeof tagged.value === 'number') return tagged.value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromCbor(v)]));
  }
  return value;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = cbor.serialize(body);
  res.writeHead(status, {
    'content-type': 'application/cbor',
    'smithy-protocol': 'rpc-v2-cbor',
    'content-length': bytes.byteLength,
    'x-amzn-requestid': crypto.randomUUID(),
    ...headers,
  });
  res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** An error as RPC v2 CBOR: the shape id in `__type`, and the awsQuery code where there is one. */
export function sendCborError(res: ServerResponse, shapeNamespace: string, error: AwsError): void {
  const headers: Record<string, string> = error.queryCode ? { 'x-amzn-query-error': `${error.queryCode};Sender` } : {};
  send(
    res,
    error.status,
    { __type: `${shapeNamespace}#${error.code}`, message: error.message, ...error.fields },
    headers,
  );
}

/** Runs one RPC v2 CBOR request; errors carry the shape id in `__type`, as the protocol says. */
export async function dispatchCbor(
  service: RpcService,
  /** The model's namespace, for `__type`. */
  namespace: string,
  operationName: string,
  rawBody: Buffer,
  res: ServerResponse,
  logger: Logger,
): Promise<void> {
  const fail = (error: AwsError) => sendCborError(res, namespace, error);
  const operation = service.operations[operationName];
  if (!operation) {
    logger.warn({ operation: `${service.name}.${operationName}` }, 'operation not implemented');
    fail(
      new AwsError(
        'UnknownOperationException',
        `${service.name}.${operationName} is not implemented by local-cloud`,
        404,
      ),
    );
    return;
  }
  let input: unknown;
  try {
    input = rawBody.length > 0 ? fromCbor(cbor.deserialize(new Uint8Array(rawBody))) : {};
  } catch {
    fail(new AwsError('SerializationException', 'Request body is not valid CBOR'));
    return;
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    fail(new AwsError('SerializationException', 'Request body must be a CBOR map'));
    return;
  }
  try {
    send(res, 200, toWire((await operation(input)) ?? {}, dateToTag));
  } catch (error) {
    if (error instanceof AwsError) {
      fail(error);
      return;
    }
    logger.error({ err: error, operation: `${service.name}.${operationName}` }, 'operation failed');
    fail(new AwsError('InternalFailure', 'local-cloud internal error', 500));
  }
}
