/**
 * The k8s tests' Kubernetes API server and kubectl (v1.29.15, devstack/go-tools).
 * One API server per jest run: the first test file that asks starts it
 * (devstack/infra/kube.ts; a file lock keeps two jest workers from starting it
 * twice), the others reuse it, the global teardown stops it. Each test file
 * works in namespaces of its own: without a controller-manager a namespace
 * never finishes deleting, so names are never reused.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startKube, TEST_INFRA_OPTIONS, TOOLS, type KubeServer } from '../../devstack/infra';
import { acquireFileLock, releaseFileLock } from '../infra-lock';

export type { KubeServer };

let server: Promise<KubeServer> | undefined;

export function kubeServer(): Promise<KubeServer> {
  server ??= (async () => {
    const lock = path.join(TEST_INFRA_OPTIONS.dataDir, 'kube', 'start.lock');
    await acquireFileLock(lock, 3 * 60_000);
    try {
      const started = Date.now();
      let starting = false;
      // Only the file that starts it says so; the others find it running.
      const k = await startKube(TEST_INFRA_OPTIONS, (l) => {
        if (/already running/.test(l)) return;
        starting = true;
        console.log(`[test-kube] ${l}`);
      });
      if (starting) console.log(`[test-kube] API server ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      return k;
    } finally {
      releaseFileLock(lock);
    }
  })();
  return server;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  /** stderr, or with `merged` stdout and stderr interleaved as printed (a warning precedes the object it is about). */
  stderr: string;
}

export interface KubectlOptions {
  input?: string;
  /** Another identity than the admin's: a kubeconfig file (e.g. a ServiceAccount's). */
  kubeconfig?: string;
  /** One stream for both outputs, in the order kubectl wrote them (in `stdout`). */
  merged?: boolean;
  /** Resolve on a non-zero exit instead of throwing. */
  allowFailure?: boolean;
}

export function kubectl(k: KubeServer, args: string[], o: KubectlOptions = {}): Promise<KubectlResult> {
  const argv = ['--kubeconfig', o.kubeconfig ?? k.kubeconfig, ...args];
  // kubectl writes warnings to stderr and results to stdout, unbuffered: one pipe keeps their order.
  const child = o.merged ? spawn('sh', ['-c', 'exec "$0" "$@" 2>&1', TOOLS.kubectl, ...argv]) : spawn(TOOLS.kubectl, argv);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.end(o.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const r = { code: code ?? -1, stdout, stderr };
      if (r.code !== 0 && !o.allowFailure) reject(new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${stderr}${o.merged ? stdout : ''}`));
      else resolve(r);
    });
  });
}

/** Reads an object (kubectl get -o json); undefined when it does not exist. */
export async function getObject<T = any>(k: KubeServer, args: string[], o: Pick<KubectlOptions, 'kubeconfig'> = {}): Promise<T | undefined> {
  const r = await kubectl(k, ['get', ...args, '-o', 'json'], { ...o, allowFailure: true });
  if (r.code !== 0) {
    if (/NotFound/.test(r.stderr)) return undefined;
    throw new Error(`kubectl get ${args.join(' ')}: ${r.stderr}`);
  }
  return JSON.parse(r.stdout) as T;
}

/**
 * Objects as kubectl input: a stream of JSON documents (kubectl reads a stream that
 * starts with `{` as concatenated JSON; YAML 1.1 would read an unquoted `yes` as a boolean).
 */
export const asManifest = (objects: object[]) => objects.map((o) => JSON.stringify(o)).join('\n');

/** A new namespace `<prefix>-<random>` with these labels; returns its name. */
export async function createNamespace(k: KubeServer, prefix: string, labels: Record<string, string> = {}): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectl(k, ['apply', '--server-side', '-f', '-'], { input: asManifest([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }]) });
  return name;
}

/** A kubeconfig for the same server with another bearer token (a ServiceAccount's), in `dir`. */
export function kubeconfigWithToken(k: KubeServer, token: string, dir: string): string {
  const file = path.join(dir, `kubeconfig-${randomBytes(3).toString('hex')}`);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server: k.server, 'certificate-authority': k.caFile } }],
    users: [{ name: 'token', user: { token } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'token' } }],
    'current-context': 'test',
  };
  fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}

export interface ApplyOutcome {
  /** `kind.group/name` of every object the server accepted. */
  applied: string[];
  /** Each warning with the object it came with. */
  warnings: { object: string; warning: string }[];
  /** Refusals, as kubectl printed them. */
  errors: string[];
}

/**
 * `kubectl apply --server-side [--dry-run=server]` of `objects`: every object
 * goes through the server's whole admission chain; with the dry run nothing is
 * stored. Reads kubectl's interleaved output (`Warning: …` lines come just before
 * the line of the object they are about).
 */
export async function serverSideApply(k: KubeServer, objects: object[], o: { dryRun: boolean; kubeconfig?: string }): Promise<ApplyOutcome> {
  const args = ['apply', '--server-side', '--force-conflicts', '--field-manager=ticketing-tests', '-o', 'name', '-f', '-'];
  if (o.dryRun) args.push('--dry-run=server');
  const r = await kubectl(k, args, { input: asManifest(objects), merged: true, allowFailure: true, kubeconfig: o.kubeconfig });
  const out: ApplyOutcome = { applied: [], warnings: [], errors: [] };
  let pending: string[] = [];
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    if (line.startsWith('Warning: ')) pending.push(line.slice('Warning: '.length));
    else if (/^[\w.-]+\/[\w.-]+$/.test(line)) {
      out.applied.push(line);
      out.warnings.push(...pending.map((warning) => ({ object: line, warning })));
      pending = [];
    } else out.errors.push(line);
  }
  out.warnings.push(...pending.map((warning) => ({ object: '(none)', warning })));
  if (r.code !== 0 && out.errors.length === 0) out.errors.push(`kubectl exited ${r.code}`);
  return out;
}

/**
 * Compacts etcd's history up to its current revision (through etcd's v3 JSON
 * gateway), as the API server itself does every 5 minutes: a watch that then
 * resumes from an older resourceVersion is answered 410 Gone.
 */
export async function compactEtcd(k: KubeServer): Promise<number> {
  const post = async (route: string, body: object) => {
    const res = await fetch(`${k.etcdUrl}/v3/kv/${route}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`etcd ${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { header: { revision: string } };
  };
  // A write of our own first: etcd refuses a watch as compacted only when it starts strictly
  // below the compaction revision, so a watcher whose next revision is the newest write would
  // otherwise be accepted and then fail on that write's compacted previous value (a 500, not 410).
  const { header } = await post('put', {
    key: Buffer.from('/test/compaction-marker').toString('base64'),
    value: Buffer.from(String(Date.now())).toString('base64'),
  });
  await post('compaction', { revision: header.revision, physical: true });
  return Number(header.revision);
}
