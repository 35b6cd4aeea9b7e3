import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appNames } from '@demo/contracts';
import { createClients } from '../../console/src/server/clients';
import { loadConsoleConfig } from '../../console/src/server/config';
import { resolveTarget, TargetError } from '../../console/src/server/target';
import { changes, createEnvironment, REPO_ROOT, SCRIPTS, sequence, useSandbox } from './harness';

/**
 * infra-scripts/1..9 against fake aws / eksctl / kubectl / docker executables that keep an
 * AWS-shaped world in a file (fake-cloud.mjs). What a real AWS account would add (quotas, timing,
 * IAM evaluation) is listed in the README's "What the tests cannot show" note.
 */
const names = appNames('ts');
const open = useSandbox();

describe('every script', () => {
  it('is the original set of nine, in order', () => {
    expect(SCRIPTS).toEqual([
      '1-create-env.sh',
      '2-build-deploy-app.sh',
      '3-setup-cloudwatch-agent.sh',
      '4-annotate-workloads.sh',
      '5-generate-load.sh',
      '6-introduce-fault.sh',
      '7-restore-normal.sh',
      '8-build-cleanup.sh',
      '9-cleanup-env.sh',
    ]);
  });

  it.each(SCRIPTS)('%s --help describes its options and the common ones, and runs nothing', async (script) => {
    const box = open();
    const result = await box.run(script, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: /);
    for (const option of ['--dry-run', '--yes', '--app-prefix', '--region', '--help']) {
      expect(result.stdout).toContain(option);
    }
    expect(box.calls()).toEqual([]);
  });

  it.each(SCRIPTS)('%s rejects an unknown option with status 2', async (script) => {
    const box = open();
    const result = await box.run(script, ['--frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option: --frobnicate');
    expect(box.calls()).toEqual([]);
  });

  it('uses the same names as packages/contracts', () => {
    const library = readFileSync(path.join(REPO_ROOT, 'infra-scripts/lib/common.sh'), 'utf8');
    const shellNames: Record<string, string> = Object.fromEntries(
      [...library.matchAll(/^ {2}([A-Z_]+)="([^"]+)"$/gm)].map(([, key, value]) => [
        key!,
        value!.replaceAll('${APP_PREFIX}', 'ts').replaceAll('${PARAMETER_PATH}', '/ts-sample-app/mysql'),
      ]),
    );
    expect(shellNames).toMatchObject({
      ORDER_API: names.orderApi,
      DELIVERY_API: names.deliveryApi,
      TRAFFIC_GENERATOR: names.trafficGenerator,
      PARAMETER_PATH: names.parameterPath,
      PARAM_POOL_SIZE: names.parameters.poolSize,
      PARAM_MAX_OVERFLOW: names.parameters.maxOverflow,
      PARAM_FAULT_INJECTION: names.parameters.faultInjection,
      PARAM_FAULT_DELAY: names.parameters.faultDelaySeconds,
    });
  });

  it('never uses the AWS CLI --query option, which the fake (and jq-based parsing) do not need', () => {
    for (const file of [...SCRIPTS, 'lib/common.sh', 'lib/runbook.sh']) {
      expect(readFileSync(path.join(REPO_ROOT, 'infra-scripts', file), 'utf8')).not.toMatch(/--query\b/);
    }
  });
});

