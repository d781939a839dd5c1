import { NativeConnection, Worker } from '@temporalio/worker';
import { createBookingActivities } from '../../activities/booking';
import { createRefundActivities } from '../../activities/refunds';
import type { Config } from '../shared/config';
import { createServiceClient } from '../shared/service-client';
import { WORKFLOW_BUNDLE } from './bundle';

export interface BookingWorkerOptions {
  /** A pre-built bundle; defaults to the one `npm run build` writes. */
  workflowBundlePath?: string;
}

export async function createBookingWorker(cfg: Config<'worker'>, o: BookingWorkerOptions = {}) {
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const catalog = createServiceClient(cfg.CATALOG_URL, cfg.SERVICE_TOKEN);
  const booking = createServiceClient(cfg.BOOKING_URL, cfg.SERVICE_TOKEN);
  const worker = await Worker.create({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: o.workflowBundlePath ?? WORKFLOW_BUNDLE },
    maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
    activities: {
      ...createRefundActivities({ catalog, booking }),
      ...createBookingActivities({
        catalog,
        booking,
        payment: createServiceClient(cfg.PAYMENT_URL, cfg.SERVICE_TOKEN),
        notification: createServiceClient(cfg.NOTIFICATION_URL, cfg.SERVICE_TOKEN),
        auth: createServiceClient(cfg.AUTH_URL, cfg.SERVICE_TOKEN),
      }),
    },
  });
  return { worker, connection };
}
