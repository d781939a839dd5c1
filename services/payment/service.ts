import { join } from 'node:path';
import type { Config } from '../shared/config';
import { createPool, migrate } from '../shared/db';
import { listen, type RunningServer } from '../shared/http';
import { createLogger } from '../shared/logger';
import { createPaymentApp } from './app';
import { createProvider } from './provider';

export async function startPaymentService(cfg: Config<'payment'>): Promise<RunningServer> {
  const logger = createLogger('payment', cfg.LOG_LEVEL);
  const pool = createPool(cfg.DATABASE_URL, cfg.DATABASE_POOL_SIZE);
  await migrate(pool, 'payment', join(__dirname, 'migrations'));
  const app = createPaymentApp({ pool, logger, provider: createProvider(pool), serviceToken: cfg.SERVICE_TOKEN });
  const server = await listen(app, cfg.PORT);
  logger.info({ port: server.port }, 'payment listening');
  return { ...server, close: async () => (await server.close(), await pool.end()) };
}