describe('1-create-env.sh', () => {
  it('--dry-run prints the whole fresh plan, runs no tool and writes no state', async () => {
    const box = open();
    const result = await box.run('1-create-env.sh', ['--region', 'eu-west-1', '--dry-run']);
    expect(result.status, result.stderr).toBe(0);
    expect(box.calls()).toEqual([]);
    expect(box.state()).toBeUndefined();
    const plan = result.stdout.split('\n').filter((line) => line.startsWith('[dry-run] '));
    const creates = plan
      .filter((line) => /create|put-parameter|authorize/.test(line))
      .map((l) => l.split(' ').slice(1, 4).join(' '));
    expect(creates).toEqual([
      'eksctl create cluster',
      'aws rds create-db-subnet-group',
      'aws ec2 create-security-group',
      'aws ec2 authorize-security-group-ingress',
      'aws ssm put-parameter',
      'aws rds create-db-instance',
      'aws ssm put-parameter',
      'aws ssm put-parameter',
      'aws ssm put-parameter',
      'aws ssm put-parameter',
      'aws iam create-policy',
      'aws iam create-policy',
      'eksctl create iamserviceaccount',
    ]);
    expect(result.stderr).toContain('Dry run: nothing was created');
  });

  it('creates everything on a fresh account, in order, recording each resource', async () => {
    const box = open();
    const result = await createEnvironment(box);
    expect(sequence(box.calls())).toEqual([
      'aws sts get-caller-identity',
      'aws ec2 describe-regions',
      'aws eks describe-cluster',
      'eksctl create cluster',
      'aws eks describe-cluster',
      'aws eks update-kubeconfig',
      'eksctl utils associate-iam-oidc-provider',
      'aws rds describe-db-subnet-groups',
      'aws rds create-db-subnet-group',
      'aws ec2 describe-security-groups',
      'aws ec2 create-security-group',
      'aws ec2 authorize-security-group-ingress',
      'aws ssm get-parameter',
      'aws ssm put-parameter',
      'aws rds describe-db-instances',
      'aws rds create-db-instance',
      'aws rds describe-db-instances',
      'aws rds describe-db-instances',
      ...['pool-size', 'max-overflow', 'fault-injection', 'fault-delay-seconds'].flatMap(() => [
        'aws ssm get-parameter',
        'aws ssm put-parameter',
      ]),
      'aws iam get-policy',
      'aws iam create-policy',
      'aws iam get-policy',
      'aws iam create-policy',
      'aws iam get-role',
      'eksctl create iamserviceaccount',
      'kubectl get nodes',
    ]);
    const world = box.world();
    expect(Object.keys(world.clusters)).toEqual(['ts-appsignals']);
    expect(world.parameters).toMatchObject({
      [names.parameters.poolSize]: { Type: 'String', Value: '10' },
      [names.parameters.maxOverflow]: { Type: 'String', Value: '20' },
      [names.parameters.faultInjection]: { Type: 'String', Value: 'false' },
      [names.parameters.faultDelaySeconds]: { Type: 'String', Value: '10' },
      '/ts-sample-app/secrets/mysql-password': { Type: 'SecureString' },
    });
    // MySQL only from the cluster's security group; the instance private and encrypted.
    expect(Object.values(world.securityGroups)[0]!.ingress).toEqual([{ port: '3306', from: 'sg-cluster' }]);
    expect(world.dbInstances['ts-orders-db']!.input).toMatchObject({
      Engine: 'mysql',
      DBName: 'orders_db',
      PubliclyAccessible: false,
      StorageEncrypted: true,
    });
    expect(world.roles['ts-delivery-api-irsa']!.policies).toEqual([
      'arn:aws:iam::111122223333:policy/ts-delivery-api-ssm-read',
    ]);
    const state = box.state()!;
    expect(state).toMatchObject({
      app_prefix: 'ts',
      namespace: 'default',
      cluster: { name: 'ts-appsignals', region: 'eu-west-1', account_id: '111122223333' },
      resources: {
        eks_cluster: { name: 'ts-appsignals', created_by_scripts: true },
        rds_instance: { id: 'ts-orders-db', endpoint: 'ts-orders-db.abc123.eu-west-1.rds.amazonaws.com' },
        delivery_role: { arn: 'arn:aws:iam::111122223333:role/ts-delivery-api-irsa' },
      },
    });
    // The password reached RDS and SSM, and nothing else: no argument, no output, no state.
    const password = world.parameters['/ts-sample-app/secrets/mysql-password']!.Value;
    expect(password).toMatch(/^[0-9a-f]{32}$/);
    expect(world.dbInstances['ts-orders-db']!.password).toBe(password);
    const everythingVisible = [
      JSON.stringify(box.calls()),
      result.stdout,
      result.stderr,
      readFileSync(box.stateFile, 'utf8'),
    ];
    for (const text of everythingVisible) expect(text).not.toContain(password);
  });

  it('leaves no temporary file behind (the password request files among them), after success and failure', async () => {
    const box = open();
    const argv = box.recordArguments('jq');
    await createEnvironment(box);
    expect(readdirSync(box.tmpDir)).toEqual([]);
    // Nor is the password ever on a command line, where `ps` shows it to every user.
    const password = box.world().parameters['/ts-sample-app/secrets/mysql-password']!.Value;
    expect(argv().length).toBeGreaterThan(10);
    expect(argv().filter((line) => line.includes(password))).toEqual([]);

    const failing = open();
    failing.updateWorld((w) => {
      w.failures = [{ match: 'rds create-db-instance', message: 'An error occurred (InstanceQuotaExceeded)' }];
    });
    const failed = await failing.run('1-create-env.sh', ['--region', 'eu-west-1', '--yes']);
    expect(failed.status).not.toBe(0);
    expect(readdirSync(failing.tmpDir)).toEqual([]);
  });

  it('records every resource as created or reused, and 9 deletes only what the scripts created', async () => {
    // Someone else's environment: everything script 1 needs exists, except the IAM policies and role.
    const other = open();
    await createEnvironment(other);
    const existing = other.world();
    existing.policies = {};
    existing.roles = {};
    const box = open();
    box.setWorld(existing);
    await createEnvironment(box);
    const created = Object.fromEntries(
      Object.entries(box.state()!.resources).map(([key, record]) => [key, record.created_by_scripts]),
    );
    expect(created).toEqual({
      eks_cluster: false,
      db_subnet_group: false,
      db_security_group: false,
      db_password_parameter: false,
      rds_instance: false,
      ssm_parameters: undefined,
      delivery_policy: true,
      operator_policy: true,
      delivery_role: true,
    });
    expect(box.state()!.resources.ssm_parameters).toEqual({ path: '/ts-sample-app/mysql', created: [] });
    expect(String(box.state()!.resources.rds_instance!.endpoint)).toContain('ts-orders-db');

    box.clearCalls();
    const cleanup = await box.run('9-cleanup-env.sh', ['--yes']);
    expect(cleanup.status, cleanup.stderr).toBe(0);
    expect(changes(box.calls())).toEqual([
      'eksctl delete iamserviceaccount',
      'aws iam delete-policy',
      'aws iam delete-policy',
      // The kubeconfig context script 1 added on this machine.
      'kubectl config delete-context',
    ]);
    const after = box.world();
    expect(Object.keys(after.dbInstances)).toEqual(['ts-orders-db']);
    expect(after.parameters).toEqual(existing.parameters);
    expect(after.securityGroups).toEqual(existing.securityGroups);
    expect(after.dbSubnetGroups).toEqual(existing.dbSubnetGroups);
    expect(Object.keys(after.clusters)).toEqual(['ts-appsignals']);
    expect(after.policies).toEqual({});
    expect(cleanup.stderr).toContain('RDS instance ts-orders-db: not created by these scripts, left in place');
    expect(box.state()).toBeUndefined();
  });

  it('on a re-run finds everything and creates nothing (and keeps changed parameter values)', async () => {
    const box = open();
    await createEnvironment(box);
    box.updateWorld((w) => (w.parameters[names.parameters.poolSize]!.Value = '25'));
    const before = box.state()!;
    box.clearCalls();
    const result = await createEnvironment(box);
    expect(changes(box.calls())).toEqual([]);
    expect(box.world().parameters[names.parameters.poolSize]!.Value).toBe('25');
    expect(box.state()!.resources).toEqual(before.resources);
    expect(result.stderr).toContain('exists, reused');
  });

  it('reuses a cluster it did not create, and marks it so cleanup leaves it alone', async () => {
    const box = open();
    box.updateWorld((w) => {
      w.clusters.existing = {
        vpc: { vpcId: 'vpc-1', subnetIds: ['subnet-1', 'subnet-2'], clusterSecurityGroupId: 'sg-c' },
      };
    });
    const result = await box.run('1-create-env.sh', ['--region', 'eu-west-1', '--cluster-name', 'existing', '--yes']);
    expect(result.status, result.stderr).toBe(0);
    expect(sequence(box.calls())).not.toContain('eksctl create cluster');
    expect(box.state()!.resources.eks_cluster).toEqual({ name: 'existing', created_by_scripts: false });

    const cleanup = await box.run('9-cleanup-env.sh', ['--yes']);
    expect(cleanup.status, cleanup.stderr).toBe(0);
    expect(Object.keys(box.world().clusters)).toEqual(['existing']);
    expect(cleanup.stderr).toContain('not created by these scripts, left in place');
  });

  it('leaves a state file that lists what a failed run created, and 9 removes exactly that', async () => {
    const box = open();
    box.updateWorld((w) => {
      w.failures = [
        {
          match: 'rds create-db-instance',
          message: 'An error occurred (InstanceQuotaExceeded) when calling the CreateDBInstance operation: quota',
        },
      ];
    });
    const failed = await box.run('1-create-env.sh', ['--region', 'eu-west-1', '--yes']);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('InstanceQuotaExceeded');
    expect(failed.stderr).toContain('9-cleanup-env.sh');
    const state = box.state()!;
    expect(Object.keys(state.resources).sort()).toEqual(
      ['db_password_parameter', 'db_security_group', 'db_subnet_group', 'eks_cluster', 'rds_instance'].sort(),
    );
    expect(box.world().dbInstances).toEqual({});

    box.clearCalls();
    const cleanup = await box.run('9-cleanup-env.sh', ['--yes']);
    expect(cleanup.status, cleanup.stderr).toBe(0);
    const world = box.world();
    expect(world.clusters).toEqual({});
    expect(world.securityGroups).toEqual({});
    expect(world.dbSubnetGroups).toEqual({});
    expect(world.parameters).toEqual({});
    // The instance that never existed counts as already gone.
    expect(cleanup.stderr).toContain('already gone');
    // Only what was recorded is deleted: no policy, role, SSM path or repository calls.
    const deletes = changes(box.calls());
    expect(deletes).toEqual([
      'aws ssm delete-parameter',
      'aws rds delete-db-instance',
      'aws ec2 delete-security-group',
      'aws rds delete-db-subnet-group',
      'eksctl delete cluster',
      'kubectl config delete-context',
    ]);
    expect(box.state()).toBeUndefined();
  });

  it('a re-run after the failure continues where it stopped', async () => {
    const box = open();
    box.updateWorld((w) => {
      w.failures = [
        {
          match: 'iam create-policy',
          message: 'An error occurred (Throttling) when calling the CreatePolicy operation',
        },
      ];
    });
    expect((await box.run('1-create-env.sh', ['--region', 'eu-west-1', '--yes'])).status).not.toBe(0);
    box.clearCalls();
    await createEnvironment(box);
    expect(changes(box.calls())).toEqual([
      'aws iam create-policy',
      'aws iam create-policy',
      'eksctl create iamserviceaccount',
    ]);
  });

  it('names a missing tool and how to install it, before touching anything', async () => {
    const box = open();
    box.removeTool('eksctl');
    const result = await box.run('1-create-env.sh', ['--region', 'eu-west-1', '--yes']);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/needs tools that are not installed: eksctl \(https:\/\/eksctl.io/);
    expect(box.calls()).toEqual([]);
  });

  it('stops with a clear message when there are no AWS credentials', async () => {
    const box = open();
    box.updateWorld((w) => (w.credentials = false));
    const result = await box.run('1-create-env.sh', ['--region', 'eu-west-1', '--yes']);
    expect(result.status).toBe(4);
    expect(result.stderr).toContain('no usable AWS credentials');
    expect(result.stderr).toContain('aws configure');
    expect(sequence(box.calls())).toEqual(['aws sts get-caller-identity']);
  });

  it('needs a region, and refuses one that is not usable', async () => {
    const box = open();
    const none = await box.run('1-create-env.sh', ['--yes']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--region is required');
    const bad = await box.run('1-create-env.sh', ['--region', 'xx-nowhere-9', '--yes']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('Invalid region');
    expect(changes(box.calls())).toEqual([]);
  });

  it('without --yes and without a terminal, asks for --yes instead of creating anything', async () => {
    const box = open();
    const result = await box.run('1-create-env.sh', ['--region', 'eu-west-1']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--yes');
    expect(changes(box.calls())).toEqual([]);
  });
});

describe("the console's aws target", () => {
  it('works from the state file script 1 writes, pinned to the kubeconfig context script 1 added', async () => {
    const box = open();
    await createEnvironment(box);
    const target = resolveTarget(
      loadConsoleConfig({ CONSOLE_TARGET: 'aws', CLUSTER_CONFIG_FILE: box.stateFile }, box.dir),
    );
    expect(target).toMatchObject({
      kind: 'aws',
      prefix: 'ts',
      region: 'eu-west-1',
      namespace: 'default',
      clusterName: 'ts-appsignals',
      kubeContext: 'ts-appsignals',
      environment: 'eks:ts-appsignals/default',
    });

    // A kubeconfig without that context: the console says how to add it.
    const kubeconfig = (contexts: string[]) => {
      const file = path.join(box.dir, `kubeconfig-${contexts.length}`);
      writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            { name: 'eks', cluster: { server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com' } },
            { name: 'other', cluster: { server: 'https://other.example' } },
          ],
          users: [{ name: 'u', user: {} }],
          contexts: [
            { name: 'elsewhere', context: { cluster: 'other', user: 'u' } },
            ...contexts.map((name) => ({ name, context: { cluster: 'eks', user: 'u' } })),
          ],
          'current-context': 'elsewhere',
        }),
      );
      return file;
    };
    expect(() => createClients({ ...target, kubeconfig: kubeconfig([]) })).toThrow(TargetError);
    expect(() => createClients({ ...target, kubeconfig: kubeconfig([]) })).toThrow(
      'aws eks update-kubeconfig --name ts-appsignals --region eu-west-1 --alias ts-appsignals',
    );
    // With it, the console talks to that cluster even though kubectl's current context is another.
    const clients = createClients({ ...target, kubeconfig: kubeconfig(['ts-appsignals']) });
    expect(clients.kubeConfig.getCurrentCluster()?.server).toBe('https://ABC.gr7.eu-west-1.eks.amazonaws.com');
  });
});
