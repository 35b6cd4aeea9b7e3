import 'server-only';
import { ApplicationSignalsClient } from '@aws-sdk/client-application-signals';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SSMClient } from '@aws-sdk/client-ssm';
import * as k8s from '@kubernetes/client-node';
import { TargetError, type Target } from './target';

/** The only place the console builds SDK and Kubernetes clients. */
export interface Clients {
  ssm: SSMClient;
  cloudwatch: CloudWatchClient;
  signals: ApplicationSignalsClient;
  apps: k8s.AppsV1Api;
  core: k8s.CoreV1Api;
  kubeConfig: k8s.KubeConfig;
  /** What each client points at, for the settings page. */
  describe(): Record<string, string>;
}

export function createClients(target: Target): Clients {
  const aws =
    target.kind === 'local'
      ? {
          region: target.region,
          endpoint: target.awsEndpoint,
          // local-cloud verifies SigV4 with the keys of its endpoints.env; explicit keys also keep the
          // SDK away from the credential chain (whose last resort is the EC2 metadata address).
          ...(target.localCredentials ? { credentials: target.localCredentials } : {}),
          maxAttempts: 2,
        }
      : { region: target.region, maxAttempts: 3 };
  const kubeConfig = new k8s.KubeConfig();
  if (target.kubeconfig) kubeConfig.loadFromFile(target.kubeconfig);
  else kubeConfig.loadFromDefault();
  if (target.kubeContext) {
    if (!kubeConfig.getContextObject(target.kubeContext)) {
      throw new TargetError(
        `The kubeconfig has no context ${target.kubeContext}: run aws eks update-kubeconfig --name ${target.clusterName} --region ${target.region} --alias ${target.kubeContext}`,
      );
    }
    kubeConfig.setCurrentContext(target.kubeContext);
  }
  const cluster = kubeConfig.getCurrentCluster();
  return {
    ssm: new SSMClient(aws),
    cloudwatch: new CloudWatchClient(aws),
    signals: new ApplicationSignalsClient(aws),
    apps: kubeConfig.makeApiClient(k8s.AppsV1Api),
    core: kubeConfig.makeApiClient(k8s.CoreV1Api),
    kubeConfig,
    describe: () => ({
      'SSM, CloudWatch, Application Signals':
        target.awsEndpoint ?? `AWS ${target.region} (default endpoints and credential chain)`,
      Kubernetes: `${cluster?.server ?? '(no cluster in kubeconfig)'} (context ${kubeConfig.getCurrentContext()})`,
      Namespace: target.namespace,
    }),
  };
}
