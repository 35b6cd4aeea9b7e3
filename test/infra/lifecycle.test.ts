import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appNames } from '@demo/contracts';
import { changes, createEnvironment, runAll, Sandbox, SCRIPTS, sequence, useSandbox } from './harness';

/**
 * Scripts 2-9 on an environment made by script 1, against the fake tools of fake-cloud.mjs (see
 * scripts.test.ts). Split from it so the two files run in parallel.
 */
const names = appNames('ts');
const open = useSandbox();

// Scripts 1 and 2 take ~10 s against the fakes; most tests start from their result, built once.
let deployed: Sandbox;
beforeAll(async () => {
  deployed = new Sandbox();
  await createEnvironment(deployed);
  await runAll(deployed, [['2-build-deploy-app.sh']]);
}, 120_000);
afterAll(() => deployed.dispose());
const openDeployed = () => open().copyFrom(deployed);
const hashOf = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('scripts 2-9 on the environment script 1 made', () => {
  it('deploy, instrument, load, fault and restore, verified like the console does', async () => {
    const box = open();
    await createEnvironment(box);
    await runAll(box, [['2-build-deploy-app.sh']]);
    let world = box.world();
    // Images built for the nodes and pushed to the new repositories, tagged by commit.
    const builds = box.calls().filter((c) => c.tool === 'docker' && c.args[0] === 'build');
    expect(builds).toHaveLength(3);
    for (const build of builds) {
      expect(build.args).toEqual(expect.arrayContaining(['--platform', 'linux/amd64']));
      expect(build.args[build.args.indexOf('--file') + 1]).toMatch(/\/services\/Dockerfile$/);
    }
    // One Dockerfile, one SERVICE per image, each tagged into its own repository.
    const services = builds.map((b) => b.args[b.args.indexOf('--build-arg') + 1]);
    expect(services.sort()).toEqual(['SERVICE=delivery-api', 'SERVICE=order-api', 'SERVICE=traffic-generator']);
    for (const build of builds) {
      const service = build.args[build.args.indexOf('--build-arg') + 1]!.slice('SERVICE='.length);
      expect(build.args[build.args.indexOf('--tag') + 1]).toContain(`/ts-${service}:`);
    }
    expect(Object.keys(world.repositories).sort()).toEqual(['ts-delivery-api', 'ts-order-api', 'ts-traffic-generator']);
    // The Secret holds the SSM password; the Deployment reads it from there.
    const secret = world.k8s['Secret/ts-mysql']!;
    const password = world.parameters['/ts-sample-app/secrets/mysql-password']!.Value;
    expect(Buffer.from(secret.data!.password!, 'base64').toString()).toBe(password);
    expect(Buffer.from(secret.data!.username!, 'base64').toString()).toBe('admin');
    const delivery = world.k8s['Deployment/ts-delivery-api']!;
    expect(delivery.spec!.template.spec.containers[0]!.image).toBe(box.state()!.images!['delivery-api']);
    expect(world.k8s['Deployment/ts-traffic-generator']!.spec!.replicas).toBe(0);
    expect(box.state()!.order_api_url).toBe('http://a1b2c3-1234567890.eu-west-1.elb.amazonaws.com');

    await runAll(box, [['3-setup-cloudwatch-agent.sh'], ['4-annotate-workloads.sh']]);
    world = box.world();
    expect(world.addons['ts-appsignals/amazon-cloudwatch-observability']).toMatchObject({ status: 'ACTIVE' });
    for (const app of ['ts-order-api', 'ts-delivery-api']) {
      const deployment = world.k8s[`Deployment/${app}`]!;
      expect(deployment.spec!.template.metadata.annotations['instrumentation.opentelemetry.io/inject-nodejs']).toBe(
        'true',
      );
      for (const pod of deployment.pods!)
        expect(pod.spec.initContainers.map((c) => c.name)).toContain('opentelemetry-auto-instrumentation-nodejs');
    }
    // Annotating again changes nothing (the original duplicated the key on each run).
    box.clearCalls();
    await runAll(box, [['4-annotate-workloads.sh']]);
    expect(changes(box.calls())).toEqual([]);

    await runAll(box, [['5-generate-load.sh', '--rate', '12']]);
    world = box.world();
    const traffic = world.k8s['Deployment/ts-traffic-generator']!;
    expect(traffic.spec!.replicas).toBe(1);
    expect(traffic.spec!.template.spec.containers[0]!.env).toContainEqual({ name: 'RATE', value: '12' });
    // A redeploy keeps the traffic running.
    await runAll(box, [['2-build-deploy-app.sh', '--skip-build']]);
    expect(box.world().k8s['Deployment/ts-traffic-generator']!.spec!.replicas).toBe(1);

    box.clearCalls();
    const fault = await box.run('6-introduce-fault.sh', ['--yes']);
    expect(fault.status, fault.stderr).toBe(0);
    expect(fault.stderr).toContain(
      '2 replica(s) run pool-size=1 max-overflow=0 fault-injection=true fault-delay-seconds=10',
    );
    expect(sequence(box.calls()).filter((c) => !c.startsWith('aws sts'))).toEqual([
      'aws ssm get-parameters',
      'aws ssm put-parameter',
      'aws ssm put-parameter',
      'aws ssm put-parameter',
      'aws ssm put-parameter',
      'kubectl rollout restart',
      'kubectl rollout status',
      'kubectl get pods',
      'kubectl get',
      'kubectl get',
    ]);
    for (const pod of box.world().k8s['Deployment/ts-delivery-api']!.pods!) {
      expect(pod.config).toEqual({ pool_size: 1, max_overflow: 0, fault_injection: true, fault_delay_seconds: 10 });
    }
    expect(box.state()!.fault!.previous).toEqual({
      pool_size: 10,
      max_overflow: 20,
      fault_injection: false,
      fault_delay_seconds: 10,
    });
    // Injecting twice keeps the values Restore returns to.
    await runAll(box, [['6-introduce-fault.sh']]);
    expect(box.state()!.fault!.previous.pool_size).toBe(10);

    const restore = await box.run('7-restore-normal.sh', ['--yes']);
    expect(restore.status, restore.stderr).toBe(0);
    for (const pod of box.world().k8s['Deployment/ts-delivery-api']!.pods!) {
      expect(pod.config).toEqual({ pool_size: 10, max_overflow: 20, fault_injection: false, fault_delay_seconds: 10 });
    }
    expect(box.state()!.fault).toBeUndefined();

    await runAll(box, [['8-build-cleanup.sh', '--traffic-only']]);
    expect(box.world().k8s['Deployment/ts-traffic-generator']!.spec!.replicas).toBe(0);
    await runAll(box, [['8-build-cleanup.sh']]);
    world = box.world();
    expect(world.repositories).toEqual({});
    expect(Object.keys(world.k8s)).toEqual([]);
    expect(world.localImages).toEqual([]);

    const cleanup = await box.run('9-cleanup-env.sh', ['--yes']);
    expect(cleanup.status, cleanup.stderr).toBe(0);
    world = box.world();
    for (const part of [
      'clusters',
      'dbSubnetGroups',
      'securityGroups',
      'parameters',
      'dbInstances',
      'policies',
      'roles',
      'addons',
    ] as const) {
      expect(world[part], part).toEqual({});
    }
    expect(box.state()).toBeUndefined();
  }, 120_000);

  it('6 fails, and says which replica is wrong, when the restart did not bring the new values', async () => {
    const box = openDeployed();
    box.updateWorld((w) => (w.staleReplicas = true));
    const result = await box.run('6-introduce-fault.sh', ['--yes'], { VERIFY_TIMEOUT: '2' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(
      /replicas still on other values after 2 s: ts-delivery-api-\S+: pool_size 10, max_overflow 20, fault_injection false/,
    );
    expect(result.stderr).not.toContain('Fault injected');
  });

  it('6 fails when the rollout does not complete, and 7 restores the defaults when nothing was recorded', async () => {
    const box = openDeployed();
    box.updateWorld((w) => (w.rolloutFails = true));
    const failed = await box.run('6-introduce-fault.sh', ['--yes']);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('timed out waiting for the condition');
    box.updateWorld((w) => {
      w.rolloutFails = false;
      w.parameters[names.parameters.faultInjection]!.Value = 'true';
    });
    const restore = await box.run('7-restore-normal.sh', ['--defaults', '--yes']);
    expect(restore.status, restore.stderr).toBe(0);
    expect(box.world().parameters[names.parameters.faultInjection]!.Value).toBe('false');
  });

  it('6 rejects values the Delivery API would not accept, before any call', async () => {
    const box = openDeployed();
    for (const args of [
      ['--pool-size', '0'],
      ['--max-overflow', '201'],
      ['--delay-seconds', 'ten'],
      ['--pool-size', '08'],
    ]) {
      const result = await box.run('6-introduce-fault.sh', [...args, '--yes']);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(args[0]);
    }
    expect(box.calls()).toEqual([]);
  });

  it("each script's --dry-run on a real state runs nothing and leaves the state file as it was", async () => {
    const box = openDeployed();
    const hash = hashOf(box.stateFile);
    box.clearCalls();
    for (const script of SCRIPTS.slice(1)) {
      const result = await box.run(script, ['--dry-run']);
      expect(result.status, `${script}: ${result.stderr}`).toBe(0);
      expect(result.stdout, script).toMatch(/^\[dry-run\] /m);
    }
    expect(box.calls()).toEqual([]);
    expect(hashOf(box.stateFile)).toBe(hash);
  });

  it('refuses options that contradict the state file', async () => {
    const box = openDeployed();
    const result = await box.run('6-introduce-fault.sh', ['--app-prefix', 'python', '--yes']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--app-prefix python contradicts');
  });

  it('scripts 2-9 ask for script 1 first when there is no state file', async () => {
    const box = open();
    for (const script of SCRIPTS.slice(1)) {
      const result = await box.run(script, ['--yes']);
      expect(result.status, script).toBe(2);
      expect(result.stderr).toContain('run infra-scripts/1-create-env.sh first');
    }
    expect(changes(box.calls())).toEqual([]);
  });
});

describe('9-cleanup-env.sh', () => {
  it('waits for the database with a clear timeout, keeps what depends on it, and finishes on a re-run', async () => {
    const box = openDeployed();
    box.updateWorld((w) => (w.rdsStuckDeleting = true));
    const first = await box.run('9-cleanup-env.sh', ['--yes'], { RDS_DELETE_TIMEOUT: '3' });
    expect(first.status).not.toBe(0);
    expect(first.stderr).toContain('ts-orders-db is still being deleted after 3 s');
    expect(first.stderr).toContain('keeping the DB security group and subnet group');
    const left = Object.keys(box.state()!.resources).sort();
    // The cluster stays too: its security group is referenced by the DB security group's rule.
    expect(left).toEqual(['db_security_group', 'db_subnet_group', 'eks_cluster', 'rds_instance']);

    box.updateWorld((w) => (w.rdsStuckDeleting = false));
    const second = await box.run('9-cleanup-env.sh', ['--yes']);
    expect(second.status, second.stderr).toBe(0);
    expect(box.world().dbInstances).toEqual({});
    expect(box.world().clusters).toEqual({});
    expect(box.state()).toBeUndefined();
  });

  it('goes on past a deletion that fails and reports it at the end', async () => {
    const box = openDeployed();
    box.updateWorld((w) => {
      w.failures = [
        {
          match: 'iam delete-policy --policy-arn arn:aws:iam::111122223333:policy/ts-console-operator',
          message: 'An error occurred (DeleteConflict) when calling the DeletePolicy operation: attached to a user',
          times: 1,
        },
      ];
    });
    const result = await box.run('9-cleanup-env.sh', ['--yes']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('IAM policy arn:aws:iam::111122223333:policy/ts-console-operator');
    expect(Object.keys(box.state()!.resources)).toEqual(['operator_policy']);
    expect(box.world().clusters).toEqual({});
    const again = await box.run('9-cleanup-env.sh', ['--yes']);
    expect(again.status, again.stderr).toBe(0);
    expect(box.world().policies).toEqual({});
  });
});
