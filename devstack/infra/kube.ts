/**
 * A Kubernetes API server without nodes, as controller-runtime's envtest runs
 * one: etcd and kube-apiserver on loopback, with the real admission chain
 * (PodSecurity, RBAC, CRD structural schemas, field validation, resourceVersion
 * conflicts, watches). No controller-manager, scheduler or kubelet: objects are
 * stored and validated, never acted on.
 *
 * Kubernetes 1.29.15 with etcd 3.5.10 (devstack/go-tools/kube, built once into
 * .tools/): the charts target the 1.27 API (cdk8s-plus-27), and the Go module
 * proxy serves nothing below 1.29; etcd 3.5.10 is the one 1.29.15 requires.
 *
 * Not part of startInfra: started on demand (the k8s tests, test/support/kube.ts),
 * stopped by stopInfra. Layout of `<dataDir>/kube`: pki/ (kube-pki.ts),
 * etcd-data/, etcd.{pid,log}, apiserver.{pid,log}, apiserver-certs/, kubeconfig.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { ensureKubePki, type KubePki } from './kube-pki';
import { TOOLS, type InfraOptions } from './options';
import { assertPortFree, FatalError, isAlive, isExecutable, livePid, STOP_TIMEOUT_MS, terminate, waitFor } from './processes';

export interface KubeServer {
  /** https://127.0.0.1:<kubeApiPort> */
  server: string;
  /** A kubeconfig with the admin token (context `ticketing-local`). */
  kubeconfig: string;
  /** The serving certificate, which is also the CA to trust. */
  caFile: string;
  adminToken: string;
  /** etcd's client URL (its v3 JSON gateway: the k8s tests compact it to expire watches). */
  etcdUrl: string;
}

/** The Kubernetes version of the API server (the pin of devstack/go-tools/kube/go.mod). */
export const KUBE_VERSION = 'v1.29.15';

function kubePaths(o: InfraOptions) {
  const dir = path.join(o.dataDir, 'kube');
  return {
    dir,
    pki: path.join(dir, 'pki'),
    etcdData: path.join(dir, 'etcd-data'),
    etcdPid: path.join(dir, 'etcd.pid'),
    etcdLog: path.join(dir, 'etcd.log'),
    apiPid: path.join(dir, 'apiserver.pid'),
    apiLog: path.join(dir, 'apiserver.log'),
    certDir: path.join(dir, 'apiserver-certs'),
    kubeconfig: path.join(dir, 'kubeconfig'),
  };
}

const etcdUrl = (o: InfraOptions) => `http://127.0.0.1:${o.etcdPort}`;

export function etcdArgs(o: InfraOptions): string[] {
  const p = kubePaths(o);
  const peer = `http://127.0.0.1:${o.etcdPort + 1}`;
  return [
    '--name', 'local',
    `--data-dir=${p.etcdData}`,
    '--listen-client-urls', etcdUrl(o),
    '--advertise-client-urls', etcdUrl(o),
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `local=${peer}`,
    '--log-level', 'warn',
    // Tests: no fsync per write (the cluster is thrown away after the run).
    ...(o.fast ? ['--unsafe-no-fsync'] : []),
  ];
}

export function apiserverArgs(o: InfraOptions, pki: KubePki): string[] {
  const p = kubePaths(o);
  return [
    `--etcd-servers=${etcdUrl(o)}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${o.kubeApiPort}`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--cert-dir=${p.certDir}`,
    `--token-auth-file=${pki.tokenFile}`,
    '--authorization-mode=RBAC',
    // The TokenRequest API mints service-account tokens signed with this pair (the k8s tests run the operator on one).
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    // No nodes or Services to publish: nothing maintains the `kubernetes` Endpoints.
    '--endpoint-reconciler-type=none',
    // Without a controller-manager no namespace gets its `default` ServiceAccount, which this
    // plugin would demand of every Pod (envtest turns it off for the same reason).
    '--disable-admission-plugins=ServiceAccount',
    // As kubeadm and kind set it: a privileged container is then PodSecurity's to refuse.
    '--allow-privileged=true',
    // Watches are served from etcd rather than the watch cache: a watch from a compacted
    // resourceVersion answers 410 Gone at once, which a cached server does only once its
    // window (at least 75 s of events) has moved past it. The operator's re-list is tested so.
    '--watch-cache=false',
    '--profiling=false',
  ];
}

function kubeconfigYaml(o: InfraOptions, pki: KubePki): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: ticketing-local',
    `  cluster: {server: "https://127.0.0.1:${o.kubeApiPort}", certificate-authority: "${pki.servingCert}"}`,
    'users:',
    '- name: admin',
    `  user: {token: "${pki.adminToken}"}`,
    'contexts:',
    '- name: ticketing-local',
    '  context: {cluster: ticketing-local, user: admin}',
    'current-context: ticketing-local',
    '',
  ].join('\n');
}

/** Spawns `bin` detached (it outlives this process), logging to `logFile`; returns its pid. */
function spawnDetached(bin: string, args: string[], logFile: string, pidFile: string, cwd: string): number {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, { cwd, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not spawn ${bin}`);
  child.unref();
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  return child.pid;
}

