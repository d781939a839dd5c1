import { NativeConnection, Worker } from '@temporalio/worker';
import { createBookingActivities } from '../../activities/booking';
import { createRefundActivities } from '../../activities/refunds';
import { authClient, bookingClient, catalogClient, notificationClient, paymentClient } from '../../contracts/clients';
import type { Config } from '../shared/config';
import type { Logger } from '../shared/logger';
import { createServiceClient } from '../shared/service-client';
import { WORKFLOW_BUNDLE } from './bundle';

export interface BookingWorkerOptions {
  /** A pre-built bundle; defaults to the one `npm run build` writes. */
  workflowBundlePath?: string;
  /** Where the activities' circuit breakers say when an upstream's circuit opens and closes. */
  logger?: Logger;
}

export async function createBookingWorker(cfg: Config<'worker'>, o: BookingWorkerOptions = {}) {
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const client = (url: string) => createServiceClient(url, cfg.SERVICE_TOKEN, { logger: o.logger });
  const catalog = catalogClient(client(cfg.CATALOG_URL));
  const booking = bookingClient(client(cfg.BOOKING_URL));
  const worker = await Worker.create({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: o.workflowBundlePath ?? WORKFLOW_BUNDLE },
    maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
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
