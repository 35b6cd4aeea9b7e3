import 'server-only';
import * as k8s from '@kubernetes/client-node';
import { DeliveryConfigSchema, rolloutState, type DeliveryConfig, type RolloutState } from '@demo/contracts';
import type { Clients } from './clients';

const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
/** Proxy asks per ready pod and read: with two pods, a pod goes unreached by 4 random picks 1 time in 16. */
const ASKS_PER_POD = 2;

/** Deployments, Services and pods of the demo, through @kubernetes/client-node. */
export class Kube {
  /** The last answer of each ready pod, for a read whose random picks all missed it. */
  private lastConfigs = new Map<string, DeliveryConfig>();

  constructor(
    private readonly clients: Clients,
    readonly namespace: string,
  ) {}

  readDeployment(name: string): Promise<k8s.V1Deployment> {
    return this.clients.apps.readNamespacedDeployment({ name, namespace: this.namespace });
  }

  async rollout(name: string): Promise<{ state: RolloutState; generation: number; deployment: k8s.V1Deployment }> {
    const deployment = await this.readDeployment(name);
    return { state: rolloutState(deployment), generation: deployment.metadata?.generation ?? 0, deployment };
  }

  /** What `kubectl rollout restart` does: a new restartedAt annotation on the pod template. */
  async restart(name: string, at = new Date()): Promise<k8s.V1Deployment> {
    const body = {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at.toISOString() } } } },
    };
    return this.clients.apps.patchNamespacedDeployment({ name, namespace: this.namespace, body }, strategic);
  }

  async scale(name: string, replicas: number): Promise<k8s.V1Deployment> {
    return this.clients.apps.patchNamespacedDeployment(
      { name, namespace: this.namespace, body: { spec: { replicas } } },
      merge,
    );
  }

  async listDeployments(): Promise<k8s.V1Deployment[]> {
    return (await this.clients.apps.listNamespacedDeployment({ namespace: this.namespace })).items;
  }

  /** `http://<ingress>:<port>` of a LoadBalancer Service (the Order API's, locally and on EKS). */
  async serviceUrl(name: string): Promise<string> {
    const service = await this.clients.core.readNamespacedService({ name, namespace: this.namespace });
    const ingress = service.status?.loadBalancer?.ingress?.[0];
    const host = ingress?.hostname ?? ingress?.ip;
    const port = service.spec?.ports?.[0]?.port;
    if (!host || !port) throw new Error(`Service ${name} has no load balancer address yet`);
    return `http://${host}:${port}`;
  }

  /** Ready pods of a Deployment (not terminating). */
  async readyPods(app: string): Promise<k8s.V1Pod[]> {
    const pods = await this.clients.core.listNamespacedPod({ namespace: this.namespace, labelSelector: `app=${app}` });
    return pods.items.filter(
      (pod) =>
        !pod.metadata?.deletionTimestamp &&
        pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
  }

  /**
   * `/api/delivery/config` of every ready replica of `app`, asked through the API server's proxy of
   * its Service: the console's Role may proxy to that one Service, not to any pod. The proxy picks a
   * ready endpoint at random per request, so each read asks ASKS_PER_POD times per ready pod, all at
   * once: a fixed number of calls per read (asking until every pod had answered took 2 to 12 for two
   * pods, at random). A pod none of them reached (1 read in 16 for each of two pods) is shown with
   * the answer it gave last, while it stays ready; a pod never reached yet is listed without a config.
   * Replicas name themselves by their pod name (HOSTNAME), which is how an answer is matched to its pod.
   */
  async deliveryConfigs(app: string): Promise<{ pod: string; config?: DeliveryConfig }[]> {
    const pods = (await this.readyPods(app)).map((pod) => pod.metadata?.name ?? '');
    const asks = await Promise.allSettled(
      Array.from({ length: pods.length * ASKS_PER_POD }, async () => {
        // client-node returns a JSON answer parsed, although its type says string.
        const body: unknown = await this.clients.core.connectGetNamespacedServiceProxyWithPath({
          name: app,
          namespace: this.namespace,
          path: 'api/delivery/config',
        });
        return DeliveryConfigSchema.parse(typeof body === 'string' ? JSON.parse(body) : body);
      }),
    );
    const answered = asks.flatMap((ask) => (ask.status === 'fulfilled' ? [ask.value] : []));
    if (answered.length === 0 && asks[0]?.status === 'rejected') throw asks[0].reason;
    const seen = new Map<string, DeliveryConfig>();
    for (const pod of pods) {
      const config = answered.find((c) => c.instance.hostname === pod) ?? this.lastConfigs.get(pod);
      if (config) seen.set(pod, config);
    }
    this.lastConfigs = seen;
    return pods.map((pod) => {
      const config = seen.get(pod);
      return config ? { pod, config } : { pod };
    });
  }
}
