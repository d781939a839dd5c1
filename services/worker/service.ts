import { Gauge } from 'prom-client';
import type { Config } from '../shared/config';
import { createServiceApp, finishApp, type RunningServer } from '../shared/http';
import { startService } from '../shared/service-kit';
import { createBookingWorker, type BookingWorkerOptions } from './worker';

/** Runs the booking worker, with /healthz, /readyz and /metrics on PORT. */
export function startWorkerService(cfg: Config<'worker'>, o: BookingWorkerOptions = {}): Promise<RunningServer> {
  return startService('worker', cfg, async (kit) => {
    const { worker, connection } = await createBookingWorker(cfg, { logger: kit.logger, ...o });
    const running = worker.run();
    running.catch((err) => kit.logger.fatal({ err }, 'worker stopped'));
    kit.onClose(() => connection.close());
    kit.onClose(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    });
    const { app, metrics } = createServiceApp({
      name: 'worker',
      logger: kit.logger,
      ready: async () => {
        if (worker.getState() !== 'RUNNING') throw new Error(`worker is ${worker.getState()}`);
      },
    });
    // At its maximum, the cache evicts: bookings then replay their histories (WORKER_MAX_CACHED_WORKFLOWS).
    new Gauge({
      name: 'temporal_worker_cached_workflows',
      help: 'Workflows this worker keeps in memory between their tasks',
      registers: [metrics.registry],
      collect() {
        this.set(worker.getStatus().numCachedWorkflows);
      },
    });
    new Gauge({
      name: 'temporal_worker_max_cached_workflows',
      help: 'The most workflows this worker keeps in memory (WORKER_MAX_CACHED_WORKFLOWS)',
      registers: [metrics.registry],
    }).set(cfg.WORKER_MAX_CACHED_WORKFLOWS);
    return finishApp(app, kit.logger);
  });
}
