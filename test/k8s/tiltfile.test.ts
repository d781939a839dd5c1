/**
 * The Tiltfile, evaluated twice. Tilt itself (v0.34.0, built from its Go
 * module by devstack/go-tools/build.sh tilt) runs `tilt alpha
 * tiltfile-result` on it; tiltfile-check (the Starlark interpreter and dialect
 * Tilt uses, the Tiltfile API it calls, Tilt's grouping of objects into
 * resources) runs it too, with its local() fed the kind manifests the charts
 * synthesize, and answers in a shape the checks below read. What it declares
 * is checked against the charts (the resources, their dependency order, port
 * forwards and live-update rules), and Tilt's own result is checked to agree
 * with it. Tiltfiles with a planted mistake show both refusing what they must.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../cdk8s/app';
import { SERVICE_PORTS } from '../../contracts/platform';
import { KIND } from '../../charts/environment';
import { deployedUnits, unitEnv } from '../../charts/service-env';
import { REPO_ROOT } from '../../services/shared/repo-root';
import { find, objectsOf } from './manifests';

const EVALUATOR = path.join(REPO_ROOT, '.tools', 'bin', 'tiltfile-check');
const TILT = path.join(REPO_ROOT, '.tools', 'bin', 'tilt');
const CONTEXT = 'kind-ticketing';
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job'];

interface Step { step: 'fall_back_on' | 'sync' | 'run'; paths?: string[]; local?: string; remote?: string; command?: string; triggers?: string[] }
interface TiltResult {
  allow_k8s_contexts: string[];
  watch_files: string[];
  local_commands: string[];
  images: { ref: string; target?: string; only?: string[]; live_update: Step[] }[];
  resources: { name: string; workload?: string; objects: string[]; images?: string[]; resource_deps?: string[]; port_forwards?: { local: number; container: number }[] }[];
  object_count: number;
  warnings: string[];
}

let tmp = '';
let manifests = '';
/** The kind manifests the charts synthesize, one file per chart (what `npm run synth` writes to dist/manifests/kind). */
let synthDir = '';

/** Runs the evaluator on a Tiltfile, its local() synth stubbed with the kind manifests. */
function evaluate(tiltfile: string, context = CONTEXT) {
  if (!fs.existsSync(EVALUATOR)) throw new Error(`${EVALUATOR} is missing: devstack/go-tools/build.sh tiltfile-check builds it (npm test does)`);
  const r = spawnSync(EVALUATOR, ['-f', tiltfile, '--context', context, '--no-exec', '--stub-local', `npm run --silent synth=${manifests}`], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, result: r.status === 0 ? (JSON.parse(r.stdout) as TiltResult) : undefined };
}

/** A Tiltfile with `text` in a folder that mirrors the repository (symlinks, but for `except`), so its paths resolve as in the real one. */
function mirrorWith(text: string, except: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'mirror-'));
  for (const entry of fs.readdirSync(REPO_ROOT)) if (![...except, 'Tiltfile', '.git'].includes(entry)) fs.symlinkSync(path.join(REPO_ROOT, entry), path.join(dir, entry));
  fs.writeFileSync(path.join(dir, 'Tiltfile'), text);
  return path.join(dir, 'Tiltfile');
}

