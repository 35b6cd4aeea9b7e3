/**
 * SSM Parameter Store, the calls the project makes: GetParameter, GetParameters, PutParameter,
 * DeleteParameter, DeleteParameters, GetParametersByPath.
 *
 * A SecureString is answered in clear only with WithDecryption; without it the value is an opaque
 * base64 blob, as AWS returns the KMS ciphertext. Names may be given as the parameter's ARN, and
 * `name:version` selects a version (only the current one is kept).
 *
 * GetParametersByPath pages are "best effort" as the API reference says: each looks at MaxResults
 * parameters under the path, so without Recursive a page may be short or empty yet carry a token.
 *
 * LIMITATIONS: no KMS (the blob is not a real ciphertext), no parameter history or labels
 * (`name:label` is ParameterNotFound, as for a label that does not exist), no policies, no advanced tier, no `ParameterFilters`, tags are kept but not listable, name
 * validation covers the documented character set and depth.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type {
  DeleteParameterRequest,
  DeleteParameterResult,
  DeleteParametersRequest,
  DeleteParametersResult,
  GetParameterRequest,
  GetParameterResult,
  GetParametersByPathRequest,
  GetParametersByPathResult,
  GetParametersRequest,
  GetParametersResult,
  Parameter,
  PutParameterRequest,
  PutParameterResult,
} from '@aws-sdk/client-ssm';
import { AwsError, validationError } from '../errors';
import type { RpcService } from '../rpc-service';
import type { ParameterStore, ParameterType, StoredParameter } from './store';

const NAME_PATTERN = /^[a-zA-Z0-9_.\-/]+$/;
const PARAMETER_TYPES: readonly ParameterType[] = ['String', 'StringList', 'SecureString'];
const MAX_VALUE_BYTES = 4096;

export const ACCOUNT_ID = '000000000000';

function notFound(name: string | undefined): AwsError {
  return new AwsError('ParameterNotFound', `Parameter ${name ?? ''} not found.`);
}

function checkName(name: string | undefined): string {
  if (!name)
    throw validationError(
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  // A name with a slash is a path and must be fully qualified (begin with /), as AWS insists.
  const relativePath = name.includes('/') && !name.startsWith('/');
  if (name.length > 1011 || !NAME_PATTERN.test(name) || relativePath || name.includes('//')) {
    throw validationError(
      `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive) and must only contain a-zA-Z0-9_.-/ : ${name}`,
    );
  }
  if (/^\/?(aws|ssm)/i.test(name))
    throw validationError(`Parameter name must not be prefixed with "aws" or "ssm": ${name}`);
  if (name.startsWith('/') && name.split('/').length - 1 > 15) {
    throw new AwsError('HierarchyLevelLimitExceededException', 'Parameter hierarchy can have at most 15 levels.');
  }
  return name;
}

/** GetParameters and DeleteParameters take 1 to 10 names. */
function checkNameCount(names: string[] | undefined): string[] {
  if (!names || names.length === 0 || names.length > 10) {
    throw validationError(
      `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10`,
    );
  }
  return names;
}

/** Told of every parameter written or deleted, with the operation that did it. */
export type ParameterWriteListener = (
  names: string[],
  operation: 'PutParameter' | 'DeleteParameter' | 'DeleteParameters',
) => void;

