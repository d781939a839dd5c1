/**
 * The EventSale operator as its pod runs it, against the k8s tests' API
 * server: the CRD of the charts installed for real, the chart's own
 * ServiceAccount, Role and RoleBinding in a namespace of the test's, a token
 * for that ServiceAccount from the TokenRequest API, and the compiled entry
 * point (dist/services/operator/main.js, `npm run build` first) in a child
 * process: @kubernetes/client-node is ESM-only, which jest's CommonJS
 * runtime cannot load, and a process can be killed, paused and restarted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eventSaleCrd, OPERATOR_NAME } from '../../charts/operator-chart';
import { serviceEntry } from '../../contracts/platform';
import { EVENTSALE_API_VERSION, EVENTSALE_KIND, type EventSale, type EventSaleSpec } from '../../services/operator/crd';
import { schemas } from '../../services/shared/config';
import { REPO_ROOT } from '../../services/shared/repo-root';
import { asManifest, getObject, kubeconfigWithToken, kubectl, serverSideApply, type KubeServer } from '../support/kube';
import { intoNamespace, objectsOf } from './manifests';

/** The charts' CRD, applied for real (cluster-scoped: every k8s test file applies the same one) and established. */
export async function installEventSaleCrd(k: KubeServer): Promise<void> {
  const r = await serverSideApply(k, [eventSaleCrd()], { dryRun: false });
  if (r.errors.length) throw new Error(`the EventSale CRD was refused: ${r.errors.join('\n')}`);
  await kubectl(k, ['wait', '--for=condition=Established', '--timeout=60s', `crd/${eventSaleCrd().metadata.name}`]);
}

/** The operator's ServiceAccount, Role and RoleBinding from the production manifests, in `ns`. */
export const operatorRbacObjects = (ns: string) =>
  intoNamespace(objectsOf('production'), ns).filter(
    (o) => ['ServiceAccount', 'Role', 'RoleBinding'].includes(o.kind) && o.metadata.name === OPERATOR_NAME,
  );

/** Creates the operator's RBAC in `ns` and returns a kubeconfig (written in `dir`) carrying a token of its ServiceAccount. */
export async function operatorKubeconfig(k: KubeServer, ns: string, dir: string): Promise<string> {
  const objects = operatorRbacObjects(ns);
  if (objects.length !== 3) throw new Error(`expected the operator's ServiceAccount, Role and RoleBinding, found ${objects.length} objects`);
  const r = await serverSideApply(k, objects, { dryRun: false });
  if (r.errors.length) throw new Error(r.errors.join('\n'));
  const token = (await kubectl(k, ['create', 'token', OPERATOR_NAME, '-n', ns, '--duration=2h'])).stdout.trim();
  return kubeconfigWithToken(k, token, dir);
}

export interface OperatorProcessOptions {
  kubeconfig: string;
  namespace: string;
  identity: string;
  catalogUrl: string;
  authUrl: string;
  email: string;
  password: string;
  /** Further settings (services/shared/config.ts, `operator`). */
  env?: Record<string, string>;
}

export type LogLine = { msg?: string; [k: string]: unknown };

export interface OperatorProcess {
  readonly identity: string;
  /** Every JSON log line so far. */
  readonly logs: LogLine[];
  /** Resolves with the first log line (already seen or to come) whose msg matches. */
  waitForLog(msg: RegExp, timeoutMs?: number): Promise<LogLine>;
  /** SIGKILL (a crash) or SIGTERM (a graceful stop: a leader hands its Lease back); resolves once it exited. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** SIGSTOP / SIGCONT: the process freezes with its connections open. */
  pause(): void;
  resume(): void;
}

const ENTRY = path.join(REPO_ROOT, serviceEntry('operator'));

