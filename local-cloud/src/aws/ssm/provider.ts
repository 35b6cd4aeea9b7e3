/**
 * SSM Parameter Store, the calls the project makes: GetParameter, GetParameters, PutParameter,
 * DeleteParameter, GetParametersByPath.
 *
 * LIMITATIONS: no KMS (SecureString values are stored and returned as given, WithDecryption is
 * ignored), no parameter history or labels, no policies, no advanced tier, no `ParameterFilters`,
 * tags are kept but not listable, name validation covers the documented character set and depth.
 */
import type {
  DeleteParameterRequest,
  DeleteParameterResult,
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
import type { JsonService } from '../json-protocol';
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
  if (name.length > 1011 || !NAME_PATTERN.test(name)) {
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

export function createSsmProvider(store: ParameterStore, region: string) {
  const arn = (name: string) =>
    `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter${name.startsWith('/') ? '' : '/'}${name}`;

  const toParameter = (p: StoredParameter): Parameter => ({
    Name: p.name,
    Type: p.type,
    Value: p.value,
    Version: p.version,
    LastModifiedDate: p.lastModified,
    ARN: arn(p.name),
    DataType: p.dataType,
  });

  return {
    getParameter: (input: GetParameterRequest): GetParameterResult => {
      const stored = store.get(checkName(input.Name));
      if (!stored) throw notFound(input.Name);
      return { Parameter: toParameter(stored) };
    },

    getParameters: (input: GetParametersRequest): GetParametersResult => {
      const names = input.Names ?? [];
      if (names.length === 0 || names.length > 10) {
        throw validationError(
          `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10`,
        );
      }
      const found: Parameter[] = [];
      const invalid: string[] = [];
      for (const name of names) {
        const stored = store.get(name);
        if (stored) found.push(toParameter(stored));
        else invalid.push(name);
      }
      return { Parameters: found, InvalidParameters: invalid };
    },

    putParameter: (input: PutParameterRequest): PutParameterResult => {
      const name = checkName(input.Name);
      if (input.Value === undefined) throw validationError('Value must not be null');
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
          'UnsupportedParameterType',
          `Parameter ${name} is of type ${existing.type}; its type cannot be changed to ${input.Type}.`,
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
      return { Version: version, Tier: 'Standard' };
    },

    deleteParameter: (input: DeleteParameterRequest): DeleteParameterResult => {
      if (!store.delete(checkName(input.Name))) throw notFound(input.Name);
      return {};
    },

    getParametersByPath: (input: GetParametersByPathRequest): GetParametersByPathResult => {
      const path = input.Path;
      if (!path || !path.startsWith('/'))
        throw validationError('The parameter path must begin with a forward slash (/).');
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const matching = store.all().filter((p) => {
        if (!p.name.startsWith(prefix)) return false;
        return input.Recursive === true || !p.name.slice(prefix.length).includes('/');
      });
      const maxResults = input.MaxResults ?? 10;
      if (maxResults < 1 || maxResults > 10) throw validationError('MaxResults must be between 1 and 10');
      const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64url').toString()) : 0;
      if (!Number.isInteger(start) || start < 0) throw validationError('The NextToken is not valid.');
      const page = matching.slice(start, start + maxResults);
      const next =
        start + maxResults < matching.length
          ? Buffer.from(String(start + maxResults)).toString('base64url')
          : undefined;
      return { Parameters: page.map(toParameter), ...(next ? { NextToken: next } : {}) };
    },
  };
}

export function ssmService(store: ParameterStore, region: string): JsonService {
  const provider = createSsmProvider(store, region);
  return {
    name: 'ssm',
    targetPrefix: 'AmazonSSM',
    version: '1.1',
    operations: {
      GetParameter: provider.getParameter,
      GetParameters: provider.getParameters,
      PutParameter: provider.putParameter,
      DeleteParameter: provider.deleteParameter,
      GetParametersByPath: provider.getParametersByPath,
    },
  };
}
