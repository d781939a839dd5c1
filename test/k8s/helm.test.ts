/**
 * The Helm chart renders the same objects as the plain production manifests:
 * the chart is made the way `npm run synth:helm` makes it (the cdk8s CLI's
 * helm format, then values.yaml), rendered by a real `helm template` with its
 * default values, and compared object by object. The one designed difference:
 * the Namespace object, which Helm leaves to `--create-namespace`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { HELM, synthHelmChart, type HelmChart } from './helm-chart';
import { objectsOf, type Obj } from './manifests';

const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('Helm chart', () => {
  let chart: HelmChart;

  beforeAll(() => {
    chart = synthHelmChart();
  }, 60_000);

  afterAll(() => chart?.remove());

  const template = (...args: string[]) => chart.template(...args);

  it('passes helm lint', () => {
    expect(() => execFileSync(HELM, ['lint', chart.dir], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });

  it('renders, with its default values, exactly the plain production objects (but the Namespace)', () => {
    const rendered = template();
    const plain = objectsOf('production').filter((o) => o.kind !== 'Namespace');
    expect(rendered.map(key).sort()).toEqual(plain.map(key).sort());
    const byKey = new Map(rendered.map((o) => [key(o), o]));
    for (const o of plain) expect(byKey.get(key(o))).toEqual(o);
  });

  it('takes its documented values: image, ingress host and class, release namespace', () => {
    const values = YAML.parse(fs.readFileSync(path.join(chart.dir, 'values.yaml'), 'utf8'));
    expect(Object.keys(values).sort()).toEqual(['image', 'ingress']);
    const rendered = template(
      '--namespace', 'tickets-staging',
      '--set', 'image.repository=registry.test/app,image.tag=1.2.3,image.pullPolicy=Always',
      '--set', 'ingress.host=staging.test,ingress.className=internal',
    );
    const gateway = rendered.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gateway')!;
    expect(gateway.metadata.namespace).toBe('tickets-staging');
    expect(gateway.spec.template.spec.containers[0]).toMatchObject({ image: 'registry.test/app:1.2.3', imagePullPolicy: 'Always' });
    const ingress = rendered.find((o) => o.kind === 'Ingress' && o.metadata.name === 'gateway')!;
    expect(ingress.spec).toMatchObject({ ingressClassName: 'internal', rules: [{ host: 'staging.test' }] });
    const config = rendered.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'gateway-config')!;
    expect(config.data).toMatchObject({ PUBLIC_URL: 'https://staging.test' });
    const binding = rendered.find((o) => o.kind === 'RoleBinding' && o.metadata.name === 'operator')!;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'operator', namespace: 'tickets-staging' }]);
    // No Secret is rendered: production reads existing ones.
    expect(rendered.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});
