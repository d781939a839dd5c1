/**
 * Manifests agree with the code: every Deployment of the application image
 * runs an entry point that exists, on the port its PORT says, probed where
 * the service answers, with every variable its config schema
 * (services/shared/config.ts) requires. The proof is starting each unit
 * from dist/ with exactly its manifest environment (kind), only hosts
 * remapped to this machine, and waiting for its readiness path to answer 200.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { schemas } from '../../services/shared/config';
import { SHUTDOWN_CLOSE_MARGIN_SECONDS } from '../../services/shared/service-kit';
import { KIND, PRODUCTION } from '../../charts/environment';
import { TEMPORAL_SQL_POOLS } from '../../charts/temporal-chart';
import { testInfra } from '../infra-env';
import { deployments, entryOf, objectsOf, resolvedEnv, type Obj } from './manifests';

const ROOT = path.resolve(__dirname, '../..');

/** Required keys: those the schema refuses to see absent (no default, not optional). */
function requiredKeys(configKey: string): string[] {
  const schema = (schemas as unknown as Record<string, { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> } | undefined>)[configKey];
  if (!schema) throw new Error(`services/shared/config.ts has no schema ${configKey}`);
  return Object.entries(schema.shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key)
    .sort();
}

/** The unit's config key: its entry's folder (dist/services/<key>/main.js). */
function configKeyOf(entry: string): string {
  return path.basename(path.dirname(entry));
}

function appDeployments(objects: Obj[], image: string): Obj[] {
  return deployments(objects).filter((d) => d.spec.template.spec.containers[0].image === image);
}

describe.each([
  ['kind', KIND.image],
  ['production', PRODUCTION.image],
] as const)('%s: every Deployment of the application image', (env, image) => {
  const objects = objectsOf(env);
  const apps = appDeployments(objects, image);

  it('covers every service schema of services/shared/config.ts that is deployed there', () => {
    const deployed = apps.map((d) => configKeyOf(entryOf(d.spec.template.spec.containers[0])!)).sort();
    const expected = Object.keys(schemas).filter((k) => env === 'kind' || k !== 'mail-sink').sort();
    expect(deployed).toEqual(expected);
  });

  it.each(apps.map((d) => [d.metadata.name, d] as const))('%s: entry exists, ports and probes match PORT, required config is set', (_name, d) => {
    const container = d.spec.template.spec.containers[0];
    const entry = entryOf(container);
    expect(entry).toMatch(/^dist\/services\/[\w-]+\/main\.js$/);
    expect(fs.existsSync(path.join(ROOT, entry!))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, entry!.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);

    const env = resolvedEnv(objects, d, container, { externalSecrets: image === PRODUCTION.image });
    const port = Number(env.PORT);
    expect(port).toBeGreaterThan(0);
    expect(container.ports.map((p: { containerPort: number }) => p.containerPort)).toContain(port);
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port });

    const missing = requiredKeys(configKeyOf(entry!)).filter((k) => env[k] === undefined || env[k] === '');
    expect(missing).toEqual([]);
    if (image === KIND.image) {
      // Every value, not only the presence of keys: the same parse the service runs at start.
      const schema = (schemas as unknown as Record<string, { safeParse(v: unknown): { success: boolean; error?: unknown } }>)[configKeyOf(entry!)]!;
      expect(schema.safeParse(env).error ?? null).toBeNull();
    }
  });

  it('the worker\'s heap holds its workflow cache, and stays below its memory limit', () => {
    const d = apps.find((x) => x.metadata.name === 'worker')!;
    const container = d.spec.template.spec.containers[0];
    const heap = Number(/^--max-old-space-size=(\d+)$/.exec((container.command as string[]).find((a) => a.startsWith('--max-old-space-size=')) ?? '')?.[1]);
    const cached = Number(resolvedEnv(objects, d, container, { externalSecrets: image === PRODUCTION.image }).WORKER_MAX_CACHED_WORKFLOWS ?? schemas.worker.shape.WORKER_MAX_CACHED_WORKFLOWS.parse(undefined));
    // ~174 KiB per cached booking over ~170 MiB with none (bench/worker-cache-memory.ts, bench/RESULTS.md).
    expect(170 + (cached * 174) / 1024).toBeLessThanOrEqual(heap);
    expect(heap).toBeLessThan(Number(container.resources.limits.memory.replace(/Mi$/, '')));
  });

  it('each unit drains and closes (SHUTDOWN_GRACE_SECONDS, then closing its pools) before Kubernetes kills it', () => {
    for (const d of apps) {
      const container = d.spec.template.spec.containers[0];
      const configKey = configKeyOf(entryOf(container)!) as keyof typeof schemas;
      const env = resolvedEnv(objects, d, container, { externalSecrets: image === PRODUCTION.image });
      const grace = Number(env.SHUTDOWN_GRACE_SECONDS ?? schemas[configKey].shape.SHUTDOWN_GRACE_SECONDS.parse(undefined));
      expect(grace).toBeGreaterThan(0);
      expect(grace + SHUTDOWN_CLOSE_MARGIN_SECONDS).toBeLessThan(d.spec.template.spec.terminationGracePeriodSeconds);
    }
  });

  it('PostgreSQL takes every pool its clients can open at once, each autoscaled unit at its most replicas', () => {
    const postgres = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres')!;
    const args: string[] = postgres.spec.template.spec.containers[0].args;
    const maxConnections = Number(/^max_connections=(\d+)$/.exec(args[args.indexOf('-c') + 1]!)?.[1]);
    let pools = 0;
    for (const d of deployments(objects)) {
      const container = d.spec.template.spec.containers[0];
      const env = resolvedEnv(objects, d, container, { externalSecrets: image === PRODUCTION.image });
      const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === d.metadata.name);
      const replicas = hpa ? hpa.spec.maxReplicas : d.spec.replicas;
      if (env.DATABASE_URL) pools += replicas * Number(env.DATABASE_POOL_SIZE ?? schemas.booking.shape.DATABASE_POOL_SIZE.parse(undefined));
      // The Temporal server: frontend, history, matching and worker in one process, each with a main and a visibility pool.
      if (env.DB === 'postgres12') pools += replicas * TEMPORAL_SQL_POOLS.servicesPerPod * (Number(env.SQL_MAX_CONNS) + Number(env.SQL_VIS_MAX_CONNS));
    }
    expect(pools).toBeGreaterThan(0);
    // PostgreSQL keeps 3 of max_connections for superusers.
    expect(maxConnections - 3).toBeGreaterThanOrEqual(pools);
  });

  it('each Service targets its Deployment\'s port', () => {
    for (const d of apps) {
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === d.metadata.name);
      const port = d.spec.template.spec.containers[0].ports[0].containerPort;
      expect(service?.spec.ports[0]).toMatchObject({ port, targetPort: port });
      expect(service?.spec.selector).toEqual(d.spec.selector.matchLabels);
    }
  });
});

