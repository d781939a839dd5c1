/**
 * Facts about the platform that the local stack (devstack/) and the
 * Kubernetes manifests (charts/) both need, so a local run and a pod agree:
 * which services exist and on which port, the Temporal namespace and task
 * queue, who issues access tokens and for whom.
 */
export { SEARCH_ATTRIBUTE_TYPES } from './search-attributes';

export type ServiceName = 'gateway' | 'auth' | 'catalog' | 'booking' | 'payment' | 'worker' | 'notification' | 'checkin' | 'mail-sink';

/** Each service's HTTP port (the worker's serves only health and metrics). */
export const SERVICE_PORTS: Readonly<Record<ServiceName, number>> = {
  gateway: 8080,
  auth: 4001,
  catalog: 4002,
  booking: 4003,
  payment: 4004,
  worker: 4005,
  notification: 4006,
  checkin: 4007,
  // Local development only: catches every email; its web page lists them.
  'mail-sink': 8025,
};

/**
 * The Temporal SDK's own Prometheus exporter in the worker, on loopback only:
 * the worker's /metrics serves its lines, so nothing outside the pod uses it.
 */
export const WORKER_SDK_METRICS_PORT = 9464;

/** A service's compiled entry point, relative to the repository root (and to the image's working directory). */
export const serviceEntry = (name: ServiceName | 'operator') => `dist/services/${name}/main.js`;

/** The mail sink's SMTP port (its HTTP port lists what it received). */
export const MAIL_SINK_SMTP_PORT = 1025;

export const TEMPORAL_NAMESPACE = 'default';
export const TEMPORAL_TASK_QUEUE = 'booking';

export const JWT_ISSUER = 'ticketing-auth';
export const JWT_AUDIENCE = 'ticketing';

/** Local-development default only (`npm run up`, the kind cluster): the admin auth creates at start-up. Never a deployment's. */
export const DEMO_ADMIN = { email: 'admin@demo.test', password: 'Control-room-2026!' } as const;