let tilt: TiltResult;
const resource = (name: string) => tilt.resources.find((r) => r.name === name)!;
/** Every resource `name` waits for, directly or through others. */
function dependencies(name: string, seen = new Set<string>()): Set<string> {
  for (const d of resource(name).resource_deps ?? []) if (!seen.has(d)) dependencies(d, seen.add(d));
  return seen;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketing-tiltfile-'));
  // What the Tiltfile's local() prints: `npm run synth`'s kind files, in order, each followed by ---.
  const out = (synthDir = path.join(tmp, 'synth'));
  buildApp(KIND, out).synth();
  manifests = path.join(tmp, 'kind-manifests.yaml');
  fs.writeFileSync(manifests, fs.readdirSync(out).sort().map((f) => `${fs.readFileSync(path.join(out, f), 'utf8')}---\n`).join(''));
  const r = evaluate(path.join(REPO_ROOT, 'Tiltfile'));
  if (!r.result) throw new Error(`tiltfile-check refused the Tiltfile (exit ${r.code}):\n${r.stderr}`);
  tilt = r.result;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the Tiltfile, evaluated', () => {
  const objects = objectsOf('kind');
  const workloads = objects.filter((o) => WORKLOAD_KINDS.includes(o.kind)).map((o) => o.metadata.name);

  it('runs only against the kind cluster it allows', () => {
    expect(tilt.allow_k8s_contexts).toEqual([CONTEXT]);
    const elsewhere = evaluate(path.join(REPO_ROOT, 'Tiltfile'), 'prod-cluster');
    expect(elsewhere.code).toBe(5);
    expect(elsewhere.stderr).toMatch(/"prod-cluster" is neither a local cluster nor in allow_k8s_contexts/);
  });

  it('re-synthesizes the manifests when the charts, the app entry, the CRD or the config contract change', () => {
    expect(tilt.local_commands).toEqual([expect.stringMatching(/^npm run --silent synth /)]);
    for (const watched of ['charts', 'cdk8s', 'contracts', 'services/shared/config.ts', 'services/operator/crd.ts']) expect(tilt.watch_files).toContain(watched);
  });

  it('makes one resource per workload and puts every other object in exactly one resource', () => {
    expect(tilt.resources.map((r) => r.name).sort()).toEqual([...workloads, 'cluster-setup'].sort());
    const claimed = tilt.resources.flatMap((r) => r.objects);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed).toHaveLength(objects.length);
    expect(tilt.object_count).toBe(objects.length);
    // What every workload needs first: the namespace, the CRD, the Secrets.
    expect(resource('cluster-setup').objects).toEqual(
      expect.arrayContaining(['ticketing:namespace', 'eventsales.ticketing.example.com:customresourcedefinition', 'ticketing-secrets:secret:ticketing']),
    );
    expect(tilt.warnings).toEqual([]);
  });

  it('starts each unit after the cluster set-up and the stores and Temporal set-up its configuration names', () => {
    for (const name of workloads) expect([name, [...dependencies(name)].includes('cluster-setup')]).toEqual([name, true]);
    expect(dependencies('temporal-setup')).toContain('temporal');
    // kind's Temporal is the dev server on its own volume: waiting for PostgreSQL would only hide a missing dependency of the units.
    expect(KIND.temporal).toBe('dev-server');
    expect([...dependencies('temporal')]).toEqual(['cluster-setup']);
    for (const unit of deployedUnits(KIND)) {
      const needs = [...unitEnv(unit, KIND).dependsOn].flatMap((d) => (d === 'temporal' ? ['temporal-setup'] : d === 'postgres' || d === 'redis' ? [d] : []));
      expect([unit.name, [...dependencies(unit.name)].filter((d) => needs.includes(d)).sort()]).toEqual([unit.name, needs.sort()]);
    }
  });

  it('forwards the gateway and the Temporal UI from the ports the README names to those the pods listen on', () => {
    expect(tilt.resources.filter((r) => r.port_forwards?.length).map((r) => r.name).sort()).toEqual(['gateway', 'temporal']);
    const gateway = find(objects, 'Deployment', 'gateway').spec.template.spec.containers[0].ports[0].containerPort;
    expect(resource('gateway').port_forwards).toEqual([{ local: SERVICE_PORTS.gateway, container: gateway }]);
    const ui = find(objects, 'StatefulSet', 'temporal').spec.template.spec.containers[0].ports.find((p: { name: string }) => p.name === 'ui').containerPort;
    expect(resource('temporal').port_forwards).toEqual([{ local: 8233, container: ui }]);
  });

  it('live-updates the one image every app workload runs: package changes rebuild it, sources sync into /app and recompile there (the web app by Vite)', () => {
    const repository = KIND.image.split(':')[0]!;
    expect(tilt.images.map((i) => [i.ref, i.target])).toEqual([[repository, 'dev']]);
    const appWorkloads = objects.filter((o) => o.kind === 'Deployment' && o.spec.template.spec.containers[0].image === KIND.image);
    expect(tilt.resources.filter((r) => r.images?.includes(repository)).map((r) => r.name).sort()).toEqual(appWorkloads.map((o) => o.metadata.name).sort());

    const steps = tilt.images[0]!.live_update;
    expect(steps[0]).toMatchObject({ step: 'fall_back_on', paths: expect.arrayContaining(['package.json', 'package-lock.json']) });
    const syncs = steps.filter((s) => s.step === 'sync');
    const compiled = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include;
    const workdir = dockerWorkdir('dev');
    // Every synced folder is compiled there: by tsc, or web/ by Vite (the web app, served by the gateway from dist/web).
    for (const s of syncs) {
      expect([...compiled, 'web']).toContain(s.local);
      expect(s.remote).toBe(`${workdir}/${s.local}`);
    }
    const runs = steps.filter((s) => s.step === 'run');
    expect(runs).toHaveLength(2);
    const [run, web] = [runs.find((r) => /tsc -p tsconfig\.build\.json/.test(r.command!))!, runs.find((r) => /npm run --silent web:build/.test(r.command!))!];
    expect(run.command).toMatch(/node dist\/services\/worker\/bundle\.js/);
    expect(run.triggers!.sort()).toEqual(syncs.map((s) => s.local!).filter((l) => compiled.includes(l)).sort());
    // The web app takes the API's types and the availability codec from contracts/: a change there rebuilds it too.
    expect(web.triggers!.sort()).toEqual(['contracts', 'web']);
    expect(syncs.map((s) => s.local)).toContain('web');
    // The synced dist/ reaches the running process only if node restarts on it and the container may be written.
    for (const o of appWorkloads) {
      const c = o.spec.template.spec.containers[0];
      expect([o.metadata.name, c.command.slice(0, 2), c.securityContext.readOnlyRootFilesystem]).toEqual([o.metadata.name, ['node', '--watch'], false]);
    }
  });
});

