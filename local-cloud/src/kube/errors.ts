import type { V1Status } from '@kubernetes/client-node';

/** A Kubernetes API error; the server renders it as a `Status` object with its code. */
export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: {
      name?: string;
      group?: string;
      kind?: string;
      /** What kubectl prints one line each for: the fields at fault. */
      causes?: { reason: string; message: string; field: string }[];
    },
  ) {
    super(message);
    this.name = 'KubeError';
  }

  toStatus(): V1Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export function notFound(kind: string, name: string, group = ''): KubeError {
  const qualified = group ? `${kind}.${group}` : kind;
  return new KubeError(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind });
}

/**
 * 422 Invalid, as the API server answers a failed validation: the message names the field, and
 * `details.causes` lists it (reason FieldValueInvalid, FieldValueRequired, FieldValueForbidden...).
 */
export function invalid(
  kind: string,
  name: string,
  cause: { field: string; reason: string; message: string },
  group = '',
): KubeError {
  const qualified = group ? `${kind}.${group}` : kind;
  return new KubeError(422, 'Invalid', `${qualified} "${name}" is invalid: ${cause.field}: ${cause.message}`, {
    name,
    group,
    kind,
    causes: [{ reason: cause.reason, message: cause.message, field: cause.field }],
  });
}