export function startOperator(o: OperatorProcessOptions): OperatorProcess {
  if (!fs.existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first`);
  const child: ChildProcess = spawn(process.execPath, [ENTRY], {
    cwd: REPO_ROOT,
    // Only what its pod would have: no setting leaks in from the test runner's environment.
    env: {
      PATH: process.env.PATH,
      KUBECONFIG: o.kubeconfig,
      PORT: '0',
      LOG_LEVEL: 'info',
      CATALOG_URL: o.catalogUrl,
      AUTH_URL: o.authUrl,
      OPERATOR_EMAIL: o.email,
      OPERATOR_PASSWORD: o.password,
      OPERATOR_NAMESPACE: o.namespace,
      LEADER_ELECTION_IDENTITY: o.identity,
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters: { re: RegExp; resolve: (l: LogLine) => void }[] = [];
  let pending = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      let entry: LogLine;
      try {
        entry = JSON.parse(line) as LogLine;
      } catch {
        entry = { msg: line };
      }
      logs.push(entry);
      for (const w of [...waiters]) {
        if (w.re.test(entry.msg ?? '')) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(entry);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test that fails before its afterAll must not leave an operator behind, retrying forever on a shared machine.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  return {
    identity: o.identity,
    logs,
    waitForLog(re, timeoutMs = 30_000) {
      const seen = logs.find((l) => re.test(l.msg ?? ''));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.findIndex((w) => w.resolve === done), 1);
          reject(new Error(`operator ${o.identity}: no log matching ${re} within ${timeoutMs} ms; last lines:\n${logs.slice(-15).map((l) => JSON.stringify(l)).join('\n')}\n${stderr}`));
        }, timeoutMs);
        const done = (l: LogLine) => {
          clearTimeout(timer);
          resolve(l);
        };
        waiters.push({ re, resolve: done });
      });
    },
    async stop(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill(signal);
      }
      await exited;
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}

export const LEASE_NAME = schemas.operator.shape.LEADER_ELECTION_LEASE_NAME.parse(undefined);

/** The leader-election Lease's holder (undefined: no Lease yet). */
export async function leaseHolder(k: KubeServer, ns: string): Promise<string | undefined> {
  const l = await getObject(k, ['lease', LEASE_NAME, '-n', ns]);
  return l?.spec?.holderIdentity ?? undefined;
}

/** An EventSale in `ns`: a small hall of its own (a random venue name), one session `days` ahead unless `spec` says otherwise. */
export function eventSaleObject(ns: string, name: string, spec: Partial<EventSaleSpec> = {}, days = 30): EventSale {
  const start = new Date(Math.floor((Date.now() + days * 86_400_000) / 3_600_000) * 3_600_000);
  const at = (hours: number) => new Date(start.getTime() + hours * 3_600_000).toISOString();
  return {
    apiVersion: EVENTSALE_API_VERSION,
    kind: EVENTSALE_KIND,
    metadata: { name, namespace: ns },
    spec: {
      event: { title: `${name} ${randomBytes(3).toString('hex')}`, description: 'Declared in Kubernetes', category: 'concert' },
      venue: { name: `Venue ${randomBytes(4).toString('hex')}`, city: 'Lisbon', address: '1 Quay Street' },
      hall: { name: 'Small Hall', sections: [{ name: 'Stalls', rows: [{ label: 'A', seats: 6 }, { label: 'B', seats: 6 }] }] },
      sessions: [{ startsAt: at(0), endsAt: at(2), tiers: [{ name: 'Stalls', price: { amount: '45.00', currency: 'EUR' }, sections: ['Stalls'] }] }],
      ...spec,
    },
  };
}

/** Server-side apply of EventSales as an admin (a person with kubectl). */
export async function applyEventSales(k: KubeServer, ...sales: EventSale[]): Promise<void> {
  await kubectl(k, ['apply', '--server-side', '--field-manager=kubectl', '-f', '-'], { input: asManifest(sales) });
}

/** The EventSale as the API server has it (undefined once gone). */
export const readEventSale = (k: KubeServer, ns: string, name: string) => getObject<EventSale>(k, ['eventsale', name, '-n', ns]);

/** Waits (`kubectl wait`: a watch on the server) until the EventSale's jsonpath has the value. */
export const waitForEventSale = (k: KubeServer, ns: string, name: string, jsonpath: string, value: string | number) =>
  kubectl(k, ['wait', `eventsale/${name}`, '-n', ns, `--for=jsonpath={${jsonpath}}=${value}`, '--timeout=60s']);
