/**
 * An AWS error in the shape the SDK parses: the `__type` code and an HTTP status. Providers throw
 * these; only the protocol dispatcher turns them into responses.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export function validationError(message: string): AwsError {
  return new AwsError('ValidationException', message);
}
