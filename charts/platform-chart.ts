/**
 * The namespace, its default-deny NetworkPolicy (every route is then opened
 * by the chart of the unit it leads to), DNS for every pod, and — on kind
 * only — the Secrets with local-development values.
 */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { POD_SECURITY_LABELS, chartProps } from './common';
import type { Environment } from './environment';
import { APP_SECRET, POSTGRES_SECRET, developmentPostgres, developmentSecretValue, secretKeysByName } from './service-env';

export const LOCAL_DEVELOPMENT_ANNOTATION = { 'ticketing/local-development-only': 'Public development values derived from a fixed label: never use outside a local kind cluster.' };

/** Cluster-scoped, so in a chart without a namespace. Pod Security "restricted" is enforced on it. */
export class NamespaceChart extends Chart {
  constructor(scope: Construct, id: string, env: Environment) {
    super(scope, id, { labels: chartProps(env).labels });
    new kplus.k8s.KubeNamespace(this, 'namespace', { metadata: { name: env.namespace, labels: { ...POD_SECURITY_LABELS } } });
  }
}

export class PlatformChart extends Chart {
  constructor(scope: Construct, id: string, env: Environment) {
    super(scope, id, chartProps(env));

    new kplus.k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: { name: 'default-deny' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new kplus.k8s.KubeNetworkPolicy(this, 'dns', {
      metadata: { name: 'allow-dns' },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { port: kplus.k8s.IntOrString.fromNumber(53), protocol: 'UDP' },
              { port: kplus.k8s.IntOrString.fromNumber(53), protocol: 'TCP' },
            ],
          },
        ],
      },
    });

    if (env.createSecrets) {
      const keys = [...(secretKeysByName(env).get(APP_SECRET) ?? [])].sort();
      new kplus.k8s.KubeSecret(this, 'app-secret', {
        metadata: { name: APP_SECRET, annotations: LOCAL_DEVELOPMENT_ANNOTATION },
        type: 'Opaque',
        stringData: Object.fromEntries(keys.map((k) => [k, developmentSecretValue(k)])),
      });
      new kplus.k8s.KubeSecret(this, 'postgres-secret', {
        metadata: { name: POSTGRES_SECRET, annotations: LOCAL_DEVELOPMENT_ANNOTATION },
        type: 'Opaque',
        stringData: developmentPostgres(),
      });
    }
  }
}
