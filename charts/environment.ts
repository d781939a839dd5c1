/**
 * What differs between the two places the charts deploy to. Everything else
 * (objects, wiring, probes, policies) is the same code for both, so what kind
 * runs is what production runs, minus the settings below.
 */

export type EnvironmentName = 'kind' | 'production';

export interface Environment {
  name: EnvironmentName;
  namespace: string;
  /** The one application image; the entry point is chosen by the container command. */
  image: string;
  imagePullPolicy: 'IfNotPresent' | 'Always' | 'Never';
  /**
   * kind: the charts create the Secrets with local-development values.
   * production: Deployments reference Secrets that must already exist; no value is synthesized.
   */
  createSecrets: boolean;
  /** Host name the Ingress answers for the gateway; the Temporal UI gets `temporal.<host>`. */
  ingressHost: string;
  ingressClassName: string;
  /** Whether the ingress terminates TLS (production) — decides the public URL's scheme. */
  tls: boolean;
  /** kind: one replica of everything; production: the replica counts of charts/units.ts. */
  scale: 'single' | 'full';
  /** kind: `temporal server start-dev` on a volume; production: Temporal server on the cluster PostgreSQL. */
  temporal: 'dev-server' | 'server';
  /** Local-development only: the mail sink catches every email. Production sends through an SMTP relay. */
  mailSink: boolean;
  /** Storage of PostgreSQL, Redis and the Temporal dev server (Gi). */
  storageGi: { postgres: number; redis: number; temporal: number };
  storageClassName?: string;
  /** Where the pods of the ingress controller run (NetworkPolicy: only they reach the gateway). */
  ingressControllerNamespace: string;
  /** Where Prometheus runs (NetworkPolicy: it may reach every unit's HTTP port, for /metrics). */
  monitoringNamespace: string;
  /** Whether the chart includes the Namespace object (the Helm chart leaves it to `--create-namespace`). */
  includeNamespace: boolean;
  /**
   * kind with Tilt: live update syncs TypeScript into the running container and
   * rebuilds dist/, so the root file system stays writable and node restarts
   * on changed output (`node --watch`).
   */
  liveUpdate: boolean;
}

export const KIND: Environment = {
  name: 'kind',
  namespace: 'ticketing',
  // Built by Tilt (docker_build) and loaded into kind; never pulled from a registry.
  image: 'ticketing-app:dev',
  imagePullPolicy: 'IfNotPresent',
  createSecrets: true,
  ingressHost: 'ticketing.localhost',
  ingressClassName: 'nginx',
  tls: false,
  scale: 'single',
  temporal: 'dev-server',
  mailSink: true,
  storageGi: { postgres: 2, redis: 1, temporal: 1 },
  ingressControllerNamespace: 'ingress-nginx',
  monitoringNamespace: 'monitoring',
  includeNamespace: true,
  liveUpdate: true,
};

export const PRODUCTION: Environment = {
  name: 'production',
  namespace: 'ticketing',
  image: 'registry.example.com/ticketing/app:0.1.0',
  imagePullPolicy: 'IfNotPresent',
  createSecrets: false,
  ingressHost: 'tickets.example.com',
  ingressClassName: 'nginx',
  tls: true,
  scale: 'full',
  temporal: 'server',
  mailSink: false,
  storageGi: { postgres: 50, redis: 5, temporal: 0 },
  ingressControllerNamespace: 'ingress-nginx',
  monitoringNamespace: 'monitoring',
  includeNamespace: true,
  liveUpdate: false,
};

export const ENVIRONMENTS: Record<EnvironmentName, Environment> = { kind: KIND, production: PRODUCTION };

/** Third-party images, pinned. Changing a tag here changes every chart that runs it. */
export const IMAGES = {
  postgres: 'postgres:16.4-alpine',
  redis: 'redis:7.4-alpine',
  /** The Temporal CLI image: `temporal server start-dev` (kind) and `temporal operator` (schema job). */
  temporalCli: 'temporalio/temporal:1.4.1',
  temporalServer: 'temporalio/server:1.28.1',
  /** temporal-sql-tool (schema set-up on PostgreSQL) and the temporal CLI. */
  temporalAdminTools: 'temporalio/admin-tools:1.28.1',
  temporalUi: 'temporalio/ui:2.40.1',
} as const;

/** The gateway's public URL (OpenAPI servers, links in emails). */
export function publicUrl(env: Environment): string {
  return `${env.tls ? 'https' : 'http'}://${env.ingressHost}`;
}

export function temporalUiHost(env: Environment): string {
  return `temporal.${env.ingressHost}`;
}
