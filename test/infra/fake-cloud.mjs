#!/usr/bin/env node
// A stand-in for the `aws`, `eksctl`, `kubectl` and `docker` executables, for testing
// infra-scripts/ without AWS. Installed under those four names on PATH (see harness.ts). Every call
// is appended to $FAKE_CLOUD_LOG as one JSON line; the account, cluster and everything in it live in
// the JSON file $FAKE_CLOUD_WORLD, which calls read and change. Answers and error messages have the
// shapes and exit codes the real tools give (AWS CLI: 254 for a service error, 253 for missing
// credentials), because the scripts parse them. `world.failures` makes a chosen call fail.
import { readFileSync, renameSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';

const tool = path.basename(process.argv[1]);
const args = process.argv.slice(2);
const worldFile = process.env.FAKE_CLOUD_WORLD;
const logFile = process.env.FAKE_CLOUD_LOG;
if (!worldFile || !logFile) {
  process.stderr.write('fake-cloud: FAKE_CLOUD_WORLD and FAKE_CLOUD_LOG must be set\n');
  process.exit(2);
}
const world = JSON.parse(readFileSync(worldFile, 'utf8'));
appendFileSync(logFile, `${JSON.stringify({ tool, args })}\n`);

class ToolError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}
const awsError = (code, operation, message) =>
  new ToolError(`\nAn error occurred (${code}) when calling the ${operation} operation: ${message}\n`, 254);
const notFound = (kind, name) => new ToolError(`Error from server (NotFound): ${kind} "${name}" not found\n`, 1);

