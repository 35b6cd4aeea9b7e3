import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
  type SSMServiceException,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEndpoint } from '../endpoint';
import { startTestEndpoint } from '../test-endpoint';
import { ssmService } from './provider';
import { ParameterStore } from './store';

/** local-cloud's SSM, driven by the real @aws-sdk/client-ssm. */
let dir: string;
let endpoint: AwsEndpoint;
let ssm: SSMClient;
const file = () => path.join(dir, 'ssm.json');

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ssm-'));
  const test = await startTestEndpoint(
    { rpcServices: [ssmService(new ParameterStore(file()), 'eu-west-1')] },
    'eu-west-1',
  );
  endpoint = test.endpoint;
  ssm = new SSMClient(test.clientConfig);
});
afterAll(async () => {
  ssm.destroy();
  await endpoint.close();
  await rm(dir, { recursive: true, force: true });
});

describe('PutParameter / GetParameter', () => {
  it('creates version 1 and reads it back in the documented shape', async () => {
    const put = await ssm.send(
      new PutParameterCommand({ Name: '/ts-sample-app/mysql/pool-size', Value: '10', Type: 'String' }),
    );
    expect(put).toMatchObject({ Version: 1, Tier: 'Standard' });
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/ts-sample-app/mysql/pool-size' }));
    expect(Parameter).toMatchObject({
      Name: '/ts-sample-app/mysql/pool-size',
      Type: 'String',
      Value: '10',
      Version: 1,
      DataType: 'text',
      ARN: 'arn:aws:ssm:eu-west-1:000000000000:parameter/ts-sample-app/mysql/pool-size',
    });
    expect(Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    expect(Math.abs((Parameter?.LastModifiedDate?.getTime() ?? 0) - Date.now())).toBeLessThan(5000);
  });

  it('refuses to overwrite without Overwrite: ParameterAlreadyExists', async () => {
    const error = await ssm
      .send(new PutParameterCommand({ Name: '/ts-sample-app/mysql/pool-size', Value: '1', Type: 'String' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterAlreadyExists);
    expect((error as ParameterAlreadyExists).$metadata.httpStatusCode).toBe(400);
  });

  it('overwrites with Overwrite and bumps the version; the type may be left out', async () => {
    const put = await ssm.send(
      new PutParameterCommand({ Name: '/ts-sample-app/mysql/pool-size', Value: '1', Overwrite: true }),
    );
    expect(put.Version).toBe(2);
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/ts-sample-app/mysql/pool-size' }));
    expect(Parameter).toMatchObject({ Value: '1', Version: 2 });
  });

  it('refuses Overwrite together with Tags, as AWS does (the original script 1 bug)', async () => {
    const error = await ssm
      .send(
        new PutParameterCommand({
          Name: '/ts-sample-app/mysql/pool-size',
          Value: '3',
          Type: 'String',
          Overwrite: true,
          Tags: [{ Key: 'a', Value: 'b' }],
        }),
      )
      .catch((e: unknown) => e);
    expect((error as SSMServiceException).name).toBe('ValidationException');
  });

  it('answers a missing parameter with ParameterNotFound', async () => {
    const error = await ssm.send(new GetParameterCommand({ Name: '/nope' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterNotFound);
  });

  it.each([['/aws/reserved'], ['bad name!'], [''], ['relative/path'], ['/double//slash']])(
    'refuses the name %j with ValidationException',
    async (name) => {
      const error = await ssm
        .send(new PutParameterCommand({ Name: name, Value: 'x', Type: 'String' }))
        .catch((e: unknown) => e);
      expect((error as SSMServiceException).name).toBe('ValidationException');
    },
  );

  it('refuses an empty value with ValidationException', async () => {
    const error = await ssm
      .send(new PutParameterCommand({ Name: '/empty', Value: '', Type: 'String' }))
      .catch((e: unknown) => e);
    expect((error as SSMServiceException).name).toBe('ValidationException');
  });

  it('refuses a type change with HierarchyTypeMismatchException, as AWS does', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/typed', Value: 'a', Type: 'String' }));
    const error = await ssm
      .send(new PutParameterCommand({ Name: '/typed', Value: 'b', Type: 'SecureString', Overwrite: true }))
      .catch((e: unknown) => e);
    expect((error as SSMServiceException).name).toBe('HierarchyTypeMismatchException');
  });
});

describe('SecureString, selectors and ARNs', () => {
  beforeAll(async () => {
    await ssm.send(new PutParameterCommand({ Name: '/secret/db', Value: 'hunter2', Type: 'SecureString' }));
  });

  it('gives a SecureString in clear only WithDecryption; without it, an opaque blob', async () => {
    const sealed = await ssm.send(new GetParameterCommand({ Name: '/secret/db' }));
    expect(sealed.Parameter?.Value).not.toContain('hunter2');
    expect(sealed.Parameter?.Value).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    const clear = await ssm.send(new GetParameterCommand({ Name: '/secret/db', WithDecryption: true }));
    expect(clear.Parameter?.Value).toBe('hunter2');
    const many = await ssm.send(new GetParametersCommand({ Names: ['/secret/db'] }));
    expect(many.Parameters?.[0]?.Value).toBe(sealed.Parameter?.Value);
    const byPath = await ssm.send(new GetParametersByPathCommand({ Path: '/secret' }));
    expect(byPath.Parameters?.[0]?.Value).not.toContain('hunter2');
  });

  it('reads by ARN and by name:version, and says which version is missing', async () => {
    const arn = (await ssm.send(new GetParameterCommand({ Name: '/secret/db' }))).Parameter?.ARN ?? '';
    expect(arn).toBe('arn:aws:ssm:eu-west-1:000000000000:parameter/secret/db');
    expect((await ssm.send(new GetParameterCommand({ Name: arn }))).Parameter?.Name).toBe('/secret/db');
    const v1 = await ssm.send(new GetParameterCommand({ Name: '/secret/db:1', WithDecryption: true }));
    expect(v1.Parameter).toMatchObject({ Value: 'hunter2', Version: 1, Selector: ':1' });
    const error = await ssm.send(new GetParameterCommand({ Name: '/secret/db:7' })).catch((e: unknown) => e);
    expect((error as SSMServiceException).name).toBe('ParameterVersionNotFound');
    const mixed = await ssm.send(
      new GetParametersCommand({ Names: ['/secret/db:1', '/secret/db:7', '/secret/db:label'] }),
    );
    expect(mixed.Parameters?.map((p) => p.Selector)).toEqual([':1']);
    expect(mixed.InvalidParameters).toEqual(['/secret/db:7', '/secret/db:label']);
  });
});

describe('GetParameters', () => {
  it('returns what exists and names the rest InvalidParameters', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/ts-sample-app/mysql/max-overflow', Value: '20', Type: 'String' }));
    const out = await ssm.send(
      new GetParametersCommand({ Names: ['/ts-sample-app/mysql/max-overflow', '/ts-sample-app/mysql/missing'] }),
    );
    expect(out.Parameters?.map((p) => [p.Name, p.Value])).toEqual([['/ts-sample-app/mysql/max-overflow', '20']]);
    expect(out.InvalidParameters).toEqual(['/ts-sample-app/mysql/missing']);
  });

  it('refuses more than 10 names', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `/p${i}`);
    const error = await ssm.send(new GetParametersCommand({ Names: names })).catch((e: unknown) => e);
    expect((error as SSMServiceException).name).toBe('ValidationException');
  });
});

describe('GetParametersByPath', () => {
  beforeAll(async () => {
    for (const name of ['/app/a', '/app/b', '/app/c', '/app/deep/d', '/other/x']) {
      await ssm.send(new PutParameterCommand({ Name: name, Value: name, Type: 'String', Overwrite: true }));
    }
  });

  it('pages by best effort, as the service does: a token may lead to a short or empty page, so clients follow NextToken', async () => {
    // /app/a, /app/b, /app/c, /app/deep/d: a page looks at 2 of them; /app/deep/d is not one level down.
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await ssm.send(
        new GetParametersByPathCommand({ Path: '/app', MaxResults: 2, ...(token ? { NextToken: token } : {}) }),
      );
      pages.push(page.Parameters?.map((p) => p.Name ?? '') ?? []);
      token = page.NextToken;
    } while (token);
    expect(pages).toEqual([['/app/a', '/app/b'], ['/app/c']]);
    const full = await ssm.send(new GetParametersByPathCommand({ Path: '/app', MaxResults: 3 }));
    expect(full.Parameters?.map((p) => p.Name)).toEqual(['/app/a', '/app/b', '/app/c']);
    expect(full.NextToken).toBeTruthy();
    const empty = await ssm.send(
      new GetParametersByPathCommand({ Path: '/app', MaxResults: 3, NextToken: full.NextToken }),
    );
    expect(empty.Parameters).toEqual([]);
    expect(empty.NextToken).toBeUndefined();
  });
  it('lists one level, or every level with Recursive', async () => {
    const flat = await ssm.send(new GetParametersByPathCommand({ Path: '/app' }));
    expect(flat.Parameters?.map((p) => p.Name)).toEqual(['/app/a', '/app/b', '/app/c']);
    const deep = await ssm.send(new GetParametersByPathCommand({ Path: '/app/', Recursive: true }));
    expect(deep.Parameters?.map((p) => p.Name)).toEqual(['/app/a', '/app/b', '/app/c', '/app/deep/d']);
  });

  it('pages with MaxResults and NextToken', async () => {
    const first = await ssm.send(new GetParametersByPathCommand({ Path: '/app', Recursive: true, MaxResults: 3 }));
    expect(first.Parameters).toHaveLength(3);
    expect(first.NextToken).toBeTruthy();
    const second = await ssm.send(
      new GetParametersByPathCommand({ Path: '/app', Recursive: true, MaxResults: 3, NextToken: first.NextToken }),
    );
    expect(second.Parameters?.map((p) => p.Name)).toEqual(['/app/deep/d']);
    expect(second.NextToken).toBeUndefined();
  });

  it('answers a token it never gave with InvalidNextToken', async () => {
    const error = await ssm
      .send(new GetParametersByPathCommand({ Path: '/app', NextToken: 'not-a-token' }))
      .catch((e: unknown) => e);
    expect((error as SSMServiceException).name).toBe('InvalidNextToken');
  });
});

