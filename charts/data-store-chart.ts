/**
 * PostgreSQL (one database `ticketing`, a schema per service, plus Temporal's
 * databases in production) and Redis, each a single-replica StatefulSet on a
 * PersistentVolumeClaim. Written as plain StatefulSets: cdk8s-plus-27's
 * StatefulSet has no volumeClaimTemplates.
 */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { RESTRICTED_CONTAINER, RESTRICTED_POD, chartProps, networkPolicy, podDisruptionBudget, unitLabels, unitSelector, type Route } from './common';
import { IMAGES, type Environment } from './environment';
import { POSTGRES_SECRET, schemaShape } from './service-env';
import { TEMPORAL_SQL_POOLS, temporalServerReplicas } from './temporal-chart';
import { clientsOf, type Topology } from './topology';
import { APP_UNITS, INFRA, replicaBounds } from './units';

const q = (n: string) => kplus.k8s.Quantity.fromString(n);

interface StoreSpec {
  name: string;
  image: string;
  port: number;
  uid: number;
  args?: string[];
  env?: kplus.k8s.EnvVar[];
  dataPath: string;
  storageGi: number;
  /** Writable paths besides the data volume (the root file system is read-only). */
  scratch: string[];
  probe: kplus.k8s.Probe;
  resources: { cpu: [string, string]; memory: [string, string] };
}

function statefulStore(scope: Construct, env: Environment, s: StoreSpec): void {
  new kplus.k8s.KubeService(scope, 'service', {
    metadata: { name: s.name, labels: unitLabels(s.name) },
    spec: { selector: unitSelector(s.name), ports: [{ name: 'main', port: s.port, targetPort: kplus.k8s.IntOrString.fromNumber(s.port) }] },
  });
  new kplus.k8s.KubeStatefulSet(scope, 'statefulset', {
    metadata: { name: s.name, labels: unitLabels(s.name) },
    spec: {
      serviceName: s.name,
      replicas: 1,
      selector: { matchLabels: unitSelector(s.name) },
      template: {
        metadata: { labels: unitLabels(s.name) },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { ...RESTRICTED_POD, runAsUser: s.uid, runAsGroup: s.uid, fsGroup: s.uid },
          containers: [
            {
              name: s.name,
              image: s.image,
              args: s.args,
              env: s.env,
              ports: [{ name: 'main', containerPort: s.port }],
              readinessProbe: s.probe,
              livenessProbe: { ...s.probe, initialDelaySeconds: 30, periodSeconds: 15 },
              resources: {
                requests: { cpu: q(s.resources.cpu[0]), memory: q(s.resources.memory[0]) },
                limits: { cpu: q(s.resources.cpu[1]), memory: q(s.resources.memory[1]) },
              },
              securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
              volumeMounts: [{ name: 'data', mountPath: s.dataPath }, ...s.scratch.map((p, i) => ({ name: `scratch-${i}`, mountPath: p }))],
            },
          ],
          volumes: s.scratch.map((_, i) => ({ name: `scratch-${i}`, emptyDir: {} })),
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: env.storageClassName,
            resources: { requests: { storage: q(`${s.storageGi}Gi`) } },
          },
        },
      ],
    },
  });
  podDisruptionBudget(scope, s.name);
}

export interface DataStoreProps {
  env: Environment;
  topology: Topology;
}

/** Pods that reach PostgreSQL besides the services: Temporal's server and its schema job (production). */
export const POSTGRES_EXTRA_CLIENTS = ['temporal', 'temporal-sql-schema'];

/** Connections PostgreSQL keeps beyond its clients' pools: its superusers' reserve (3) and a few for psql and jobs. */
const POSTGRES_SPARE_CONNECTIONS = 13;

/**
 * PostgreSQL's max_connections: every pool that can be open at once, with
 * each autoscaled unit at its most replicas. At PostgreSQL's default (100)
 * the booking API scaling out in a flash sale would have been refused
 * connections (10 replicas of 10 alone), with Temporal's pools on top.
 */
export function postgresMaxConnections(env: Environment): number {
  let pools = 0;
  for (const unit of APP_UNITS) {
    const shape = schemaShape(unit);
    if (!shape?.DATABASE_URL) continue;
    pools += replicaBounds(unit, env).max * Number(shape.DATABASE_POOL_SIZE!.parse(undefined));
  }
  if (env.temporal === 'server') {
    const { SQL_MAX_CONNS, SQL_VIS_MAX_CONNS, servicesPerPod } = TEMPORAL_SQL_POOLS;
    pools += temporalServerReplicas(env) * servicesPerPod * (SQL_MAX_CONNS + SQL_VIS_MAX_CONNS);
  }
  return Math.max(100, pools + POSTGRES_SPARE_CONNECTIONS);
}

export class PostgresChart extends Chart {
  constructor(scope: Construct, id: string, { env, topology }: DataStoreProps) {
    super(scope, id, chartProps(env));
    const fromSecret = (key: string): kplus.k8s.EnvVar => ({ name: key, valueFrom: { secretKeyRef: { name: POSTGRES_SECRET, key } } });
    statefulStore(this, env, {
      name: INFRA.postgres.name,
      image: IMAGES.postgres,
      port: INFRA.postgres.port,
      uid: 70, // postgres in the alpine image
      env: [fromSecret('POSTGRES_USER'), fromSecret('POSTGRES_PASSWORD'), fromSecret('POSTGRES_DB'), { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' }],
      dataPath: '/var/lib/postgresql/data',
      args: ['-c', `max_connections=${postgresMaxConnections(env)}`],
      storageGi: env.storageGi.postgres,
      scratch: ['/var/run/postgresql', '/tmp'],
      probe: { exec: { command: ['sh', '-c', 'pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'] }, periodSeconds: 5, failureThreshold: 6 },
      resources: env.scale === 'full' ? { cpu: ['500m', '2'], memory: ['1Gi', '2Gi'] } : { cpu: ['100m', '1'], memory: ['256Mi', '512Mi'] },
    });
    const clients = [...clientsOf(topology, 'postgres'), ...(env.temporal === 'server' ? POSTGRES_EXTRA_CLIENTS : [])];
    const ingress: Route[] = clients.map((c) => ({ peer: { unit: c }, ports: [{ port: INFRA.postgres.port }] }));
    networkPolicy(this, INFRA.postgres.name, ingress, []);
  }
}

export class RedisChart extends Chart {
  constructor(scope: Construct, id: string, { env, topology }: DataStoreProps) {
    super(scope, id, chartProps(env));
    statefulStore(this, env, {
      name: INFRA.redis.name,
      image: IMAGES.redis,
      port: INFRA.redis.port,
      uid: 999, // redis in the alpine image
      // Seat views and rate limits rebuild from PostgreSQL; the waiting room's queue is what persistence keeps.
      args: ['--appendonly', 'yes', '--dir', '/data'],
      dataPath: '/data',
      storageGi: env.storageGi.redis,
      scratch: ['/tmp'],
      probe: { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 5, failureThreshold: 6 },
      resources: env.scale === 'full' ? { cpu: ['250m', '1'], memory: ['512Mi', '1Gi'] } : { cpu: ['50m', '500m'], memory: ['64Mi', '256Mi'] },
    });
    const ingress: Route[] = clientsOf(topology, 'redis').map((c) => ({ peer: { unit: c }, ports: [{ port: INFRA.redis.port }] }));
    networkPolicy(this, INFRA.redis.name, ingress, []);
  }
}
