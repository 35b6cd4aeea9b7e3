import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AwsError } from './errors';
import type { RpcService } from './rpc-service';

const epochSeconds = (date: Date) => date.getTime() / 1000;

/**
 * Providers return the SDK's own output types (with Date, and undefined for what is absent); this
 * turns them into wire form: absent members dropped, timestamps as the protocol writes them
 * (epoch seconds in JSON, a tag-1 value in CBOR).
 */
export function toWire(value: unknown, encodeDate: (date: Date) => unknown = epochSeconds): unknown {
  if (value instanceof Date) return encodeDate(value);
  if (Array.isArray(value)) return value.map((item) => toWire(item, encodeDate));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toWire(v, encodeDate)]),
    );
  }
  return value;
}

function send(
  res: ServerResponse,
  version: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': `application/x-amz-json-${version}`,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
    ...headers,
  });
  res.end(text);
}

/**
 * Dispatches one JSON-protocol request to its operation and serialises the result or the error.
 * An operation we do not implement answers the way AWS does, so the SDK raises its usual error.
 */
export async function dispatchJson(
  service: RpcService,
  operationName: string,
  req: IncomingMessage,
  res: ServerResponse,
  rawBody: string,
  logger: Logger,
): Promise<void> {
  const operation = service.operations[operationName];
  if (!operation) {
    logger.warn({ operation: `${service.name}.${operationName}` }, 'operation not implemented');
    send(res, service.version, 400, {
      __type: 'UnknownOperationException',
      message: `${service.name}.${operationName} is not implemented by local-cloud`,
    });
    return;
  }
  let input: unknown;
  try {
    input = rawBody.length > 0 ? JSON.parse(rawBody) : {};
  } catch {
    send(res, service.version, 400, { __type: 'SerializationException', message: 'Request body is not valid JSON' });
    return;
  }
  try {
    const output = await operation(input);
    send(res, service.version, 200, toWire(output ?? {}));
  } catch (error) {
    if (error instanceof AwsError) {
      // CloudWatch's JSON protocol is "query compatible": the SDK also reads the code from here.
      const headers: Record<string, string> = error.queryCode
        ? { 'x-amzn-query-error': `${error.queryCode};Sender` }
        : {};
      send(
        res,
        service.version,
        error.status,
        { __type: error.code, message: error.message, ...error.fields },
        headers,
      );
      return;
    }
    logger.error({ err: error, operation: `${service.name}.${operationName}`, method: req.method }, 'operation failed');
    send(res, service.version, 500, { __type: 'InternalFailure', message: 'local-cloud internal error' });
  }
}

/**
 * A timestamp as it arrives on the wire: epoch seconds in JSON bodies, ISO 8601 in REST query
 * strings. The SDK's input types call these Date; they never are Dates here. NaN when unreadable.
 */
export function wireTimeToSeconds(value: unknown): number {
  if (value instanceof Date) return value.getTime() / 1000;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
    return Date.parse(value) / 1000;
  }
  return Number.NaN;
}