describe('a Tiltfile with a planted mistake is refused, as Tilt would refuse it', () => {
  const real = () => fs.readFileSync(path.join(REPO_ROOT, 'Tiltfile'), 'utf8');
  const PLANTS: [string, [string, string], RegExp][] = [
    ['a workload that does not exist', ["k8s_resource('redis',", "k8s_resource('rediss',"], /no workload named "rediss"/],
    ['a dependency on an unknown resource', ["resource_deps=['cluster-setup'], port_forwards", "resource_deps=['cluster-setupp'], port_forwards"], /depends on unknown resource "cluster-setupp"/],
    ['a dependency cycle', ["k8s_resource('postgres', resource_deps=['cluster-setup']", "k8s_resource('postgres', resource_deps=['worker']"], /cycle: postgres -> worker -> postgres/],
    ['a sync of a folder the build does not send', ["sync('contracts', '/app/contracts'),", "sync('test', '/app/test'),"], /"test" is not in only=/],
    ['a relative container path', ["sync('services', '/app/services'),", "sync('services', 'app/services'),"], /container path must be absolute/],
    ['live_update steps out of order', ['        fall_back_on([', "        run('true'), fall_back_on(["], /fall_back_on after a later kind of step/],
    ['an argument Tilt does not take', ['quiet=True,', 'quiet=True, silent=True,'], /unexpected keyword argument "silent"/],
  ];

  it.each(PLANTS)('%s', (_what, [from, to], message) => {
    const text = real();
    expect(text).toContain(from);
    const r = evaluate(mirrorWith(text.replace(from, to)));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(message);
  });
});

/** What `tilt alpha tiltfile-result` prints, the part read here (Tilt's TiltfileLoadResult as JSON). */
interface TiltLoad {
  Manifests: {
    Name: string;
    ResourceDependencies: string[] | null;
    ImageTargets: {
      selector: string;
      BuildDetails: { target?: string };
      LiveUpdateSpec?: { stopPaths?: string[]; syncs?: { localPath: string; containerPath: string }[]; execs?: { args: string[]; triggerPaths?: string[] }[] };
    }[];
    DeployTarget: { yaml?: string; portForwardTemplateSpec?: { forwards: { localPort: number; containerPort: number }[] } } | null;
  }[];
}

/**
 * Tilt itself on the Tiltfile, in a copy of the repository (symlinks) whose dist/manifests/kind holds
 * the manifests synthesized above and whose `npm` does nothing: the Tiltfile's local() then reads
 * those files, and nothing rewrites the dist/ that other test files run from.
 */
