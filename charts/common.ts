/**
 * Pieces every chart shares: labels, resource sizes, and the PDB and
 * NetworkPolicy shapes (as plain k8s objects: cdk8s-plus-27 has no PDB, and
 * its network-policy helpers name objects by hash, which hides who may talk to whom).
 */
import { Size, type ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { Environment } from './environment';
import type { Resources } from './units';

export const PART_OF = 'ticketing';

export function unitLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': PART_OF };
}

/** The selector of a unit's pods: the name label alone, so NetworkPolicies can name peers. */
export function unitSelector(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name };
}

export function chartProps(env: Environment): ChartProps {
  return { namespace: env.namespace, labels: { 'app.kubernetes.io/part-of': PART_OF, 'ticketing/environment': env.name } };
}

export function containerResources(r: Resources): kplus.ContainerResources {
  return {
    cpu: { request: kplus.Cpu.millis(r.cpu.requestMillis), limit: kplus.Cpu.millis(r.cpu.limitMillis) },
    memory: { request: Size.mebibytes(r.memoryMi.request), limit: Size.mebibytes(r.memoryMi.limit) },
  };
}

export function podDisruptionBudget(scope: Construct, name: string): void {
  // maxUnavailable (not minAvailable): a single-replica unit can still be drained.
  new kplus.k8s.KubePodDisruptionBudget(scope, 'pdb', {
    metadata: { name },
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: unitSelector(name) } },
  });
}

export interface Peer {
  /** A unit in this namespace (its name label), or pods in another namespace. */
  unit?: string;
  namespace?: string;
  /** Anywhere (an address block): the Kubernetes API, an SMTP relay. */
  cidr?: string;
}

export interface Route {
  peer: Peer;
  /** Empty: every port. */
  ports: { port: number; protocol?: 'TCP' | 'UDP' }[];
}

function peerOf(p: Peer): kplus.k8s.NetworkPolicyPeer {
  if (p.cidr) return { ipBlock: { cidr: p.cidr } };
  if (p.namespace) {
    return {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } },
      ...(p.unit ? { podSelector: { matchLabels: p.unit.includes('=') ? Object.fromEntries([p.unit.split('=') as [string, string]]) : unitSelector(p.unit) } } : {}),
    };
  }
  return { podSelector: { matchLabels: unitSelector(p.unit!) } };
}

const portsOf = (r: Route): kplus.k8s.NetworkPolicyPort[] =>
  r.ports.map((p) => ({ port: kplus.k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' }));

/**
 * The routes of one unit: who may connect to it, and where it may connect
 * (DNS is allowed for every pod by the namespace's base policy).
 */
export function networkPolicy(scope: Construct, name: string, ingress: Route[], egress: Route[]): void {
  new kplus.k8s.KubeNetworkPolicy(scope, 'network-policy', {
    metadata: { name },
    spec: {
      podSelector: { matchLabels: unitSelector(name) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: ingress.map((r) => ({ from: [peerOf(r.peer)], ...(r.ports.length ? { ports: portsOf(r) } : {}) })),
      egress: egress.map((r) => ({ to: [peerOf(r.peer)], ...(r.ports.length ? { ports: portsOf(r) } : {}) })),
    },
  });
}

/** Non-root, no privilege escalation, read-only root file system. */
export const RESTRICTED: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
};

/**
 * What PodSecurity "restricted" (enforced on the namespace: platform-chart.ts)
 * asks beyond non-root and no privilege escalation: the runtime's default
 * seccomp profile for the pod, and no Linux capability in any container. A
 * real API server refuses a Pod without them (test/k8s/admission.test.ts).
 * cdk8s-plus-27 models neither (its Capability names carry a CAP_ prefix
 * Kubernetes does not use), so app units get them by JSON patch (app-unit-chart.ts).
 */
export const RESTRICTED_POD: kplus.k8s.PodSecurityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
export const RESTRICTED_CONTAINER: kplus.k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  privileged: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

/** The namespace's Pod Security Admission labels: refuse (enforce), warn and audit anything short of "restricted". */
export const POD_SECURITY_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
} as const;
