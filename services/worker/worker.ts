import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import { NativeConnection, Worker, type ActivityInterceptorsFactory, type InjectedSinks } from '@temporalio/worker';
import { createBookingActivities } from '../../activities/booking';
import { createRefundActivities } from '../../activities/refunds';
import { authClient, bookingClient, catalogClient, notificationClient, paymentClient } from '../../contracts/clients';
import type { Config } from '../shared/config';
import type { Logger } from '../shared/logger';
import { createServiceClient } from '../shared/service-client';
import type { Tracing } from '../shared/tracing';
import { correlationActivityInterceptor } from './activity-interceptors';
import { WORKFLOW_BUNDLE } from './bundle';

export interface BookingWorkerOptions {
  /** A pre-built bundle; defaults to the one `npm run build` writes. */
  workflowBundlePath?: string;
  /** Where the activities' circuit breakers say when an upstream's circuit opens and closes. */
  logger?: Logger;
}

interface WorkerWiring extends BookingWorkerOptions {
  logger: Logger;
  /** Set when tracing is on: activities get spans, and workflows' spans (made in the sandbox) leave through it. */
  tracing?: Tracing;
}

/**
 * Temporal's OpenTelemetry parts on the worker's side: a span per activity,
 * and the sink the workflows' interceptor (in the bundle) exports its spans
 * to. Loaded only with tracing on; off, the sink is a no-op (only a start
 * that carried a trace context makes a workflow use it).
 */
function temporalTracing(tracing: Tracing | undefined): { activity: ActivityInterceptorsFactory[]; sinks: InjectedSinks<OpenTelemetrySinks> } {
  if (!tracing) return { activity: [], sinks: { exporter: { export: { fn: () => undefined } } } };
  const otel = require('@temporalio/interceptors-opentelemetry/lib/worker') as typeof import('@temporalio/interceptors-opentelemetry/lib/worker');
  return {
    activity: [(ctx) => ({ inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx) })],
    sinks: { exporter: otel.makeWorkflowExporter(tracing.processor, tracing.resource) },
  };
}

export async function createBookingWorker(cfg: Config<'worker'>, o: WorkerWiring) {
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const client = (url: string) => createServiceClient(url, cfg.SERVICE_TOKEN, { logger: o.logger });
  const catalog = catalogClient(client(cfg.CATALOG_URL));
  const booking = bookingClient(client(cfg.BOOKING_URL));
  const traced = temporalTracing(o.tracing);
  const worker = await Worker.create({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: o.workflowBundlePath ?? WORKFLOW_BUNDLE },
    maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
    // The workflow side is in the bundle (services/worker/bundle.ts); this is the activity side.
    interceptors: {
      activity: [correlationActivityInterceptor(o.logger), ...traced.activity],
    },
    sinks: traced.sinks,
    // On shutdown (SIGTERM) the activities under way get this long to finish before they are cancelled (and retried elsewhere).
    shutdownGraceTime: cfg.SHUTDOWN_GRACE_SECONDS * 1000,
    activities: {
      ...createRefundActivities({ catalog, booking }),
      ...createBookingActivities({
        catalog,
        booking,
        payment: paymentClient(client(cfg.PAYMENT_URL)),
        notification: notificationClient(client(cfg.NOTIFICATION_URL)),
        auth: authClient(client(cfg.AUTH_URL)),
      }),
    },
  });
  return { worker, connection };
}
