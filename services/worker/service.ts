import type { Config } from '../shared/config';
import { createServiceApp, finishApp, type RunningServer } from '../shared/http';
import { startService } from '../shared/service-kit';
import { createBookingWorker, type BookingWorkerOptions } from './worker';

/** Runs the booking worker, with /healthz, /readyz and /metrics on PORT. */
export function startWorkerService(cfg: Config<'worker'>, o: BookingWorkerOptions = {}): Promise<RunningServer> {
  return startService('worker', cfg, async (kit) => {
    const { worker, connection } = await createBookingWorker(cfg, o);
    const running = worker.run();
    running.catch((err) => kit.logger.fatal({ err }, 'worker stopped'));
    kit.onClose(() => connection.close());
    kit.onClose(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    });
    const { app } = createServiceApp({
      name: 'worker',
      logger: kit.logger,
      ready: async () => {
        if (worker.getState() !== 'RUNNING') throw new Error(`worker is ${worker.getState()}`);
      },
    });
    return finishApp(app, kit.logger);
  });
}