describe('DeleteParameter and persistence', () => {
  it('deletes, then answers ParameterNotFound for the second delete', async () => {
    await ssm.send(new DeleteParameterCommand({ Name: '/other/x' }));
    const error = await ssm.send(new DeleteParameterCommand({ Name: '/other/x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterNotFound);
  });

  it('DeleteParameters deletes what exists and lists the rest as InvalidParameters (script 9 relies on it)', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/gone/a', Value: 'a', Type: 'String' }));
    const out = await ssm.send(new DeleteParametersCommand({ Names: ['/gone/a', '/gone/never'] }));
    expect(out.DeletedParameters).toEqual(['/gone/a']);
    expect(out.InvalidParameters).toEqual(['/gone/never']);
    const error = await ssm.send(new GetParameterCommand({ Name: '/gone/a' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterNotFound);
  });

  it('keeps values in its file, so a restarted store has them', () => {
    const reloaded = new ParameterStore(file());
    expect(reloaded.get('/ts-sample-app/mysql/pool-size')).toMatchObject({ value: '1', version: 2 });
    expect(reloaded.get('/other/x')).toBeUndefined();
  });
});

describe('what is not emulated', () => {
  it('answers an operation it does not implement the way AWS does', async () => {
    const { LabelParameterVersionCommand } = await import('@aws-sdk/client-ssm');
    const error = await ssm
      .send(new LabelParameterVersionCommand({ Name: '/app/a', Labels: ['x'] }))
      .catch((e: unknown) => e);
    expect((error as SSMServiceException).name).toBe('UnknownOperationException');
  });
});