// ---------------------------------------------------------------------------
// Live: start every kind unit from its manifest environment.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
  });
}

async function waitFor200(url: string, child: ChildProcess, deadline: number): Promise<number> {
  let last = 0;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before ${url} answered`);
    last = await get(url);
    if (last === 200) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

describe('kind: each unit starts with its manifest environment and becomes ready', () => {
  const objects = objectsOf('kind');
  const apps = appDeployments(objects, KIND.image);
  const children: { name: string; child: ChildProcess; log: string[] }[] = [];
  let kubeApi: http.Server | undefined;
  let tmp = '';
  // A scratch database: these units poll their outboxes, and must not take other tests' work.
  const scratchDb = `k8s_manifest_${process.pid}`;
  const admin = () => new Client({ connectionString: testInfra().databaseUrl });

  afterAll(async () => {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined)));
    kubeApi?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${scratchDb} WITH (FORCE)`);
    await c.end();
  });

  it('every unit answers its readiness path with 200', async () => {
    const infra = testInfra();
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE ${scratchDb}`);
    await c.end();
    const scratchUrl = new URL(infra.databaseUrl);
    scratchUrl.pathname = `/${scratchDb}`;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-manifest-env-'));

    // The operator's Kubernetes API: a stand-in answering 503 to everything,
    // so the operator stays a leader-election standby (ready) and touches nothing.
    kubeApi = http.createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"kind":"Status","apiVersion":"v1","status":"Failure","code":503}');
    });
    await new Promise<void>((r) => kubeApi!.listen(0, '127.0.0.1', () => r()));
    const kubeconfig = path.join(tmp, 'kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: `http://127.0.0.1:${(kubeApi.address() as net.AddressInfo).port}` } }],
        users: [{ name: 'fake', user: { token: 'fake' } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
        'current-context': 'fake',
      }),
    );

    // Every in-cluster address of a unit (its Service, every port) → a free local port.
    const remap = new Map<string, number>();
    for (const d of apps) {
      for (const p of d.spec.template.spec.containers[0].ports as { containerPort: number }[]) {
        remap.set(`${d.metadata.name}:${p.containerPort}`, await freePort());
      }
    }
    const hostRemap = (value: string): string =>
      value
        .replace(/^postgresql:\/\/[^@]+@postgres:5432\/ticketing$/, scratchUrl.toString())
        .replace(/^redis:\/\/redis:6379$/, infra.redisUrl)
        .replace(/^temporal:7233$/, infra.temporalAddress)
        .replace(/^http:\/\/([a-z-]+):(\d+)/, (m, host: string, p: string) => {
          const local = remap.get(`${host}:${p}`);
          return local ? `http://127.0.0.1:${local}` : m;
        });

    const started: { name: string; ready: string; child: ChildProcess }[] = [];
    for (const d of apps) {
      const container = d.spec.template.spec.containers[0];
      const manifestEnv = resolvedEnv(objects, d, container);
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(manifestEnv)) env[k] = hostRemap(v);
      const localPort = remap.get(`${d.metadata.name}:${manifestEnv.PORT}`)!;
      env.PORT = String(localPort);
      // Non-HTTP listeners and peers (SMTP): the same remap, by port.
      if (env.SMTP_HOST === 'mail-sink') {
        env.SMTP_HOST = '127.0.0.1';
        env.SMTP_PORT = String(remap.get(`mail-sink:${manifestEnv.SMTP_PORT}`));
      } else if (d.metadata.name === 'mail-sink') {
        env.SMTP_PORT = String(remap.get(`mail-sink:${manifestEnv.SMTP_PORT}`));
      }
      // The shared test Temporal server: a queue of our own, so this worker takes no other test's tasks.
      if (env.TEMPORAL_TASK_QUEUE) env.TEMPORAL_TASK_QUEUE = `k8s-manifest-test-${process.pid}`;
      // The worker's Temporal SDK exporter listens on its pod's loopback (default port); here, on a free one.
      if (d.metadata.name === 'worker') env.TEMPORAL_METRICS_PORT = String(await freePort());
      if (d.metadata.name === 'operator') {
        // In a pod: the ServiceAccount token and KUBERNETES_SERVICE_HOST; here: the stand-in above.
        env.KUBECONFIG = kubeconfig;
      }
      env.HOME = tmp;
      env.LOG_LEVEL = 'warn';

      const argv = [...(container.command as string[]), ...((container.args as string[]) ?? [])];
      // kind runs `node --watch <entry>` for live update; the check is the entry and its environment.
      const args = argv.slice(1).filter((a) => a !== '--watch');
      const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const log: string[] = [];
      child.stdout!.on('data', (b: Buffer) => log.push(b.toString()));
      child.stderr!.on('data', (b: Buffer) => log.push(b.toString()));
      children.push({ name: d.metadata.name, child, log });
      started.push({ name: d.metadata.name, ready: `http://127.0.0.1:${localPort}${container.readinessProbe.httpGet.path}`, child });
    }

    const deadline = Date.now() + 50_000;
    const results = await Promise.all(
      started.map(async (s) => {
        try {
          return [s.name, await waitFor200(s.ready, s.child, deadline)] as const;
        } catch (err) {
          return [s.name, (err as Error).message] as const;
        }
      }),
    );
    const notReady = results.filter(([, status]) => status !== 200);
    if (notReady.length) {
      for (const [name] of notReady) console.error(`${name} log:\n${children.find((c) => c.name === name)!.log.join('').slice(-3000)}`);
    }
    expect(Object.fromEntries(results)).toEqual(Object.fromEntries(apps.map((d) => [d.metadata.name, 200])));

    // The database units really used their manifest DATABASE_URL: each migrated its schema there.
    const withDatabase = apps.filter((d) => resolvedEnv(objects, d, d.spec.template.spec.containers[0]).DATABASE_URL).map((d) => d.metadata.name);
    const scratch = new Client({ connectionString: scratchUrl.toString() });
    await scratch.connect();
    const { rows } = await scratch.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)', [withDatabase]);
    await scratch.end();
    expect(rows.map((r) => r.nspname).sort()).toEqual([...withDatabase].sort());
  }, 90_000);
});
