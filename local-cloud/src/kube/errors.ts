import type { V1Status } from '@kubernetes/client-node';

/** A Kubernetes API error; the server renders it as a `Status` object with its code. */
export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string },
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

export function invalid(kind: string, name: string, message: string, group = ''): KubeError {
  const qualified = group ? `${kind}.${group}` : kind;
  return new KubeError(422, 'Invalid', `${qualified} "${name}" is invalid: ${message}`, { name, group, kind });
}
