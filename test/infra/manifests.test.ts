import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding, type IRole, type IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  Service,
  ServiceAccount,
  type IContainer,
  type IEnvVar,
  type IService,
  type IServiceAccount,
} from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { appNames, PORTS } from '@demo/contracts';
import { REPO_ROOT } from './harness';

/**
 * k8s/templates rendered the way 2-build-deploy-app.sh renders them, validated against the
 * Kubernetes OpenAPI schemas (kubernetes-models), and read for what the demo relies on.
 */
const run = promisify(execFile);
const RENDER = path.join(REPO_ROOT, 'infra-scripts/lib/render-template.mjs');
const TEMPLATES = path.join(REPO_ROOT, 'k8s/templates');
const names = appNames('ts');

const VALUES: Record<string, Record<string, string>> = {
  'delivery-api.yaml': {
    IMAGE_DELIVERY_API: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ts-delivery-api:abc123',
    AWS_REGION: 'eu-west-1',
    MYSQL_HOST: 'ts-orders-db.abc123.eu-west-1.rds.amazonaws.com',
    DELIVERY_ROLE_ARN: 'arn:aws:iam::111122223333:role/ts-delivery-api-irsa',
  },
  'order-api.yaml': { IMAGE_ORDER_API: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ts-order-api:abc123' },
  'traffic-generator.yaml': {
    IMAGE_TRAFFIC_GENERATOR: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ts-traffic-generator:abc123',
    TRAFFIC_RATE: '5',
    TRAFFIC_REPLICAS: '0',
  },
  'console-rbac.yaml': {},
};

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
}
interface Kinds {
  Deployment: IDeployment;
  Service: IService;
  ServiceAccount: IServiceAccount;
  PodDisruptionBudget: IPodDisruptionBudget;
  Role: IRole;
  RoleBinding: IRoleBinding;
}

async function render(template: string, values: Record<string, string>): Promise<string> {
  const assignments = Object.entries({ PREFIX: 'ts', NAMESPACE: 'default', ...values }).map(([k, v]) => `${k}=${v}`);
  const { stdout } = await run('node', [RENDER, path.join(TEMPLATES, template), ...assignments]);
  return stdout;
}

async function manifests(): Promise<Manifest[]> {
  const all: Manifest[] = [];
  for (const [template, values] of Object.entries(VALUES)) {
    const text = await render(template, values);
    for (const doc of parseAllDocuments(text)) {
      expect(doc.errors, template).toEqual([]);
      all.push(doc.toJS() as Manifest);
    }
  }
  return all;
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Deployment,
  Service,
  ServiceAccount,
  PodDisruptionBudget,
  Role,
  RoleBinding,
};

function find<K extends keyof Kinds>(all: Manifest[], kind: K, name: string): Kinds[K] {
  const found = all.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found as unknown as Kinds[K];
}

/** The pod template's (only) container. */
function containerOf(deployment: IDeployment): IContainer {
  return deployment.spec!.template.spec!.containers[0]!;
}

function envOf(container: IContainer): Record<string, IEnvVar> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
}