function runTilt(tiltfile = fs.readFileSync(path.join(REPO_ROOT, 'Tiltfile'), 'utf8')) {
  if (!fs.existsSync(TILT)) throw new Error(`${TILT} is missing: devstack/go-tools/build.sh tilt builds it (npm test does)`);
  const dir = path.dirname(mirrorWith(tiltfile, ['dist']));
  fs.cpSync(synthDir, path.join(dir, 'dist', 'manifests', 'kind'), { recursive: true });
  fs.mkdirSync(path.join(dir, '.stub-bin'));
  fs.writeFileSync(path.join(dir, '.stub-bin', 'npm'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const env = { ...process.env, PATH: `${path.join(dir, '.stub-bin')}:${process.env.PATH}`, HOME: dir, KUBECONFIG: path.join(dir, 'no-kubeconfig') };
  const r = spawnSync(TILT, ['alpha', 'tiltfile-result', '-f', path.join(dir, 'Tiltfile')], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stderr: r.stderr, result: r.status === 0 ? (JSON.parse(r.stdout) as TiltLoad) : undefined };
}

describe('Tilt itself (v0.34.0, built from its Go module) evaluates the Tiltfile', () => {
  let load: TiltLoad;
  beforeAll(() => {
    const r = runTilt();
    if (!r.result) throw new Error(`tilt refused the Tiltfile (exit ${r.code}):\n${r.stderr}`);
    load = r.result;
  });
  const manifest = (name: string) => load.Manifests.find((m) => m.Name === name)!;

  it('to the resources, dependencies, port forwards and objects checked against the charts above', () => {
    expect(load.Manifests.map((m) => m.Name).sort()).toEqual(tilt.resources.map((r) => r.name).sort());
    for (const r of tilt.resources) {
      const m = manifest(r.name);
      expect([r.name, [...(m.ResourceDependencies ?? [])].sort()]).toEqual([r.name, [...(r.resource_deps ?? [])].sort()]);
      const forwards = (m.DeployTarget?.portForwardTemplateSpec?.forwards ?? []).map((f) => ({ local: f.localPort, container: f.containerPort }));
      expect([r.name, forwards]).toEqual([r.name, r.port_forwards ?? []]);
      const deployed = (m.DeployTarget?.yaml ?? '').split(/^---$/m).filter((doc) => /^kind: /m.test(doc));
      expect([r.name, deployed.length]).toEqual([r.name, r.objects.length]);
    }
  });

  it('to the same live update of the one app image', () => {
    const image = tilt.images[0]!;
    const withImage = load.Manifests.filter((m) => m.ImageTargets.length > 0);
    expect(withImage.map((m) => m.Name).sort()).toEqual(tilt.resources.filter((r) => r.images?.includes(image.ref)).map((r) => r.name).sort());
    for (const m of withImage) {
      const [target] = m.ImageTargets;
      expect([m.Name, target!.selector, target!.BuildDetails.target]).toEqual([m.Name, image.ref, image.target]);
      const spec = target!.LiveUpdateSpec!;
      expect(spec.stopPaths).toEqual(image.live_update.find((s) => s.step === 'fall_back_on')!.paths);
      expect(spec.syncs!.map((s) => ({ local: s.localPath, remote: s.containerPath }))).toEqual(
        image.live_update.filter((s) => s.step === 'sync').map((s) => ({ local: s.local, remote: s.remote })),
      );
      expect(spec.execs!.map((e) => ({ command: e.args.at(-1), triggers: [...(e.triggerPaths ?? [])].sort() }))).toEqual(
        image.live_update.filter((s) => s.step === 'run').map((s) => ({ command: s.command, triggers: [...(s.triggers ?? [])].sort() })),
      );
    }
  });

  it('refuses a k8s_resource for a workload that does not exist', () => {
    const real = fs.readFileSync(path.join(REPO_ROOT, 'Tiltfile'), 'utf8');
    expect(real).toContain("k8s_resource('redis',");
    const r = runTilt(real.replace("k8s_resource('redis',", "k8s_resource('rediss',"));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/k8s_resource specified unknown resource "rediss"/);
  });
});

/** The WORKDIR of a Dockerfile stage (following its FROM chain). */
function dockerWorkdir(stage: string): string {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const stages = new Map<string, { from: string; workdir?: string }>();
  let current = '';
  for (const line of text.split('\n')) {
    const from = /^FROM (\S+)(?: AS (\S+))?/.exec(line);
    if (from) stages.set((current = from[2] ?? from[1]!), { from: from[1]! });
    const workdir = /^WORKDIR (\S+)/.exec(line);
    if (workdir) stages.get(current)!.workdir = workdir[1]!;
  }
  for (let s = stages.get(stage); s; s = stages.get(s.from)) if (s.workdir) return s.workdir;
  throw new Error(`Dockerfile: stage ${stage} has no WORKDIR`);
}