export function createSsmProvider(store: ParameterStore, region: string, onWrite: ParameterWriteListener = () => {}) {
  const arn = (name: string) =>
    `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
  // Stands in for the KMS key: what a SecureString looks like to a reader without decryption.
  const sealKey = randomBytes(32);
  const sealed = (value: string) => `AQICAH${createHmac('sha256', sealKey).update(value).digest('base64')}`;

  const toParameter = (p: StoredParameter, decrypt: boolean | undefined, selector?: string): Parameter => ({
    Name: p.name,
    Type: p.type,
    Value: p.type === 'SecureString' && decrypt !== true ? sealed(p.value) : p.value,
    Version: p.version,
    ...(selector ? { Selector: selector } : {}),
    LastModifiedDate: p.lastModified,
    ARN: arn(p.name),
    DataType: p.dataType,
  });

  /**
   * A name as GetParameter(s) accept it: the name, its ARN, or either with `:version` or `:label`.
   * Resolves to the stored parameter, or throws as AWS does for a version or label it lacks.
   */
  const lookup = (given: string): { stored?: StoredParameter; selector?: string } => {
    let name = given;
    let candidates: string[];
    const arnPrefix = `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter/`;
    if (given.startsWith('arn:')) {
      if (!given.startsWith(arnPrefix)) return {};
      name = given.slice(arnPrefix.length);
    }
    const colon = name.lastIndexOf(':');
    const selector = colon >= 0 ? name.slice(colon + 1) : undefined;
    if (colon >= 0) name = name.slice(0, colon);
    // An ARN's `parameter/x` names `x` or `/x`; a path's ARN keeps its own slashes.
    if (given.startsWith('arn:')) candidates = name.includes('/') ? [`/${name}`] : [`/${name}`, name];
    else candidates = [checkName(name)];
    const stored = candidates.map((c) => store.get(c)).find(Boolean);
    if (!stored || selector === undefined) return stored ? { stored } : {};
    if (/^\d+$/.test(selector)) {
      if (Number(selector) !== stored.version)
        throw new AwsError(
          'ParameterVersionNotFound',
          `Systems Manager could not find version ${selector} of ${name}.`,
        );
      return { stored, selector: `:${selector}` };
    }
    // No labels are kept, so a label never matches.
    return {};
  };

  return {
    getParameter: (input: GetParameterRequest): GetParameterResult => {
      const { stored, selector } = lookup(input.Name ?? '');
      if (!stored) throw notFound(input.Name);
      return { Parameter: toParameter(stored, input.WithDecryption, selector) };
    },

    getParameters: (input: GetParametersRequest): GetParametersResult => {
      const names = checkNameCount(input.Names);
      const found: Parameter[] = [];
      const invalid: string[] = [];
      for (const name of names) {
        let resolved: ReturnType<typeof lookup> = {};
        try {
          resolved = lookup(name);
        } catch (error) {
          // One bad name or missing version does not fail the others: it is listed as invalid.
          if (!(error instanceof AwsError)) throw error;
        }
        if (resolved.stored) found.push(toParameter(resolved.stored, input.WithDecryption, resolved.selector));
        else invalid.push(name);
      }
      return { Parameters: found, InvalidParameters: invalid };
    },

    putParameter: (input: PutParameterRequest): PutParameterResult => {
      const name = checkName(input.Name);
      if (input.Value === undefined || input.Value === '')
        throw validationError(
          `1 validation error detected: Value '${input.Value ?? 'null'}' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1`,
        );
      if (Buffer.byteLength(input.Value) > MAX_VALUE_BYTES) {
        throw validationError(
          `Standard tier parameters support a maximum parameter value of ${MAX_VALUE_BYTES} characters.`,
        );
      }
      const existing = store.get(name);
      // The real service refuses this pair; the original's script 1 trips over it on a re-run.
      if (input.Overwrite && input.Tags && input.Tags.length > 0) {
        throw validationError(
          "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
        );
      }
      if (existing && !input.Overwrite) {
        throw new AwsError(
          'ParameterAlreadyExists',
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
        );
      }
      const type = input.Type ?? existing?.type;
      if (!type) throw validationError('A parameter type is required when you create a parameter.');
      if (!PARAMETER_TYPES.includes(type)) throw validationError(`Invalid parameter type: ${type}`);
      if (existing && input.Type && input.Type !== existing.type) {
        throw new AwsError(
          'HierarchyTypeMismatchException',
          'The parameter type cannot be changed: Parameter Store does not support changing a parameter type in a hierarchy. You must create a new, unique parameter.',
        );
      }
      const version = (existing?.version ?? 0) + 1;
      store.set({
        name,
        type: type,
        value: input.Value,
        version,
        lastModified: new Date(),
        dataType: input.DataType ?? existing?.dataType ?? 'text',
        tags: existing?.tags ?? (input.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
        ...((input.Description ?? existing?.description) === undefined
          ? {}
          : { description: input.Description ?? existing?.description }),
      });
      onWrite([name], 'PutParameter');
      return { Version: version, Tier: 'Standard' };
    },

    deleteParameter: (input: DeleteParameterRequest): DeleteParameterResult => {
      const name = checkName(input.Name);
      if (!store.delete(name)) throw notFound(input.Name);
      onWrite([name], 'DeleteParameter');
      return {};
    },

    /** Up to 10 names; those that do not exist are InvalidParameters, not an error (script 9 relies on it). */
    deleteParameters: (input: DeleteParametersRequest): DeleteParametersResult => {
      const names = checkNameCount(input.Names);
      const deleted: string[] = [];
      const invalid: string[] = [];
      for (const name of names) (store.delete(checkName(name)) ? deleted : invalid).push(name);
      if (deleted.length > 0) onWrite(deleted, 'DeleteParameters');
      return { DeletedParameters: deleted, InvalidParameters: invalid };
    },

    getParametersByPath: (input: GetParametersByPathRequest): GetParametersByPathResult => {
      const path = input.Path;
      if (!path || !path.startsWith('/'))
        throw validationError('The parameter path must begin with a forward slash (/).');
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const maxResults = input.MaxResults ?? 10;
      if (maxResults < 1 || maxResults > 10) throw validationError('MaxResults must be between 1 and 10');
      // Every parameter under the path, in name order; the token is a position in that list.
      const under = store.all().filter((p) => p.name.startsWith(prefix));
      const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64url').toString()) : 0;
      if (!Number.isInteger(start) || start < 0 || start > under.length)
        throw new AwsError('InvalidNextToken', "The specified token isn't valid.");
      // As the service does ("best effort"), a page stops after looking at MaxResults parameters
      // under the path, matching or not: without Recursive a page can be short, even empty, and
      // still carry a token. Clients must follow NextToken, not stop at a short page.
      const looked = under.slice(start, start + maxResults);
      const page = looked.filter((p) => input.Recursive === true || !p.name.slice(prefix.length).includes('/'));
      const end = start + looked.length;
      const next = end < under.length ? Buffer.from(String(end)).toString('base64url') : undefined;
      return {
        Parameters: page.map((p) => toParameter(p, input.WithDecryption)),
        ...(next ? { NextToken: next } : {}),
      };
    },
  };
}

export function ssmService(store: ParameterStore, region: string, onWrite?: ParameterWriteListener): RpcService {
  const provider = createSsmProvider(store, region, onWrite);
  return {
    name: 'ssm',
    targetPrefix: 'AmazonSSM',
    version: '1.1',
    operations: {
      GetParameter: provider.getParameter,
      GetParameters: provider.getParameters,
      PutParameter: provider.putParameter,
      DeleteParameter: provider.deleteParameter,
      DeleteParameters: provider.deleteParameters,
      GetParametersByPath: provider.getParametersByPath,
    },
  };
}
