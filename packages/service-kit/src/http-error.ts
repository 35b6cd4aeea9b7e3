import type { FieldError } from '@demo/contracts';

/** An error that knows its HTTP status and its public message; the error boundary renders it. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly extra: { details?: FieldError[]; headers?: Record<string, string>; detailMessage?: string } = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
