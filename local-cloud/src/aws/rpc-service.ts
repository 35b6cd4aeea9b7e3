/**
 * A service on AWS's RPC protocols (SSM, CloudWatch): operations by name, as `X-Amz-Target:
 * <targetPrefix>.<Operation>` (JSON 1.0 / 1.1), `Action=<Operation>` (awsQuery) or
 * `/service/<targetPrefix>/operation/<Operation>` (RPC v2 CBOR) name them. One table, whatever
 * the encoding; each protocol module only decodes and encodes.
 */

/** One wire operation: input as the SDK serialised it, output as the SDK will parse it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each provider types its own input
export type RpcOperation = (input: any) => unknown;

/** How awsQuery requests reach the service, and how to read their scalars. */
export interface QueryProtocolSettings {
  /** The API version every request names in `Version=` (CloudWatch: 2010-08-01). */
  version: string;
  xmlNamespace: string;
  /** Members whose wire form is a number or a boolean; every other scalar stays a string. */
  numberMembers: ReadonlySet<string>;
  booleanMembers: ReadonlySet<string>;
}

export interface RpcService {
  name: string;
  targetPrefix: string;
  /** `application/x-amz-json-1.1` (SSM) or `1.0` (CloudWatch). */
  version: '1.0' | '1.1';
  operations: Record<string, RpcOperation>;
  /** Also served over awsQuery (form POST, XML answers), as CloudWatch is. */
  query?: QueryProtocolSettings;
  /** Also served over Smithy RPC v2 CBOR; the model's namespace names its errors (`ns#Code`). */
  shapeNamespace?: string;
}
