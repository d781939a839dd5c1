/**
 * Every manifest through a real API server's admission (Kubernetes 1.29.15,
 * test/support/kube.ts): the kind and production environments and the Helm
 * chart's `helm template` output, applied server-side as a dry run into a
 * namespace that enforces Pod Security "restricted" (for kind and production:
 * the charts' own Namespace object). The server applies its defaulting, field
 * validation, CRD schemas and PodSecurity; every object must be accepted with
 * no warning. PodSecurity only warns about a workload's pod template, so each
 * template is also dry-run as a bare Pod, which it refuses outright.
 */
import { POD_SECURITY_LABELS } from '../../charts/common';
import { synthHelmChart, type HelmChart } from './helm-chart';
import { find, intoNamespace, objectsOf, type Obj } from './manifests';
import { createNamespace, getObject, kubeServer, serverSideApply, type KubeServer } from '../support/kube';
import { installEventSaleCrd } from './operator-harness';

jest.setTimeout(120_000);

/**
 * A workload's pod template as the Pod its controller would create: named after
 * the workload, with the claims a StatefulSet adds for its volumeClaimTemplates.
 */
function asBarePod(o: Obj): Obj {
  const spec = structuredClone(o.spec.template.spec);
  for (const claim of o.spec.volumeClaimTemplates ?? []) {
    spec.volumes = [...(spec.volumes ?? []), { name: claim.metadata.name, persistentVolumeClaim: { claimName: `${claim.metadata.name}-${o.metadata.name}-0` } }];
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${o.kind.toLowerCase()}-${o.metadata.name}`, namespace: o.metadata.namespace, labels: o.spec.template.metadata?.labels },
    spec,
  };
}

const hasPodTemplate = (o: Obj) => Boolean(o.spec?.template?.spec?.containers);

let k: KubeServer;

beforeAll(async () => {
  k = await kubeServer();
  // For real: the CRD is what the server checks the environments' EventSale objects against.
  await installEventSaleCrd(k);
});

describe.each(['kind', 'production'] as const)('the %s environment', (env) => {
  let ns = '';

  beforeAll(async () => {
    // The environment's own Namespace object (renamed: names are never reused on this server), applied for real.
    const namespace = structuredClone(find(objectsOf(env), 'Namespace', 'ticketing'));
    namespace.metadata.name = `${env}-${Date.now().toString(36)}`;
    const r = await serverSideApply(k, [namespace], { dryRun: false });
    expect(r.errors).toEqual([]);
    ns = namespace.metadata.name;
  });

  it('has a Namespace that enforces, warns and audits Pod Security "restricted"', async () => {
    const created = await getObject(k, ['namespace', ns]);
    expect(created.metadata.labels).toMatchObject(POD_SECURITY_LABELS);
  });

  it('is accepted object by object by a server-side apply dry run, with no warning', async () => {
    const objects = intoNamespace(objectsOf(env), ns);
    const r = await serverSideApply(k, objects, { dryRun: true });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.applied).toHaveLength(objects.length);
  });

  it('has pod templates that Pod Security "restricted" admits as bare Pods', async () => {
    const pods = intoNamespace(objectsOf(env), ns).filter(hasPodTemplate).map(asBarePod);
    expect(pods.length).toBeGreaterThan(10);
    const r = await serverSideApply(k, pods, { dryRun: true });
    expect(r.errors).toEqual([]);
    expect(r.applied).toHaveLength(pods.length);
  });
});

describe("the Helm chart's rendered output", () => {
  let chart: HelmChart;
  let ns = '';

  beforeAll(async () => {
    chart = synthHelmChart();
    // `helm install --create-namespace` makes a bare namespace: charts/README.md says to label it so.
    ns = await createNamespace(k, 'helm', POD_SECURITY_LABELS);
  });
  afterAll(() => chart?.remove());

  it('is accepted by a server-side apply dry run with no warning, its pod templates as bare Pods too', async () => {
    const objects = chart.template('--namespace', ns);
    const r = await serverSideApply(k, objects, { dryRun: true });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.applied).toHaveLength(objects.length);
    const pods = await serverSideApply(k, objects.filter(hasPodTemplate).map(asBarePod), { dryRun: true });
    expect(pods.errors).toEqual([]);
  });

  it('upgrades to a new application image without touching an immutable field', async () => {
    // Installed for real, then the next release applied over it (Jobs, StatefulSets' claims and selectors must not change).
    const installed = await serverSideApply(k, chart.template('--namespace', ns), { dryRun: false });
    expect(installed.errors).toEqual([]);
    const upgrade = chart.template('--namespace', ns, '--set', 'image.tag=0.2.0');
    const r = await serverSideApply(k, upgrade, { dryRun: true });
    expect(r.errors).toEqual([]);
    expect(r.applied).toHaveLength(upgrade.length);
  });
});

describe('a planted non-compliant pod spec', () => {
  let ns = '';
  beforeAll(async () => {
    ns = await createNamespace(k, 'planted', POD_SECURITY_LABELS);
  });

  const gateway = () => intoNamespace([find(objectsOf('production'), 'Deployment', 'gateway')], ns)[0]!;
  const PLANTS: [string, (pod: any) => void, RegExp][] = [
    ['privilege escalation allowed', (p) => (p.containers[0].securityContext.allowPrivilegeEscalation = true), /allowPrivilegeEscalation != false/],
    ['capabilities kept', (p) => delete p.containers[0].securityContext.capabilities, /unrestricted capabilities/],
    ['no seccomp profile', (p) => delete p.securityContext.seccompProfile, /seccompProfile/],
    ['root allowed', (p) => {
      delete p.securityContext.runAsNonRoot;
      delete p.containers[0].securityContext.runAsNonRoot;
    }, /runAsNonRoot != true/],
  ];

  it.each(PLANTS)('(%s) is refused as a Pod, and warned about in a Deployment', async (_what, plant, message) => {
    const deployment = gateway();
    plant(deployment.spec.template.spec);
    const pod = await serverSideApply(k, [asBarePod(deployment)], { dryRun: true });
    expect(pod.applied).toEqual([]);
    expect(pod.errors.join('\n')).toMatch(/forbidden: violates PodSecurity "restricted:latest"/);
    expect(pod.errors.join('\n')).toMatch(message);
    const workload = await serverSideApply(k, [deployment], { dryRun: true });
    expect(workload.applied).toEqual(['deployment.apps/gateway']);
    expect(workload.warnings).toEqual([{ object: 'deployment.apps/gateway', warning: expect.stringMatching(message) }]);
  });
});
