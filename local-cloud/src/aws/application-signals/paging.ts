import { validationError } from '../errors';

/** One page of a list, by the MaxResults and NextToken query parameters the REST operations take. */
export function page<T>(items: T[], query: URLSearchParams): { items: T[]; NextToken?: string } {
  const max = query.has('MaxResults') ? Number(query.get('MaxResults')) : 50;
  if (!Number.isInteger(max) || max < 1 || max > 100) throw validationError('MaxResults must be between 1 and 100.');
  const token = query.get('NextToken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw validationError('The NextToken is not valid.');
  const next = offset + max < items.length ? Buffer.from(String(offset + max)).toString('base64url') : undefined;
  return { items: items.slice(offset, offset + max), ...(next ? { NextToken: next } : {}) };
}