describe('k8s/templates', () => {
  it('covers every template', () => {
    expect(readdirSync(TEMPLATES).sort()).toEqual(Object.keys(VALUES).sort());
  });

  it('render to objects that validate against the Kubernetes schemas', async () => {
    const all = await manifests();
    expect(all.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(
      [
        'Deployment/ts-delivery-api',
        'Deployment/ts-order-api',
        'Deployment/ts-traffic-generator',
        'PodDisruptionBudget/ts-delivery-api',
        'PodDisruptionBudget/ts-order-api',
        'Role/ts-console',
        'RoleBinding/ts-console',
        'Service/ts-delivery-api',
        'Service/ts-order-api',
        'ServiceAccount/ts-delivery-api',
        'ServiceAccount/ts-order-api',
        'ServiceAccount/ts-traffic-generator',
      ].sort(),
    );
    for (const manifest of all) {
      const Model = MODELS[manifest.kind];
      expect(Model, manifest.kind).toBeDefined();
      expect(
        () => new Model!(manifest as never).validate(),
        `${manifest.kind}/${manifest.metadata.name}`,
      ).not.toThrow();
      expect(manifest.metadata.namespace).toBe('default');
    }
  });

  // The schemas allow unknown fields, so a misspelt optional field passes here; on a cluster,
  // kubectl apply's strict field validation (the default since Kubernetes 1.27) rejects it.
  it('the schema validation can fail: a wrong type or a missing required field is rejected', async () => {
    const deployment = find(await manifests(), 'Deployment', names.deliveryApi);
    expect(() =>
      new Deployment({ ...deployment, spec: { ...deployment.spec!, replicas: 'two' as never } }).validate(),
    ).toThrow();
    const broken = structuredClone(deployment);
    containerOf(broken).readinessProbe = { httpGet: { path: '/api/delivery/ready' } as never };
    expect(() => new Deployment(broken).validate()).toThrow();
  });

  it.each([
    [names.orderApi, PORTS.orderApi, '/api/orders/ready'],
    [names.deliveryApi, PORTS.deliveryApi, '/api/delivery/ready'],
  ])(
    '%s: 2 replicas, probes on /ready, resources, a locked-down container, a drain long enough',
    async (name, port, ready) => {
      const all = await manifests();
      const deployment = find(all, 'Deployment', name);
      expect(deployment.spec!.replicas).toBe(2);
      expect(deployment.spec!.strategy!.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
      const pod = deployment.spec!.template.spec!;
      const container = containerOf(deployment);
      expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
      for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
        expect(probe?.httpGet).toEqual({ path: ready, port: 'http' });
      }
      const startup = container.startupProbe!;
      expect(startup.failureThreshold! * startup.periodSeconds!).toBeGreaterThanOrEqual(30);
      expect(Object.keys(container.resources!.requests!).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(container.resources!.limits!).sort()).toEqual(['cpu', 'memory']);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      // Kubernetes sends SIGTERM after preStop; the app then drains for up to SHUTDOWN_TIMEOUT_MS.
      const env = envOf(container);
      const drainSeconds = Number(env.SHUTDOWN_TIMEOUT_MS!.value) / 1000;
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(
        container.lifecycle!.preStop!.sleep!.seconds + drainSeconds,
      );
      expect(env.OTEL_SERVICE_NAME!.value).toBe(name);
      expect(env.APP_PREFIX!.value).toBe('ts');
      expect(pod.serviceAccountName).toBe(name);
      const budget = find(all, 'PodDisruptionBudget', name);
      expect(budget.spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: name } } });
    },
  );

  it('the Delivery API takes the MySQL credentials from the Secret, never from a literal', async () => {
    const deployment = find(await manifests(), 'Deployment', names.deliveryApi);
    const env = envOf(containerOf(deployment));
    expect(env.MYSQL_PASSWORD).toEqual({
      name: 'MYSQL_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'ts-mysql', key: 'password' } },
    });
    expect(env.MYSQL_USER).toEqual({
      name: 'MYSQL_USER',
      valueFrom: { secretKeyRef: { name: 'ts-mysql', key: 'username' } },
    });
    expect(env.MYSQL_HOST!.value).toBe(VALUES['delivery-api.yaml']!.MYSQL_HOST);
    for (const variable of Object.values(env)) {
      if (/PASSWORD|SECRET|TOKEN/.test(variable.name)) expect(variable.value, variable.name).toBeUndefined();
    }
    const account = find(await manifests(), 'ServiceAccount', names.deliveryApi);
    expect(account.metadata!.annotations).toEqual({
      'eks.amazonaws.com/role-arn': VALUES['delivery-api.yaml']!.DELIVERY_ROLE_ARN,
    });
  });

  it('Services: the Order API behind a LoadBalancer 80 -> 8080, the Delivery API cluster-internal on 5000', async () => {
    const all = await manifests();
    expect(find(all, 'Service', names.orderApi).spec).toEqual({
      type: 'LoadBalancer',
      selector: { app: names.orderApi },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(find(all, 'Service', names.deliveryApi).spec).toEqual({
      type: 'ClusterIP',
      selector: { app: names.deliveryApi },
      ports: [{ name: 'http', port: 5000, targetPort: 'http', protocol: 'TCP' }],
    });
    // The Order API reaches the Delivery API through that Service's DNS name.
    const order = find(all, 'Deployment', names.orderApi);
    expect(envOf(containerOf(order)).DELIVERY_API_URL!.value).toBe('http://ts-delivery-api:5000');
  });

  it('the traffic generator starts with the replicas and rate it is given, and has no AWS access', async () => {
    const all = await manifests();
    const deployment = find(all, 'Deployment', names.trafficGenerator);
    expect(deployment.spec!.replicas).toBe(0);
    expect(envOf(containerOf(deployment)).RATE!.value).toBe('5');
    expect(find(all, 'ServiceAccount', names.trafficGenerator).automountServiceAccountToken).toBe(false);
    expect(find(all, 'ServiceAccount', names.orderApi).automountServiceAccountToken).toBe(false);
  });

  it("the console's Role grants exactly what the console calls, in its namespace only", async () => {
    const all = await manifests();
    const role = find(all, 'Role', 'ts-console');
    expect(role.rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
      // Patch (rollout restart, scale) only the two it drives: patching any Deployment could run
      // code under another workload's AWS identity.
      {
        apiGroups: ['apps'],
        resources: ['deployments'],
        resourceNames: ['ts-delivery-api', 'ts-traffic-generator'],
        verbs: ['patch'],
      },
      { apiGroups: [''], resources: ['services', 'pods'], verbs: ['get', 'list'] },
      // No pods/proxy (every pod in the namespace): the one Service it asks configs through.
      { apiGroups: [''], resources: ['services/proxy'], resourceNames: ['ts-delivery-api'], verbs: ['get'] },
    ]);
    const binding = find(all, 'RoleBinding', 'ts-console');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'ts-console' });
    expect(binding.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ts-console-operators' },
    ]);
  });
});

describe('render-template.mjs', () => {
  const renderFails = async (values: Record<string, string>) => {
    const error = await render('order-api.yaml', values).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(2);
    return error!.stderr;
  };

  it('refuses a template with a placeholder left without a value', async () => {
    expect(await renderFails({})).toContain('no value for IMAGE_ORDER_API');
  });

  it('refuses a value the template does not use (a typo in a script)', async () => {
    expect(await renderFails({ ...VALUES['order-api.yaml'], IMAGE_ORDR_API: 'x' })).toContain(
      'IMAGE_ORDR_API not used',
    );
  });

  it('refuses a value that would change the YAML structure', async () => {
    expect(await renderFails({ IMAGE_ORDER_API: 'x\n  hostNetwork: true' })).toContain('cannot take unquoted');
    expect(await renderFails({ IMAGE_ORDER_API: 'x # comment' })).toContain('cannot take unquoted');
  });
});
