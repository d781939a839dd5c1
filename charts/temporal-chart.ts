/**
 * Temporal and its UI, plus the Job that registers the namespace and the
 * booking workflows' search attributes.
 * - kind: `temporal server start-dev` with its SQLite file on a PersistentVolume;
 *   the dev server serves the UI itself (port 8233).
 * - production: the Temporal server on the cluster's PostgreSQL (databases
 *   `temporal` and `temporal_visibility`, schemas set up by a Job with
 *   temporal-sql-tool), and the Temporal UI as its own Deployment.
 * Third-party images render their config or write next to their binaries at
 * start, so their root file systems stay writable (still non-root).
 */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SEARCH_ATTRIBUTE_TYPES, TEMPORAL_NAMESPACE } from '../contracts/platform';
import { RESTRICTED_CONTAINER, RESTRICTED_POD, chartProps, networkPolicy, podDisruptionBudget, unitLabels, unitSelector, type Route } from './common';
import { IMAGES, type Environment } from './environment';
import { POSTGRES_SECRET } from './service-env';
import { clientsOf, type Topology } from './topology';
import { INFRA } from './units';

const q = (n: string) => kplus.k8s.Quantity.fromString(n);
const port = (n: number) => kplus.k8s.IntOrString.fromNumber(n);
const TEMPORAL_UID = 1000;
const DEV_SERVER_UI_PORT = 8233;

/**
 * The Temporal server's PostgreSQL pools, per service: the image runs
 * frontend, history, matching and worker in one process, each with its own
 * pools for the main and the visibility database (the image's defaults, set
 * here so PostgreSQL's max_connections can be sized for them).
 */
export const TEMPORAL_SQL_POOLS = { SQL_MAX_CONNS: 20, SQL_VIS_MAX_CONNS: 10, servicesPerPod: 4 } as const;
export const temporalServerReplicas = (env: Pick<Environment, 'scale'>) => (env.scale === 'full' ? 2 : 1);

export const TEMPORAL_SETUP_JOB = 'temporal-setup';
export const TEMPORAL_SQL_SCHEMA_JOB = 'temporal-sql-schema';

const podSecurity: kplus.k8s.PodSecurityContext = { ...RESTRICTED_POD, runAsUser: TEMPORAL_UID, runAsGroup: TEMPORAL_UID, fsGroup: TEMPORAL_UID };

/** A Temporal workload's pod: its unit's labels, no service-account token, Temporal's user, one locked-down container. */
function temporalPod(unit: string, container: kplus.k8s.Container, spec: Partial<kplus.k8s.PodSpec> = {}): kplus.k8s.PodTemplateSpec {
  return {
    metadata: { labels: unitLabels(unit) },
    spec: { ...spec, automountServiceAccountToken: false, securityContext: podSecurity, containers: [{ ...container, securityContext: RESTRICTED_CONTAINER }] },
  };
}

function resources(cpu: [string, string], memory: [string, string]): kplus.k8s.ResourceRequirements {
  return { requests: { cpu: q(cpu[0]), memory: q(memory[0]) }, limits: { cpu: q(cpu[1]), memory: q(memory[1]) } };
}

export interface TemporalChartProps {
  env: Environment;
  topology: Topology;
}

export class TemporalChart extends Chart {
  constructor(scope: Construct, id: string, { env, topology }: TemporalChartProps) {
    super(scope, id, chartProps(env));
    const name = INFRA.temporal.name;
    const grpc = INFRA.temporal.port;

    new kplus.k8s.KubeService(this, 'service', {
      metadata: { name, labels: unitLabels(name) },
      spec: { selector: unitSelector(name), ports: [{ name: 'grpc', port: grpc, targetPort: port(grpc) }] },
    });
    // kind: the dev server's own UI; production: the UI Deployment.
    const uiPod = env.temporal === 'dev-server' ? name : INFRA.temporalUi.name;
    const uiTargetPort = env.temporal === 'dev-server' ? DEV_SERVER_UI_PORT : INFRA.temporalUi.port;
    new kplus.k8s.KubeService(this, 'ui-service', {
      metadata: { name: INFRA.temporalUi.name, labels: unitLabels(INFRA.temporalUi.name) },
      spec: { selector: unitSelector(uiPod), ports: [{ name: 'http', port: INFRA.temporalUi.port, targetPort: port(uiTargetPort) }] },
    });

    if (env.temporal === 'dev-server') this.devServer(env);
    else this.server(env);
    this.setupJob(env);
    podDisruptionBudget(this, name);

    const clients = clientsOf(topology, 'temporal');
    const ingress: Route[] = [...clients, TEMPORAL_SETUP_JOB].map((c) => ({ peer: { unit: c }, ports: [{ port: grpc }] }));
    const egress: Route[] = [];
    if (env.temporal === 'dev-server') {
      ingress.push({ peer: { namespace: env.ingressControllerNamespace }, ports: [{ port: DEV_SERVER_UI_PORT }] });
    } else {
      ingress.push({ peer: { unit: INFRA.temporalUi.name }, ports: [{ port: grpc }] });
      // The server's services (frontend, history, matching, worker) find each other through membership ports.
      ingress.push({ peer: { unit: name }, ports: [] });
      egress.push({ peer: { unit: name }, ports: [] });
      egress.push({ peer: { unit: INFRA.postgres.name }, ports: [{ port: INFRA.postgres.port }] });
      networkPolicy(
        scopeFor(this, 'ui-policy'),
        INFRA.temporalUi.name,
        [{ peer: { namespace: env.ingressControllerNamespace }, ports: [{ port: INFRA.temporalUi.port }] }],
        [{ peer: { unit: name }, ports: [{ port: grpc }] }],
      );
      networkPolicy(scopeFor(this, 'sql-schema-policy'), TEMPORAL_SQL_SCHEMA_JOB, [], [{ peer: { unit: INFRA.postgres.name }, ports: [{ port: INFRA.postgres.port }] }]);
    }
    networkPolicy(this, name, ingress, egress);
    networkPolicy(scopeFor(this, 'setup-policy'), TEMPORAL_SETUP_JOB, [], [{ peer: { unit: name }, ports: [{ port: grpc }] }]);
  }

