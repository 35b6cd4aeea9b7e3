import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AwsError } from './errors';
import type { QueryProtocolSettings, RpcService } from './rpc-service';

/**
 * The awsQuery protocol (form-encoded POST, XML answers), which CloudWatch still offers beside
 * JSON 1.0 and which the AWS CLI v2 releases before 2.23 speak. The providers keep one input type
 * (the SDK's); this module only turns a form into that shape and the output into XML.
 */

type Node = Record<string, unknown> | unknown[];

/** `A.member.2.B=x` -> `{ A: [ , { B: 'x' } ] }`: lists are `member.N` (1-based), structures dots. */
export function decodeQueryForm(form: URLSearchParams, settings: QueryProtocolSettings): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, raw] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    let node: Node = root;
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i] ?? '';
      const last = i === parts.length - 1;
      if (part === 'member' && !Array.isArray(node))
        throw new AwsError('MalformedQueryString', `Misplaced "member" in ${key}`);
      if (Array.isArray(node)) {
        const index = Number(part) - 1;
        if (!Number.isInteger(index) || index < 0 || index > 1000)
          throw new AwsError('MalformedQueryString', `Bad list index in ${key}`);
        if (last) node[index] = coerce(parts[i - 2] ?? '', raw, settings);
        else node = (node[index] ??= {}) as Node;
        continue;
      }
      if (last) {
        // `Dimensions=` with nothing after it is how the protocol spells an empty list; an empty
        // value is read as "not sent" (no member of these operations means anything by '').
        if (raw !== '') node[part] = coerce(part, raw, settings);
        continue;
      }
      const listNext = parts[i + 1] === 'member';
      node = (node[part] ??= listNext ? [] : {}) as Node;
      if (listNext) i += 1;
      if (listNext && i === parts.length - 1) throw new AwsError('MalformedQueryString', `No list index in ${key}`);
    }
  }
  return compact(root) as Record<string, unknown>;
}

function coerce(member: string, raw: string, settings: QueryProtocolSettings): unknown {
  if (settings.numberMembers.has(member)) {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value))
      throw new AwsError(
        'InvalidParameterValueException',
        `${member} must be a number, not "${raw}".`,
        400,
        'InvalidParameterValue',
      );
    return value;
  }
  if (settings.booleanMembers.has(member)) {
    if (raw !== 'true' && raw !== 'false')
      throw new AwsError(
        'InvalidParameterValueException',
        `${member} must be true or false.`,
        400,
        'InvalidParameterValue',
      );
    return raw === 'true';
  }
  return raw;
}

/** Holes left by a list sent as member.1, member.3 are dropped, as AWS reads only what was sent. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(compact);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
  return value;
}

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

/** The SDK's output object as awsQuery XML: lists as `<member>`, timestamps ISO 8601. */
export function toQueryXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((item) => toQueryXml('member', item)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([key, item]) => toQueryXml(key, item))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `<${name}>${escapeXml(text)}</${name}>`;
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
  });
  res.end(text);
}

/** An error as awsQuery XML: `<ErrorResponse><Error><Type/><Code/><Message/></Error>`. */
export function sendQueryError(res: ServerResponse, settings: QueryProtocolSettings, error: AwsError): void {
  const requestId = crypto.randomUUID();
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  sendXml(
    res,
    error.status,
    `<ErrorResponse xmlns="${settings.xmlNamespace}"><Error><Type>${type}</Type>` +
      `<Code>${escapeXml(error.queryCode ?? error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

/** Runs one awsQuery request (`Action=<Operation>&Version=...`, routed by its Version) against the service's operations. */
export async function dispatchQuery(
  service: RpcService,
  settings: QueryProtocolSettings,
  form: URLSearchParams,
  res: ServerResponse,
  logger: Logger,
): Promise<void> {
  const action = form.get('Action') ?? '';
  const operation = service.operations[action];
  if (!operation) {
    logger.warn({ operation: `${service.name}.${action}` }, 'operation not implemented');
    sendQueryError(
      res,
      settings,
      new AwsError('InvalidAction', `${service.name}.${action || '(no Action)'} is not implemented by local-cloud`),
    );
    return;
  }
  try {
    const output = await operation(decodeQueryForm(form, settings));
    const requestId = crypto.randomUUID();
    sendXml(
      res,
      200,
      `<${action}Response xmlns="${settings.xmlNamespace}">${toQueryXml(`${action}Result`, output ?? {})}` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    );
  } catch (error) {
    if (error instanceof AwsError) {
      sendQueryError(res, settings, error);
      return;
    }
    logger.error({ err: error, operation: `${service.name}.${action}` }, 'operation failed');
    sendQueryError(res, settings, new AwsError('InternalFailure', 'local-cloud internal error', 500));
  }
}
