import type { Config } from '../shared/config';
import { createServiceApp, finishApp, listen, type RunningServer } from '../shared/http';
import { createLogger } from '../shared/logger';
import { createBookingWorker, type BookingWorkerOptions } from './worker';

/** Runs the booking worker, with /healthz, /readyz and /metrics on PORT. */
export async function startWorkerService(cfg: Config<'worker'>, o: BookingWorkerOptions = {}): Promise<RunningServer> {
  const logger = createLogger('worker', cfg.LOG_LEVEL);
  const { worker, connection } = await createBookingWorker(cfg, o);
  const running = worker.run();
  running.catch((err) => logger.fatal({ err }, 'worker stopped'));
  const { app } = createServiceApp({
    name: 'worker',
    logger,
    ready: async () => {
      if (worker.getState() !== 'RUNNING') throw new Error(`worker is ${worker.getState()}`);
    },
  });
  const server = await listen(finishApp(app, logger), cfg.PORT);
  logger.info({ port: server.port, taskQueue: cfg.TEMPORAL_TASK_QUEUE }, 'worker running');
  return {
    ...server,
    close: async () => {
      await server.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}
