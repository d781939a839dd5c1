/**
 * What can be checked here of the kind dev loop without Docker or a cluster:
 * the Dockerfile and the kind config agree with the manifests (the entry
 * points the image contains, the Kubernetes version of the node image). The
 * Tiltfile is evaluated in tiltfile.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { deployments, entryOf, objectsOf } from './manifests';

const ROOT = path.resolve(__dirname, '../..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map((m) => ({ image: m[1]!, name: m[2] }));

  it('is multi-stage on node:20-slim, the runtime stage last, non-root, without dev dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages.at(-1)!.name).toBe('runtime');
    for (const s of stages) expect(['node:20-slim', 'build']).toContain(s.image);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toContain('COPY --from=deps /app/node_modules node_modules');
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(runtime).not.toMatch(/COPY (services|workflows|activities) /);
  });

  it('copies every source folder the build compiles', () => {
    const include = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
    for (const dir of include) expect(dockerfile).toContain(`COPY ${dir} ${dir}`);
  });

  it('copies web/ (the app the gateway serves at /), and Tilt sends it in the build context', () => {
    expect(dockerfile).toMatch(/^COPY web web\nRUN npm run build$/m);
    const only = /only=\[([^\]]*)\]/.exec(read('Tiltfile'))![1]!;
    for (const dir of [...dockerfile.matchAll(/^COPY (?!--)(\S+) /gm)].map((m) => m[1]!)) expect(only).toContain(`'${dir}'`);
  });

  it('keeps the build context small', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const heavy of ['node_modules', 'dist', '.tools', '.data', '.git']) expect(ignored).toContain(heavy);
  });

  it('contains every entry point the manifests run (built from the folders it copies)', () => {
    for (const d of deployments(objectsOf('production')).filter((x) => x.spec.template.spec.containers[0].command?.[0] === 'node')) {
      const entry = entryOf(d.spec.template.spec.containers[0])!;
      const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(dockerfile).toContain(`COPY ${source.split('/')[0]} `);
      expect(fs.existsSync(path.join(ROOT, source))).toBe(true);
    }
  });
});

describe('kind cluster config', () => {
  const config = YAML.parse(read('cdk8s/kind-cluster.yaml'));

  it('runs Kubernetes 1.27 (the version the manifests are validated against) and maps the ingress ports', () => {
    expect(config.nodes[0].image).toMatch(/^kindest\/node:v1\.27\./);
    expect(config.nodes[0].extraPortMappings.map((m: { hostPort: number }) => m.hostPort)).toEqual([80, 443]);
    expect(config.nodes[0].kubeadmConfigPatches.join('\n')).toContain('ingress-ready=true');
  });
});

describe('charts/README.md', () => {
  it('lists every Secret key the production Deployments reference', () => {
    const readme = read('charts/README.md');
    const refs = new Set<string>();
    for (const d of deployments(objectsOf('production'))) {
      for (const c of d.spec.template.spec.containers) {
        for (const v of c.env ?? []) if (v.valueFrom?.secretKeyRef) refs.add(`${v.valueFrom.secretKeyRef.name}:${v.valueFrom.secretKeyRef.key}`);
      }
    }
    expect(refs.size).toBeGreaterThan(5);
    const rows = new Map(
      readme
        .split('\n')
        .map((l) => [/^\| `([\w-]+)` \|/.exec(l)?.[1], l] as const)
        .filter((r): r is readonly [string, string] => Boolean(r[0])),
    );
    const missing = [...refs].filter((r) => {
      const [secret, key] = r.split(':');
      return !rows.get(secret!)?.includes(`\`${key}\``);
    });
    expect(missing).toEqual([]);
  });
});
