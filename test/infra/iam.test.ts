import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness';

/**
 * infra-scripts/iam/*.json, rendered as 1-create-env.sh renders them: valid policy documents, every
 * resource scoped where the service allows it, and the actions exactly what the code calls.
 */
const run = promisify(execFile);
const IAM_DIR = path.join(REPO_ROOT, 'infra-scripts/iam');
const VALUES = ['PREFIX=ts', 'AWS_REGION=eu-west-1', 'ACCOUNT_ID=111122223333'];

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

async function policy(file: string, extra: string[] = []): Promise<Statement[]> {
  const { stdout } = await run('node', [
    path.join(REPO_ROOT, 'infra-scripts/lib/render-template.mjs'),
    path.join(IAM_DIR, file),
    ...VALUES,
    ...extra,
  ]);
  const document = JSON.parse(stdout) as { Version: string; Statement: Statement[] };
  expect(document.Version).toBe('2012-10-17');
  return document.Statement;
}

const delivery = () => policy('delivery-api-policy.json');
const operator = () => policy('console-operator-policy.json', ['CLUSTER_NAME=ts-appsignals']);

/**
 * Actions that have no resource-level permissions (Service Authorization Reference: their
 * "Resource types" column is empty), so `*` is the only possible Resource.
 */
const NO_RESOURCE_LEVEL = new Set([
  'cloudwatch:GetMetricData',
  'cloudwatch:ListMetrics',
  'application-signals:ListServices',
  'application-signals:ListServiceOperations',
  'application-signals:ListServiceDependencies',
  'application-signals:ListEntityEvents',
  'application-signals:ListServiceStates',
  'application-signals:ListAuditFindings',
  'application-signals:ListServiceLevelObjectives',
  'application-signals:BatchGetServiceLevelObjectiveBudgetReport',
]);

/** `new GetParametersCommand(` in the sources -> `GetParameters`, per SDK client package. */
function commandsUsed(dir: string): { client: string; command: string }[] {
  const found: { client: string; command: string }[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.includes('.test.')) {
        const text = readFileSync(full, 'utf8');
        for (const [, command] of text.matchAll(/new (\w+)Command\(/g)) {
          const client = new RegExp(`\\b${command}Command\\b[^;]*from '@aws-sdk/client-([\\w-]+)'`).exec(text)?.[1];
          if (client) found.push({ client, command: command! });
        }
      }
    }
  };
  walk(dir);
  return found;
}

const IAM_PREFIX: Record<string, string> = {
  ssm: 'ssm',
  cloudwatch: 'cloudwatch',
  'application-signals': 'application-signals',
};

describe('IAM policies', () => {
  it('are the two documented files', () => {
    expect(readdirSync(IAM_DIR).sort()).toEqual(['console-operator-policy.json', 'delivery-api-policy.json']);
  });

  it.each([
    ['delivery-api-policy.json', delivery],
    ['console-operator-policy.json', operator],
  ])('%s: every statement allows, and scopes its resources wherever the service can', async (_file, load) => {
    for (const statement of await load()) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
      const resources = [statement.Resource].flat();
      if (resources.includes('*')) {
        for (const action of statement.Action) expect(NO_RESOURCE_LEVEL.has(action), `${action} on *`).toBe(true);
        // Still held to the one region.
        expect(statement.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } });
      } else {
        for (const resource of resources) {
          expect(resource).toMatch(/^arn:aws:[a-z-]+:eu-west-1:111122223333:/);
          expect(resource).toMatch(/ts-/);
        }
      }
      for (const action of statement.Action) expect(action).not.toContain('*');
    }
  });

  it('the Delivery API may only read the pool parameters', async () => {
    expect(await delivery()).toEqual([
      {
        Sid: 'ReadPoolParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:GetParameters'],
        Resource: 'arn:aws:ssm:eu-west-1:111122223333:parameter/ts-sample-app/mysql/*',
      },
    ]);
    // ...which covers every SSM call it makes.
    const used = commandsUsed(path.join(REPO_ROOT, 'services/delivery-api/src'));
    expect(used.length).toBeGreaterThan(0);
    for (const { client, command } of used) {
      expect(client).toBe('ssm');
      expect(['GetParameter', 'GetParameters']).toContain(command);
    }
  });

  it("the operator policy allows every AWS call the console makes, on the demo's resources", async () => {
    const statements = await operator();
    const allowed = new Set(statements.flatMap((s) => s.Action));
    const used = commandsUsed(path.join(REPO_ROOT, 'console/src/server'));
    expect(used.length).toBeGreaterThanOrEqual(8);
    for (const { client, command } of used) {
      expect(allowed.has(`${IAM_PREFIX[client]}:${command}`), `${client} ${command}`).toBe(true);
    }
    const resourceOf = (action: string) => statements.find((s) => s.Action.includes(action))!.Resource;
    expect(resourceOf('ssm:PutParameter')).toBe('arn:aws:ssm:eu-west-1:111122223333:parameter/ts-sample-app/mysql/*');
    expect(resourceOf('application-signals:CreateServiceLevelObjective')).toBe(
      'arn:aws:application-signals:eu-west-1:111122223333:slo/ts-orders-*',
    );
    expect(resourceOf('eks:DescribeCluster')).toBe('arn:aws:eks:eu-west-1:111122223333:cluster/ts-appsignals');
  });

  it('neither policy can read the DB password parameter', async () => {
    const password = 'arn:aws:ssm:eu-west-1:111122223333:parameter/ts-sample-app/secrets/mysql-password';
    for (const statement of [...(await delivery()), ...(await operator())]) {
      for (const resource of [statement.Resource].flat()) {
        const pattern = new RegExp(`^${resource.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
        if (statement.Action.some((a) => a.startsWith('ssm:'))) expect(pattern.test(password), resource).toBe(false);
      }
    }
  });
});
