/**
 * The Helm chart renders the same objects as the plain production manifests:
 * the chart is made the way `npm run synth:helm` makes it (the cdk8s CLI's
 * helm format, then values.yaml), rendered by a real `helm template` with its
 * default values, and compared object by object. The one designed difference:
 * the Namespace object, which Helm leaves to `--create-namespace`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { completeHelmChart, HELM_CHART_NAME } from '../../cdk8s/helm-chart';
import { objectsOf, type Obj } from './manifests';

const ROOT = path.resolve(__dirname, '../..');
const HELM = path.join(ROOT, '.tools', 'bin', 'helm');
const CDK8S = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('Helm chart', () => {
  let dir = '';
  let chart = '';

  beforeAll(() => {
    if (!fs.existsSync(HELM)) throw new Error(`${HELM} is missing: devstack/install-tools.sh builds it (npm test runs it)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketing-helm-'));
    chart = path.join(dir, HELM_CHART_NAME);
    // The real CLI path of `npm run synth:helm` (it runs dist/cdk8s/main.js, built before the tests).
    execFileSync(process.execPath, [CDK8S, 'synth', '--format', 'helm', '--chart-version', '0.1.0', '--output', chart], {
      cwd: ROOT,
      env: { ...process.env, TICKETING_HELM: '1' },
      stdio: 'pipe',
    });
    completeHelmChart(chart);
  }, 60_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function template(...args: string[]): Obj[] {
    const out = execFileSync(HELM, ['template', 'ticketing', chart, '--namespace', 'ticketing', ...args], { encoding: 'utf8' });
    return YAML.parseAllDocuments(out)
      .map((d) => d.toJSON() as Obj | null)
      .filter((o): o is Obj => Boolean(o));
  }

  it('passes helm lint', () => {
    expect(() => execFileSync(HELM, ['lint', chart], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });

  it('renders, with its default values, exactly the plain production objects (but the Namespace)', () => {
    const rendered = template();
    const plain = objectsOf('production').filter((o) => o.kind !== 'Namespace');
    expect(rendered.map(key).sort()).toEqual(plain.map(key).sort());
    const byKey = new Map(rendered.map((o) => [key(o), o]));
    for (const o of plain) expect(byKey.get(key(o))).toEqual(o);
  });

  it('takes its documented values: image, ingress host and class, release namespace', () => {
    const values = YAML.parse(fs.readFileSync(path.join(chart, 'values.yaml'), 'utf8'));
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
