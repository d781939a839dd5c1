/**
 * The deployable units built from this repository's one image: their ports,
 * entry points, sizes and scaling. Ports and entries are the platform's
 * (contracts/platform.ts), so a local run and a pod agree on both.
 */
import type { Environment } from './environment';
import { MAIL_SINK_SMTP_PORT, SERVICE_PORTS, serviceEntry, type ServiceName as PlatformServiceName } from '../contracts/platform';
import type { ServiceName } from '../services/shared/config';

export type AppUnitName = PlatformServiceName | 'operator';

export interface Resources {
  cpu: { requestMillis: number; limitMillis: number };
  memoryMi: { request: number; limit: number };
}

export interface AppUnit {
  name: AppUnitName;
  /** The key of its schema in services/shared/config.ts. */
  configKey: ServiceName | 'operator';
  /** HTTP port: PORT env, containerPort, probe port and Service port. */
  port: number;
  /** Compiled entry point, relative to the image's working directory (the repository root). */
  entry: string;
  /** Further ports the container listens on (named for the Service). */
  extraPorts?: { name: string; port: number }[];
  /** Replicas in production (kind runs one of each). */
  replicas: number;
  /** HorizontalPodAutoscaler bounds in production, on CPU utilisation. */
  autoscale?: { min: number; max: number; cpuPercent: number };
  resources: Resources;
  /**
   * The JavaScript heap (--max-old-space-size, MiB), where the default that
   * Node derives from the container's memory is too small for what the unit
   * keeps in memory.
   */
  heapMi?: number;
  /** Only deployed where the environment has a mail sink. */
  devOnly?: boolean;
  /** Needs the Kubernetes API (ServiceAccount token, RBAC). */
  kubeApi?: boolean;
}

const small: Resources = { cpu: { requestMillis: 100, limitMillis: 500 }, memoryMi: { request: 128, limit: 256 } };
const medium: Resources = { cpu: { requestMillis: 250, limitMillis: 1000 }, memoryMi: { request: 192, limit: 512 } };

function platformService(name: PlatformServiceName): Pick<AppUnit, 'name' | 'port' | 'entry'> {
  return { name, port: SERVICE_PORTS[name], entry: serviceEntry(name) };
}

export const OPERATOR_PORT = 4008;

export const APP_UNITS: readonly AppUnit[] = [
  { ...platformService('gateway'), configKey: 'gateway', replicas: 2, autoscale: { min: 2, max: 10, cpuPercent: 70 }, resources: medium },
  { ...platformService('auth'), configKey: 'auth', replicas: 2, resources: medium },
  { ...platformService('catalog'), configKey: 'catalog', replicas: 2, resources: medium },
  { ...platformService('booking'), configKey: 'booking', replicas: 2, autoscale: { min: 2, max: 10, cpuPercent: 70 }, resources: medium },
  { ...platformService('payment'), configKey: 'payment', replicas: 2, resources: small },
  // The Temporal worker: its HTTP port serves only /healthz, /readyz and /metrics.
  {
    ...platformService('worker'),
    configKey: 'worker',
    replicas: 2,
    autoscale: { min: 2, max: 8, cpuPercent: 70 },
    resources: { cpu: { requestMillis: 250, limitMillis: 1000 }, memoryMi: { request: 256, limit: 768 } },
    // Its workflow cache (WORKER_MAX_CACHED_WORKFLOWS, ~174 KiB each), with room for the native core below the limit.
    heapMi: 512,
  },
  { ...platformService('notification'), configKey: 'notification', replicas: 2, resources: small },
  { ...platformService('checkin'), configKey: 'checkin', replicas: 2, resources: small },
  {
    ...platformService('mail-sink'),
    configKey: 'mail-sink',
    extraPorts: [{ name: 'smtp', port: MAIL_SINK_SMTP_PORT }],
    replicas: 1,
    resources: small,
    devOnly: true,
  },
  // Two replicas: leader election keeps one acting, the other takes over.
  { name: 'operator', configKey: 'operator', port: OPERATOR_PORT, entry: serviceEntry('operator'), replicas: 2, resources: small, kubeApi: true },
];

/** A unit's replicas in an environment: its Deployment starts at min, its autoscaler (if any) goes up to max. */
export function replicaBounds(unit: AppUnit, env: Pick<Environment, 'scale'>): { min: number; max: number } {
  if (env.scale !== 'full') return { min: 1, max: unit.autoscale ? 2 : 1 };
  return unit.autoscale ? { min: unit.autoscale.min, max: unit.autoscale.max } : { min: unit.replicas, max: unit.replicas };
}

export function appUnit(name: AppUnitName): AppUnit {
  const unit = APP_UNITS.find((u) => u.name === name);
  if (!unit) throw new Error(`no deployable unit named ${name}`);
  return unit;
}

/** Kubernetes object names of the infrastructure units (also their DNS names). */
export const INFRA = {
  postgres: { name: 'postgres', port: 5432 },
  redis: { name: 'redis', port: 6379 },
  /** The frontend's gRPC port; the kind dev server also serves its UI on 8233. */
  temporal: { name: 'temporal', port: 7233 },
  temporalUi: { name: 'temporal-ui', port: 8233 },
} as const;
