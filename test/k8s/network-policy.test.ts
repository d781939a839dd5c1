/**
 * The NetworkPolicies, evaluated as a cluster would (default deny; a
 * connection needs an egress rule at the source and an ingress rule at the
 * destination), against what the configuration says: a unit reaches another
 * only if its environment names that unit's address; only the ingress
 * controller reaches the gateway from outside.
 */
import { KIND, PRODUCTION } from '../../charts/environment';
import { deployments, objectsOf, resolvedEnv, type Obj } from './manifests';

interface Pod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

const matches = (selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string>) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

function peerMatches(peer: any, pod: Pod, policyNamespace: string): boolean {
  if (peer.ipBlock) return true; // conservative: an address block may cover pod IPs too
  const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': pod.namespace }) : pod.namespace === policyNamespace;
  return nsOk && (peer.podSelector ? matches(peer.podSelector, pod.labels) : true);
}

const portOk = (rule: any, port: number) => !rule.ports || rule.ports.some((p: any) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');

function allowed(policies: Obj[], from: Pod, to: Pod, port: number): boolean {
  const selecting = (pod: Pod, type: string) =>
    policies.filter((p) => p.metadata.namespace === pod.namespace && matches(p.spec.podSelector, pod.labels) && p.spec.policyTypes.includes(type));
  const egress = selecting(from, 'Egress');
  const egressOk = egress.length === 0 || egress.some((p) => (p.spec.egress ?? []).some((r: any) => portOk(r, port) && r.to.some((peer: any) => peerMatches(peer, to, p.metadata.namespace!))));
  const ingress = selecting(to, 'Ingress');
  const ingressOk = ingress.length === 0 || ingress.some((p) => (p.spec.ingress ?? []).some((r: any) => portOk(r, port) && r.from.some((peer: any) => peerMatches(peer, from, p.metadata.namespace!))));
  return egressOk && ingressOk;
}

describe.each([
  ['kind', KIND],
  ['production', PRODUCTION],
] as const)('%s network policies', (envName, env) => {
  const objects = objectsOf(envName);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
  const pods: Pod[] = workloads.map((w) => ({ name: w.metadata.name, namespace: w.metadata.namespace!, labels: w.spec.template.metadata.labels }));
  const pod = (name: string) => pods.find((p) => p.name === name)!;
  const ingressController: Pod = { name: 'ingress-nginx-controller', namespace: env.ingressControllerNamespace, labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
  const stranger: Pod = { name: 'stranger', namespace: 'default', labels: { 'app.kubernetes.io/name': 'stranger' } };
  const apps = deployments(objects).filter((d) => d.spec.template.spec.containers[0].image === env.image);
  const httpPort = (name: string) => deployments(objects).find((d) => d.metadata.name === name)!.spec.template.spec.containers[0].ports[0].containerPort as number;

  /** Which units a unit's config names, read from its manifest environment (hosts of URLs, SMTP_HOST, ...). */
  function named(d: Obj): Set<string> {
    const env = resolvedEnv(objects, d, d.spec.template.spec.containers[0], { externalSecrets: true });
    const values = Object.values(env);
    const hosts = new Set<string>();
    // Production keeps the database address in an existing Secret: the key itself names PostgreSQL.
    if (env.DATABASE_URL) hosts.add('postgres');
    for (const v of values) {
      const url = /^[a-z]+:\/\/(?:[^@/]+@)?([a-z0-9-]+):\d+/.exec(v);
      if (url) hosts.add(url[1]!);
      const hostPort = /^([a-z0-9-]+):\d+$/.exec(v);
      if (hostPort) hosts.add(hostPort[1]!);
      if (pods.some((p) => p.name === v)) hosts.add(v);
    }
    return hosts;
  }

  it('a unit reaches another unit exactly when its config names it', () => {
    const mismatches: string[] = [];
    for (const from of apps) {
      const names = named(from);
      for (const to of apps) {
        if (to === from) continue;
        const expected = names.has(to.metadata.name);
        if (allowed(policies, pod(from.metadata.name), pod(to.metadata.name), httpPort(to.metadata.name)) !== expected) {
          mismatches.push(`${from.metadata.name} -> ${to.metadata.name}: expected ${expected ? 'allowed' : 'denied'}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Not vacuous: the map has both kinds of pairs.
    expect(allowed(policies, pod('gateway'), pod('booking'), httpPort('booking'))).toBe(true);
    expect(allowed(policies, pod('payment'), pod('catalog'), httpPort('catalog'))).toBe(false);
  });

  it('PostgreSQL, Redis and Temporal take connections only from the units whose config names them', () => {
    const stores = [
      ['postgres', 5432],
      ['redis', 6379],
      ['temporal', 7233],
    ] as const;
    for (const from of apps) {
      const names = named(from);
      for (const [store, port] of stores) {
        expect(`${from.metadata.name} -> ${store}: ${allowed(policies, pod(from.metadata.name), pod(store), port)}`).toBe(`${from.metadata.name} -> ${store}: ${names.has(store)}`);
      }
    }
    expect(allowed(policies, pod('temporal-setup'), pod('temporal'), 7233)).toBe(true);
  });

  it('only the ingress controller reaches the gateway, so the gateway trusts exactly one proxy hop', () => {
    const gatewayConfig = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'gateway-config')!;
    expect(gatewayConfig.data!.TRUST_PROXY).toBe('1');
    const admitted = pods.concat([ingressController, stranger]).filter((p) => p.name !== 'gateway' && allowed(policies, p, pod('gateway'), httpPort('gateway')));
    expect(admitted.map((p) => p.name)).toEqual([ingressController.name]);
  });

  it('only the ingress controller reaches the gateway; nothing outside reaches the other units', () => {
    expect(allowed(policies, ingressController, pod('gateway'), httpPort('gateway'))).toBe(true);
    expect(allowed(policies, stranger, pod('gateway'), httpPort('gateway'))).toBe(false);
    for (const d of apps.filter((a) => a.metadata.name !== 'gateway')) {
      expect(`${d.metadata.name}: ${allowed(policies, ingressController, pod(d.metadata.name), httpPort(d.metadata.name))}`).toBe(`${d.metadata.name}: false`);
    }
    const ui = envName === 'kind' ? ['temporal', 8233] : ['temporal-ui', 8233];
    expect(allowed(policies, ingressController, pod(ui[0] as string), ui[1] as number)).toBe(true);
    expect(allowed(policies, stranger, pod('postgres'), 5432)).toBe(false);
  });

  it('every pod may resolve names (DNS in kube-system)', () => {
    const dns: Pod = { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    const udp = policies.filter((p) => p.spec.policyTypes.includes('Egress') && p.spec.egress?.some((r: any) => r.ports?.some((x: any) => x.port === 53 && x.protocol === 'UDP')));
    for (const p of pods) expect(udp.some((pol) => matches(pol.spec.podSelector, p.labels))).toBe(true);
    expect(allowed(policies, pod('gateway'), dns, 53)).toBe(true);
  });
});