  private devServer(env: Environment): void {
    const name = INFRA.temporal.name;
    new kplus.k8s.KubeStatefulSet(this, 'dev-server', {
      metadata: { name, labels: unitLabels(name) },
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: unitSelector(name) },
        template: temporalPod(name, {
          name,
          image: IMAGES.temporalCli,
          args: [
            'server', 'start-dev',
            '--ip', '0.0.0.0',
            '--port', String(INFRA.temporal.port),
            '--ui-port', String(DEV_SERVER_UI_PORT),
            '--db-filename', '/data/temporal.db',
            '--namespace', TEMPORAL_NAMESPACE,
          ],
          ports: [{ name: 'grpc', containerPort: INFRA.temporal.port }, { name: 'ui', containerPort: DEV_SERVER_UI_PORT }],
          readinessProbe: { tcpSocket: { port: port(INFRA.temporal.port) }, periodSeconds: 5 },
          livenessProbe: { tcpSocket: { port: port(INFRA.temporal.port) }, initialDelaySeconds: 30, periodSeconds: 15 },
          resources: resources(['100m', '1'], ['256Mi', '1Gi']),
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        }),
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], storageClassName: env.storageClassName, resources: { requests: { storage: q(`${env.storageGi.temporal}Gi`) } } },
          },
        ],
      },
    });
  }

  private server(env: Environment): void {
    const name = INFRA.temporal.name;
    const pgSecret = (envName: string, key: string): kplus.k8s.EnvVar => ({ name: envName, valueFrom: { secretKeyRef: { name: POSTGRES_SECRET, key } } });

    new kplus.k8s.KubeJob(this, 'sql-schema', {
      metadata: { name: TEMPORAL_SQL_SCHEMA_JOB, labels: unitLabels(TEMPORAL_SQL_SCHEMA_JOB) },
      spec: {
        backoffLimit: 20,
        template: temporalPod(TEMPORAL_SQL_SCHEMA_JOB, {
          name: 'schema',
          image: IMAGES.temporalAdminTools,
          command: ['sh', '-euc', SQL_SCHEMA_SCRIPT],
          env: [
            { name: 'SQL_PLUGIN', value: 'postgres12' },
            { name: 'SQL_HOST', value: INFRA.postgres.name },
            { name: 'SQL_PORT', value: String(INFRA.postgres.port) },
            pgSecret('SQL_USER', 'POSTGRES_USER'),
            pgSecret('SQL_PASSWORD', 'POSTGRES_PASSWORD'),
          ],
          resources: resources(['50m', '500m'], ['64Mi', '256Mi']),
        }, { restartPolicy: 'OnFailure' }),
      },
    });

    new kplus.k8s.KubeDeployment(this, 'server', {
      metadata: { name, labels: unitLabels(name) },
      spec: {
        replicas: temporalServerReplicas(env),
        selector: { matchLabels: unitSelector(name) },
        template: temporalPod(name, {
          name,
          image: IMAGES.temporalServer,
          env: [
            { name: 'DB', value: 'postgres12' },
            { name: 'DB_PORT', value: String(INFRA.postgres.port) },
            { name: 'POSTGRES_SEEDS', value: INFRA.postgres.name },
            pgSecret('POSTGRES_USER', 'POSTGRES_USER'),
            pgSecret('POSTGRES_PWD', 'POSTGRES_PASSWORD'),
            { name: 'DBNAME', value: 'temporal' },
            { name: 'VISIBILITY_DBNAME', value: 'temporal_visibility' },
            { name: 'NUM_HISTORY_SHARDS', value: '512' },
            { name: 'SQL_MAX_CONNS', value: String(TEMPORAL_SQL_POOLS.SQL_MAX_CONNS) },
            { name: 'SQL_MAX_IDLE_CONNS', value: String(TEMPORAL_SQL_POOLS.SQL_MAX_CONNS) },
            { name: 'SQL_VIS_MAX_CONNS', value: String(TEMPORAL_SQL_POOLS.SQL_VIS_MAX_CONNS) },
            { name: 'SQL_VIS_MAX_IDLE_CONNS', value: String(TEMPORAL_SQL_POOLS.SQL_VIS_MAX_CONNS) },
            { name: 'BIND_ON_IP', value: '0.0.0.0' },
            { name: 'TEMPORAL_BROADCAST_ADDRESS', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          ],
          ports: [
            { name: 'grpc', containerPort: INFRA.temporal.port },
            { name: 'membership', containerPort: 6933 },
            { name: 'history', containerPort: 7234 },
            { name: 'matching', containerPort: 7235 },
            { name: 'worker', containerPort: 7239 },
          ],
          readinessProbe: { tcpSocket: { port: port(INFRA.temporal.port) }, periodSeconds: 5 },
          livenessProbe: { tcpSocket: { port: port(INFRA.temporal.port) }, initialDelaySeconds: 60, periodSeconds: 15 },
          resources: resources(['500m', '2'], ['512Mi', '2Gi']),
        }),
      },
    });

    const ui = INFRA.temporalUi.name;
    new kplus.k8s.KubeDeployment(this, 'ui', {
      metadata: { name: ui, labels: unitLabels(ui) },
      spec: {
        replicas: 1,
        selector: { matchLabels: unitSelector(ui) },
        template: temporalPod(ui, {
          name: ui,
          image: IMAGES.temporalUi,
          env: [
            { name: 'TEMPORAL_ADDRESS', value: `${name}:${INFRA.temporal.port}` },
            { name: 'TEMPORAL_UI_PORT', value: String(INFRA.temporalUi.port) },
          ],
          ports: [{ name: 'http', containerPort: INFRA.temporalUi.port }],
          readinessProbe: { tcpSocket: { port: port(INFRA.temporalUi.port) }, periodSeconds: 5 },
          livenessProbe: { tcpSocket: { port: port(INFRA.temporalUi.port) }, initialDelaySeconds: 15, periodSeconds: 15 },
          resources: resources(['50m', '500m'], ['64Mi', '256Mi']),
        }),
      },
    });
    podDisruptionBudget(scopeFor(this, 'ui-pdb'), ui);
  }

  private setupJob(_env: Environment): void {
    new kplus.k8s.KubeJob(this, 'setup', {
      metadata: { name: TEMPORAL_SETUP_JOB, labels: unitLabels(TEMPORAL_SETUP_JOB) },
      spec: {
        backoffLimit: 20,
        template: temporalPod(TEMPORAL_SETUP_JOB, {
          name: 'setup',
          image: IMAGES.temporalAdminTools,
          command: ['sh', '-euc', setupScript()],
          env: [
            { name: 'TEMPORAL_ADDRESS', value: `${INFRA.temporal.name}:${INFRA.temporal.port}` },
            { name: 'TEMPORAL_NAMESPACE', value: TEMPORAL_NAMESPACE },
          ],
          resources: resources(['50m', '500m'], ['64Mi', '256Mi']),
        }, { restartPolicy: 'OnFailure' }),
      },
    });
  }
}