/** The value after `--name` (or in `--name=value`). */
function opt(name) {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}
/** Every value after `--name` up to the next option. */
function opts(name) {
  const out = [];
  for (let i = args.indexOf(name) + 1; i > 0 && i < args.length && !args[i].startsWith('--'); i++) out.push(args[i]);
  return out;
}
const has = (flag) => args.includes(flag);
const positional = () => args.filter((a, i) => !a.startsWith('-') && !(args[i - 1] ?? '').startsWith('--'));
const fileArg = (value) => readFileSync(value.replace(/^file:\/\//, ''), 'utf8');
const readStdin = () => readFileSync(0, 'utf8');
const print = (value) =>
  process.stdout.write(typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);

function injectedFailure() {
  const line = [tool, ...args].join(' ');
  const failure = (world.failures ?? []).find((f) => line.includes(f.match) && (f.times ?? 1) > 0);
  if (!failure) return undefined;
  failure.times = (failure.times ?? 1) - 1;
  return new ToolError(`${failure.message}\n`, failure.status ?? 254);
}

// ------------------------------------------------------------------------------------------- aws

function aws() {
  if (world.credentials === false) {
    throw new ToolError(
      '\nUnable to locate credentials. You can configure credentials by running "aws configure".\n',
      253,
    );
  }
  const [service, command] = args;
  const region = opt('--region');
  const key = `${service} ${command}`;
  const account = world.account;
  switch (key) {
    case 'sts get-caller-identity':
      return { UserId: 'AIDAFAKE', Account: account, Arn: `arn:aws:iam::${account}:user/presenter` };
    case 'ec2 describe-regions':
      if (!world.regions.includes(opt('--region-names')))
        throw awsError('InvalidParameterValue', 'DescribeRegions', `Invalid region: ${opt('--region-names')}`);
      return { Regions: [{ RegionName: opt('--region-names') }] };
    case 'eks describe-cluster': {
      const cluster = world.clusters[opt('--name')];
      if (!cluster)
        throw awsError('ResourceNotFoundException', 'DescribeCluster', `No cluster found for name: ${opt('--name')}.`);
      return { cluster: { name: opt('--name'), status: 'ACTIVE', resourcesVpcConfig: cluster.vpc } };
    }
    case 'eks update-kubeconfig':
      world.kubeContexts = [...new Set([...(world.kubeContexts ?? []), opt('--alias')])];
      return `Added new context ${opt('--alias')} to /root/.kube/config\n`;
    case 'rds describe-db-subnet-groups': {
      const group = world.dbSubnetGroups[opt('--db-subnet-group-name')];
      if (!group) throw awsError('DBSubnetGroupNotFoundFault', 'DescribeDBSubnetGroups', `DB subnet group not found.`);
      return { DBSubnetGroups: [group] };
    }
    case 'rds create-db-subnet-group':
      world.dbSubnetGroups[opt('--db-subnet-group-name')] = {
        DBSubnetGroupName: opt('--db-subnet-group-name'),
        Subnets: opts('--subnet-ids').map((id) => ({ SubnetIdentifier: id })),
      };
      return { DBSubnetGroup: world.dbSubnetGroups[opt('--db-subnet-group-name')] };
    case 'rds delete-db-subnet-group':
      if (!world.dbSubnetGroups[opt('--db-subnet-group-name')])
        throw awsError('DBSubnetGroupNotFoundFault', 'DeleteDBSubnetGroup', 'DB subnet group not found.');
      if (Object.values(world.dbInstances).some((db) => db.subnetGroup === opt('--db-subnet-group-name')))
        throw awsError('InvalidDBSubnetGroupStateFault', 'DeleteDBSubnetGroup', 'the group is in use');
      delete world.dbSubnetGroups[opt('--db-subnet-group-name')];
      return '';
    case 'ec2 describe-security-groups': {
      const filters = Object.fromEntries(
        opts('--filters').map((f) => {
          const [, name, values] = /^Name=([^,]+),Values=(.*)$/.exec(f);
          return [name, values];
        }),
      );
      const groups = Object.entries(world.securityGroups)
        .filter(([, g]) => g.name === filters['group-name'] && g.vpc === filters['vpc-id'])
        .map(([id, g]) => ({ GroupId: id, GroupName: g.name, VpcId: g.vpc }));
      return { SecurityGroups: groups };
    }
    case 'ec2 create-security-group': {
      const id = `sg-${String(Object.keys(world.securityGroups).length + 1).padStart(8, '0')}`;
      world.securityGroups[id] = { name: opt('--group-name'), vpc: opt('--vpc-id'), ingress: [] };
      return { GroupId: id };
    }
    case 'ec2 authorize-security-group-ingress':
      world.securityGroups[opt('--group-id')].ingress.push({ port: opt('--port'), from: opt('--source-group') });
      return { Return: true };
    case 'ec2 delete-security-group':
      if (!world.securityGroups[opt('--group-id')])
        throw awsError(
          'InvalidGroup.NotFound',
          'DeleteSecurityGroup',
          `The security group '${opt('--group-id')}' does not exist`,
        );
      if (Object.values(world.dbInstances).some((db) => db.securityGroups.includes(opt('--group-id'))))
        throw awsError('DependencyViolation', 'DeleteSecurityGroup', 'resource has a dependent object');
      delete world.securityGroups[opt('--group-id')];
      return '';
    case 'ssm get-parameter': {
      const parameter = world.parameters[opt('--name')];
      if (!parameter) throw awsError('ParameterNotFound', 'GetParameter', '');
      const secret = parameter.Type === 'SecureString' && !has('--with-decryption');
      return {
        Parameter: { Name: opt('--name'), Type: parameter.Type, Value: secret ? 'AQICAHencrypted' : parameter.Value },
      };
    }
    case 'ssm get-parameters': {
      const names = opts('--names');
      return {
        Parameters: names.filter((n) => world.parameters[n]).map((n) => ({ Name: n, ...world.parameters[n] })),
        InvalidParameters: names.filter((n) => !world.parameters[n]),
      };
    }
    case 'ssm put-parameter': {
      const input = opt('--cli-input-json') ? JSON.parse(fileArg(opt('--cli-input-json'))) : {};
      const name = input.Name ?? opt('--name');
      const tags = input.Tags ?? opts('--tags');
      const overwrite = input.Overwrite ?? has('--overwrite');
      if (overwrite && tags.length > 0)
        throw awsError(
          'ValidationException',
          'PutParameter',
          "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
        );
      if (world.parameters[name] && !overwrite)
        throw awsError(
          'ParameterAlreadyExists',
          'PutParameter',
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
        );
      world.parameters[name] = { Type: input.Type ?? opt('--type'), Value: input.Value ?? opt('--value') };
      return { Version: 1, Tier: 'Standard' };
    }
    case 'ssm delete-parameter':
      if (!world.parameters[opt('--name')]) throw awsError('ParameterNotFound', 'DeleteParameter', '');
      delete world.parameters[opt('--name')];
      return '';
    case 'ssm delete-parameters': {
      const names = opts('--names');
      const deleted = names.filter((n) => world.parameters[n]);
      for (const n of deleted) delete world.parameters[n];
      return { DeletedParameters: deleted, InvalidParameters: names.filter((n) => !deleted.includes(n)) };
    }
    case 'rds describe-db-instances': {
      const id = opt('--db-instance-identifier');
      const db = world.dbInstances[id];
      if (!db) throw awsError('DBInstanceNotFound', 'DescribeDBInstances', `DBInstance ${id} not found.`);
      // Each describe moves a creating or deleting instance one poll along.
      if (db.pollsLeft > 0) db.pollsLeft -= 1;
      else if (db.status === 'creating') db.status = 'available';
      else if (db.status === 'deleting' && !world.rdsStuckDeleting) {
        delete world.dbInstances[id];
        throw awsError('DBInstanceNotFound', 'DescribeDBInstances', `DBInstance ${id} not found.`);
      }
      return {
        DBInstances: [
          {
            DBInstanceIdentifier: id,
            DBInstanceStatus: db.status,
            Endpoint: { Address: `${id}.abc123.${region}.rds.amazonaws.com`, Port: 3306 },
          },
        ],
      };
    }
    case 'rds create-db-instance': {
      const input = JSON.parse(fileArg(opt('--cli-input-json')));
      if (!input.MasterUserPassword) throw awsError('InvalidParameterValue', 'CreateDBInstance', 'no password');
      world.dbInstances[input.DBInstanceIdentifier] = {
        status: 'creating',
        pollsLeft: world.rdsPolls ?? 1,
        password: input.MasterUserPassword,
        subnetGroup: input.DBSubnetGroupName,
        securityGroups: input.VpcSecurityGroupIds,
        input: { ...input, MasterUserPassword: undefined },
      };
      return { DBInstance: { DBInstanceIdentifier: input.DBInstanceIdentifier, DBInstanceStatus: 'creating' } };
    }
    case 'rds delete-db-instance': {
      const db = world.dbInstances[opt('--db-instance-identifier')];
      if (!db) throw awsError('DBInstanceNotFound', 'DeleteDBInstance', 'not found');
      db.status = 'deleting';
      db.pollsLeft = world.rdsPolls ?? 1;
      return { DBInstance: { DBInstanceStatus: 'deleting' } };
    }
    case 'iam get-policy': {
      const policy = world.policies[opt('--policy-arn')];
      if (!policy) throw awsError('NoSuchEntity', 'GetPolicy', `Policy ${opt('--policy-arn')} was not found.`);
      return { Policy: { Arn: opt('--policy-arn'), PolicyName: policy.name, DefaultVersionId: 'v1' } };
    }
    case 'iam create-policy': {
      const arn = `arn:aws:iam::${account}:policy/${opt('--policy-name')}`;
      world.policies[arn] = { name: opt('--policy-name'), document: JSON.parse(fileArg(opt('--policy-document'))) };
      return { Policy: { Arn: arn, PolicyName: opt('--policy-name') } };
    }
    case 'iam list-policy-versions':
      if (!world.policies[opt('--policy-arn')]) throw awsError('NoSuchEntity', 'ListPolicyVersions', 'not found');
      return { Versions: [{ VersionId: 'v1', IsDefaultVersion: true }] };
    case 'iam delete-policy': {
      const arn = opt('--policy-arn');
      if (!world.policies[arn]) throw awsError('NoSuchEntity', 'DeletePolicy', `Policy ${arn} was not found.`);
      if (Object.values(world.roles).some((r) => r.policies.includes(arn)))
        throw awsError('DeleteConflict', 'DeletePolicy', 'Cannot delete a policy attached to entities.');
      delete world.policies[arn];
      return '';
    }
    case 'iam get-role':
      if (!world.roles[opt('--role-name')])
        throw awsError('NoSuchEntity', 'GetRole', `The role with name ${opt('--role-name')} cannot be found.`);
      return { Role: { RoleName: opt('--role-name'), Arn: `arn:aws:iam::${account}:role/${opt('--role-name')}` } };
    case 'ecr describe-repositories': {
      const name = opts('--repository-names')[0];
      if (!world.repositories[name])
        throw awsError(
          'RepositoryNotFoundException',
          'DescribeRepositories',
          `The repository with name '${name}' does not exist in the registry with id '${account}'`,
        );
      return { repositories: [{ repositoryName: name }] };
    }
    case 'ecr create-repository':
      world.repositories[opt('--repository-name')] = { images: [] };
      return { repository: { repositoryName: opt('--repository-name') } };
    case 'ecr delete-repository':
      if (!world.repositories[opt('--repository-name')])
        throw awsError('RepositoryNotFoundException', 'DeleteRepository', 'does not exist');
      delete world.repositories[opt('--repository-name')];
      return { repository: { repositoryName: opt('--repository-name') } };
    case 'ecr get-login-password':
      return 'fake-ecr-token\n';
    case 'application-signals start-discovery':
      world.discovery = true;
      return {};
    case 'eks describe-addon': {
      const addon = world.addons[`${opt('--cluster-name')}/${opt('--addon-name')}`];
      if (!addon)
        throw awsError(
          'ResourceNotFoundException',
          'DescribeAddon',
          `No addon: ${opt('--addon-name')} found in cluster: ${opt('--cluster-name')}`,
        );
      return { addon: { addonName: opt('--addon-name'), addonVersion: 'v4.0.0-eksbuild.1', status: addon.status } };
    }
    case 'eks create-addon':
      world.addons[`${opt('--cluster-name')}/${opt('--addon-name')}`] = {
        status: 'ACTIVE',
        role: opt('--service-account-role-arn'),
      };
      return { addon: { status: 'CREATING' } };
    case 'eks update-addon':
      return { update: { status: 'InProgress' } };
    case 'eks delete-addon': {
      const name = `${opt('--cluster-name')}/${opt('--addon-name')}`;
      if (!world.addons[name]) throw awsError('ResourceNotFoundException', 'DeleteAddon', 'No addon found');
      delete world.addons[name];
      return { addon: { status: 'DELETING' } };
    }
    case 'eks wait': {
      const addon = world.addons[`${opt('--cluster-name')}/${opt('--addon-name')}`];
      if (addon?.status !== 'ACTIVE') throw new ToolError('\nWaiter AddonActive failed: Max attempts exceeded\n', 255);
      return '';
    }
    default:
      throw new ToolError(`fake-cloud: aws ${key} is not modelled\n`, 99);
  }
}

// ---------------------------------------------------------------------------------------- eksctl

function eksctl() {
  const [verb, noun] = args;
  const clusterName = opt('--cluster') ?? opt('--name');
  switch (`${verb} ${noun}`) {
    case 'create cluster': {
      const config = parse(fileArg(opt('-f')));
      if (world.clusters[config.metadata.name])
        throw new ToolError(`Error: cluster ${config.metadata.name} already exists\n`, 1);
      world.clusters[config.metadata.name] = {
        config,
        vpc: {
          vpcId: 'vpc-0fake',
          subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
          clusterSecurityGroupId: 'sg-cluster',
        },
      };
      return `EKS cluster "${config.metadata.name}" in "${config.metadata.region}" region is ready\n`;
    }
    case 'utils associate-iam-oidc-provider':
      if (!world.clusters[clusterName])
        throw new ToolError(`Error: ResourceNotFoundException: No cluster found for name: ${clusterName}\n`, 1);
      return 'IAM Open ID Connect provider is already associated with cluster\n';
    case 'create iamserviceaccount': {
      if (!world.clusters[clusterName]) throw new ToolError(`Error: ResourceNotFoundException: No cluster found\n`, 1);
      const policies = args.flatMap((a, i) => (args[i - 1] === '--attach-policy-arn' ? [a] : []));
      for (const arn of policies) {
        if (!arn.startsWith('arn:aws:iam::aws:') && !world.policies[arn])
          throw new ToolError(`Error: policy ${arn} does not exist\n`, 1);
      }
      world.roles[opt('--role-name')] = {
        policies,
        serviceAccount: `${opt('--namespace')}/${opt('--name')}`,
        cluster: clusterName,
      };
      return 'created serviceaccount\n';
    }
    case 'delete iamserviceaccount': {
      if (!world.clusters[clusterName])
        throw new ToolError(`Error: ResourceNotFoundException: No cluster found for name: ${clusterName}\n`, 1);
      const sa = `${opt('--namespace')}/${opt('--name')}`;
      for (const [name, role] of Object.entries(world.roles)) if (role.serviceAccount === sa) delete world.roles[name];
      return '';
    }
    case 'delete cluster':
      if (!world.clusters[clusterName])
        throw new ToolError(`Error: ResourceNotFoundException: No cluster found for name: ${clusterName}\n`, 1);
      delete world.clusters[clusterName];
      world.k8s = {};
      return `all cluster resources were deleted\n`;
    default:
      throw new ToolError(`fake-cloud: eksctl ${verb} ${noun} is not modelled\n`, 99);
  }
}

// --------------------------------------------------------------------------------------- kubectl

/** The pods a Deployment has now; a (re)start gives them the parameters SSM holds at that moment. */
function startPods(deployment) {
  const name = deployment.metadata.name;
  const prefix = name.replace(/-(order-api|delivery-api|traffic-generator)$/, '');
  const p = (suffix) => world.parameters[`/${prefix}-sample-app/mysql/${suffix}`]?.Value;
  const annotations = deployment.spec.template.metadata.annotations ?? {};
  const injected =
    annotations['instrumentation.opentelemetry.io/inject-nodejs'] === 'true' && Object.values(world.addons).length > 0;
  world.generation = (world.generation ?? 0) + 1;
  deployment.pods = Array.from({ length: deployment.spec.replicas ?? 1 }, (_, i) => ({
    metadata: { name: `${name}-${world.generation}-${i}`, labels: { app: name }, annotations },
    spec: { initContainers: injected ? [{ name: 'opentelemetry-auto-instrumentation-nodejs' }] : [] },
    status: { conditions: [{ type: 'Ready', status: world.podsNotReady ? 'False' : 'True' }] },
    config: world.staleReplicas
      ? { pool_size: 10, max_overflow: 20, fault_injection: false, fault_delay_seconds: 10 }
      : {
          pool_size: Number(p('pool-size') ?? 10),
          max_overflow: Number(p('max-overflow') ?? 20),
          fault_injection: p('fault-injection') === 'true',
          fault_delay_seconds: Number(p('fault-delay-seconds') ?? 10),
        },
  }));
}

function applyObjects(text) {
  const out = [];
  for (const doc of parseAllDocuments(text)) {
    const object = doc.toJS();
    if (!object) continue;
    const id = `${object.kind}/${object.metadata.name}`;
    const existing = world.k8s[id];
    if (object.kind === 'Deployment') {
      // Keep annotations others added (kubectl apply's three-way merge keeps fields it does not own).
      const kept = existing?.spec.template.metadata.annotations ?? {};
      object.spec.template.metadata.annotations = { ...kept, ...(object.spec.template.metadata.annotations ?? {}) };
      startPods(object);
    }
    world.k8s[id] = object;
    out.push(`${object.kind.toLowerCase()}/${object.metadata.name} ${existing ? 'configured' : 'created'}`);
  }
  return `${out.join('\n')}\n`;
}

function kubectl() {
  const context = opt('--context');
  if (context && !(world.kubeContexts ?? []).includes(context)) {
    throw new ToolError(`error: context "${context}" does not exist\n`, 1);
  }
  const words = positional();
  const [verb, ...rest] = words;
  const deploymentNamed = (ref) => {
    const name = ref.replace(/^deployments?\//, '');
    const deployment = world.k8s[`Deployment/${name}`];
    if (!deployment) throw notFound('deployments.apps', name);
    return deployment;
  };
  switch (verb) {
    case 'config':
      if (rest[0] === 'get-contexts') {
        if (!(world.kubeContexts ?? []).includes(rest[1]))
          throw new ToolError(`error: context ${rest[1]} not found\n`, 1);
        return `CURRENT   NAME\n*         ${rest[1]}\n`;
      }
      world.kubeContexts = (world.kubeContexts ?? []).filter((c) => c !== rest[1]);
      return `deleted context ${rest[1]} from /root/.kube/config\n`;
    case 'get': {
      if (has('--raw')) {
        const [, namespace, pod] =
          /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/proxy\/api\/delivery\/config$/.exec(opt('--raw')) ?? [];
        const found = Object.values(world.k8s)
          .flatMap((o) => o.pods ?? [])
          .find((p) => p.metadata.name === pod);
        if (!found || !namespace) throw new ToolError(`Error from server (NotFound): pods "${pod}" not found\n`, 1);
        return {
          service: 'delivery',
          effective: { ...found.config, connection_limit: found.config.pool_size + found.config.max_overflow },
        };
      }
      const [kind, name] = rest;
      if (kind === 'nodes') return 'NAME   STATUS\nip-10-0-1-1   Ready\nip-10-0-2-1   Ready\n';
      if (kind === 'pods') {
        const app = opt('--selector').replace(/^app=/, '');
        return { items: (world.k8s[`Deployment/${app}`]?.pods ?? []).map(({ config: _config, ...pod }) => pod) };
      }
      if (kind === 'deployment') {
        const { pods: _pods, ...deployment } = deploymentNamed(name);
        return deployment;
      }
      if (kind === 'service') {
        const service = world.k8s[`Service/${name}`];
        if (!service) throw notFound('services', name);
        const hostname = service.spec.type === 'LoadBalancer' ? world.loadBalancerHostname : undefined;
        return { ...service, status: { loadBalancer: hostname ? { ingress: [{ hostname }] } : {} } };
      }
      throw new ToolError(`fake-cloud: kubectl get ${kind} is not modelled\n`, 99);
    }
    case 'create': {
      // create secret generic NAME --from-literal=username=... --from-file=password=/dev/stdin --dry-run=client -o yaml
      const name = rest[2];
      const data = {};
      for (const a of args) {
        const literal = /^--from-literal=([^=]+)=(.*)$/.exec(a);
        if (literal) data[literal[1]] = Buffer.from(literal[2]).toString('base64');
        const file = /^--from-file=([^=]+)=(.*)$/.exec(a);
        if (file)
          data[file[1]] = Buffer.from(file[2] === '/dev/stdin' ? readStdin() : readFileSync(file[2])).toString(
            'base64',
          );
      }
      return stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, data });
    }
    case 'apply':
      return applyObjects(opt('--filename') === '-' ? readStdin() : fileArg(opt('--filename')));
    case 'rollout': {
      const [action, ref] = rest;
      const deployment = deploymentNamed(ref);
      if (action === 'restart') {
        deployment.spec.template.metadata.annotations = {
          ...(deployment.spec.template.metadata.annotations ?? {}),
          'kubectl.kubernetes.io/restartedAt': new Date().toISOString(),
        };
        startPods(deployment);
        return `deployment.apps/${deployment.metadata.name} restarted\n`;
      }
      if (world.rolloutFails) throw new ToolError(`error: timed out waiting for the condition\n`, 1);
      return `deployment "${deployment.metadata.name}" successfully rolled out\n`;
    }
    case 'patch': {
      const deployment = deploymentNamed(rest[1]);
      const patch = JSON.parse(opt('--patch'));
      const before = JSON.stringify(deployment.spec.template);
      Object.assign((deployment.spec.template.metadata.annotations ??= {}), patch.spec.template.metadata.annotations);
      if (JSON.stringify(deployment.spec.template) !== before) startPods(deployment);
      return `deployment.apps/${deployment.metadata.name} patched\n`;
    }
    case 'scale': {
      const deployment = deploymentNamed(rest[0]);
      deployment.spec.replicas = Number(opt('--replicas'));
      startPods(deployment);
      return `deployment.apps/${deployment.metadata.name} scaled\n`;
    }
    case 'set': {
      const deployment = deploymentNamed(rest[1]);
      const [name, value] = rest[2].split('=');
      const env = deployment.spec.template.spec.containers[0].env;
      const entry = env.find((e) => e.name === name);
      if (entry) entry.value = value;
      else env.push({ name, value });
      return `deployment.apps/${deployment.metadata.name} env updated\n`;
    }
    case 'delete': {
      if (opt('--filename')) {
        for (const doc of parseAllDocuments(fileArg(opt('--filename')))) {
          const o = doc.toJS();
          if (o) delete world.k8s[`${o.kind}/${o.metadata.name}`];
        }
        return '';
      }
      const [kind, name] = rest;
      const id = `${kind[0].toUpperCase()}${kind.slice(1)}/${name}`;
      if (!world.k8s[id] && !has('--ignore-not-found')) throw notFound(kind, name);
      delete world.k8s[id];
      return '';
    }
    default:
      throw new ToolError(`fake-cloud: kubectl ${verb} is not modelled\n`, 99);
  }
}

// ---------------------------------------------------------------------------------------- docker

function docker() {
  const [verb] = args;
  switch (verb) {
    case 'login':
      if (readStdin().trim() !== 'fake-ecr-token') throw new ToolError('Error: login failed\n', 1);
      return 'Login Succeeded\n';
    case 'build':
      world.localImages = [...(world.localImages ?? []), opt('--tag')];
      return '';
    case 'push': {
      const [image] = args.slice(1);
      const repository = image.split('/')[1].split(':')[0];
      if (!world.repositories[repository])
        throw new ToolError(`name unknown: The repository with name '${repository}' does not exist\n`, 1);
      world.repositories[repository].images.push(image.split(':')[1]);
      return '';
    }
    case 'image':
      world.localImages = (world.localImages ?? []).filter((i) => i !== args[2]);
      return '';
    default:
      throw new ToolError(`fake-cloud: docker ${verb} is not modelled\n`, 99);
  }
}

// Atomically (write, then rename): the two sides of a pipeline such as `kubectl create --dry-run |
// kubectl apply -f -` run at once, and one must never read the other's half-written world.
function saveWorld() {
  const temporary = `${worldFile}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify(world, null, 2));
  renameSync(temporary, worldFile);
}

try {
  const failure = injectedFailure();
  if (failure) throw failure;
  const handlers = { aws, eksctl, kubectl, docker };
  print(handlers[tool]());
  saveWorld();
} catch (error) {
  saveWorld();
  if (!(error instanceof ToolError)) throw error;
  process.stderr.write(error.message);
  process.exit(error.status);
}
