/**
 * An AWS error in the shape the SDK parses: the `__type` code and an HTTP status. Providers throw
 * these; only the protocol dispatchers turn them into responses. `queryCode` is the awsQuery code
 * of services whose JSON protocol is "query compatible" (CloudWatch), sent as x-amzn-query-error.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly queryCode?: string,
    /** Members the model gives the error besides its message (ResourceType, ResourceId ...). */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export function validationError(message: string): AwsError {
  return new AwsError('ValidationException', message);
}