/** A child construct, so a second PDB or NetworkPolicy (fixed construct ids) fits in the same chart. */
function scopeFor(parent: Construct, id: string): Construct {
  return new Construct(parent, id);
}

const SQL_SCHEMA_SCRIPT = [
  'for db in temporal temporal_visibility; do',
  '  dir=temporal; [ "$db" = temporal_visibility ] && dir=visibility',
  '  # Both fail harmlessly once done: re-runs only apply newer versioned schema steps.',
  '  temporal-sql-tool --db "$db" create-database || true',
  '  temporal-sql-tool --db "$db" setup-schema -v 0.0 || true',
  '  temporal-sql-tool --db "$db" update-schema -d "/etc/temporal/schema/postgresql/v12/$dir/versioned"',
  'done',
].join('\n');

/** Idempotent: waits for the frontend, creates what is missing, leaves the rest. */
export function setupScript(): string {
  const attributes = Object.entries(SEARCH_ATTRIBUTE_TYPES)
    .map(([n, t]) => `${n}=${t}`)
    .join(' ');
  return [
    'until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do echo "waiting for Temporal at $TEMPORAL_ADDRESS"; sleep 3; done',
    'temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 \\',
    '  || temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" --retention 72h',
    'existing="$(temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE")"',
    `for pair in ${attributes}; do`,
    '  name="${pair%%=*}"; type="${pair#*=}"',
    '  echo "$existing" | grep -qw "$name" && continue',
    '  temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type "$type"',
    'done',
    'echo "namespace $TEMPORAL_NAMESPACE and search attributes registered"',
  ].join('\n');
}