function httpsGet(url: string, ca: Buffer, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** Starts etcd and kube-apiserver (or finds them running) and waits until the API server is ready. */
export async function startKube(o: InfraOptions, log: (l: string) => void): Promise<KubeServer> {
  const p = kubePaths(o);
  for (const bin of [TOOLS.etcd, TOOLS.kubeApiserver]) {
    if (!isExecutable(bin)) throw new Error(`${bin} is missing: build it with devstack/go-tools/build.sh kube (npm test does)`);
  }
  fs.mkdirSync(p.dir, { recursive: true });
  const pki = ensureKubePki(p.pki);
  fs.writeFileSync(p.kubeconfig, kubeconfigYaml(o, pki), { mode: 0o600 });

  let etcdPid = livePid(p.etcdPid, p.etcdData);
  if (etcdPid) {
    log(`etcd already running on 127.0.0.1:${o.etcdPort}`);
  } else {
    await assertPortFree(o.etcdPort, 'etcd');
    await assertPortFree(o.etcdPort + 1, 'etcd (peer port)');
    // Tests start from an empty cluster (namespaces never finish deleting without a controller-manager).
    if (o.fast) fs.rmSync(p.etcdData, { recursive: true, force: true });
    log(`starting etcd on 127.0.0.1:${o.etcdPort}`);
    etcdPid = spawnDetached(TOOLS.etcd, etcdArgs(o), p.etcdLog, p.etcdPid, p.dir);
  }
  const etcdStarted = etcdPid;
  await waitFor(`etcd on 127.0.0.1:${o.etcdPort}`, p.etcdLog, async () => {
    if (!isAlive(etcdStarted)) throw new FatalError('the process exited');
    const res = await fetch(`${etcdUrl(o)}/health`, { signal: AbortSignal.timeout(2000) });
    const health = (await res.json()) as { health?: string };
    if (health.health !== 'true') throw new Error(`health ${JSON.stringify(health)}`);
  });

  let apiPid = livePid(p.apiPid, p.certDir);
  if (apiPid) {
    log(`kube-apiserver already running on https://127.0.0.1:${o.kubeApiPort}`);
  } else {
    await assertPortFree(o.kubeApiPort, 'kube-apiserver');
    log(`starting kube-apiserver ${KUBE_VERSION} on https://127.0.0.1:${o.kubeApiPort}`);
    apiPid = spawnDetached(TOOLS.kubeApiserver, apiserverArgs(o, pki), p.apiLog, p.apiPid, p.dir);
  }
  const apiStarted = apiPid;
  const ca = fs.readFileSync(pki.servingCert);
  const server = `https://127.0.0.1:${o.kubeApiPort}`;
  await waitFor(`kube-apiserver on ${server}`, p.apiLog, async () => {
    if (!isAlive(apiStarted)) throw new FatalError('the process exited');
    const res = await httpsGet(`${server}/readyz`, ca, pki.adminToken);
    if (res.status !== 200) throw new Error(`/readyz answered ${res.status}: ${res.body.slice(0, 300)}`);
  });
  return { server, kubeconfig: p.kubeconfig, caFile: pki.servingCert, adminToken: pki.adminToken, etcdUrl: etcdUrl(o) };
}

export async function stopKube(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = kubePaths(o);
  for (const [what, pidFile, marker] of [
    ['kube-apiserver', p.apiPid, p.certDir],
    ['etcd', p.etcdPid, p.etcdData],
  ] as const) {
    const pid = livePid(pidFile, marker);
    if (pid) {
      log(`stopping ${what}`);
      await terminate(pid, { timeoutMs: STOP_TIMEOUT_MS });
    }
    fs.rmSync(pidFile, { force: true });
  }
}
