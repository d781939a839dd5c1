import { join } from 'node:path';
import { createTokenVerifier, loadJwks } from '../shared/auth';
import type { Config } from '../shared/config';
import { createPool, migrate } from '../shared/db';
import { listen, type RunningServer } from '../shared/http';
import { createLogger } from '../shared/logger';
import { createCatalogApp } from './app';
import { createRedis } from '../shared/redis';
import { createSeatHolds } from './seat-holds';
import { createSeatMaps } from './seat-map';
import { createSeatView } from './seat-view';
import { createCatalogStore } from './store';

export async function startCatalogService(cfg: Config<'catalog'>): Promise<RunningServer> {
  const logger = createLogger('catalog', cfg.LOG_LEVEL);
  const jwks = await loadJwks(cfg.AUTH_JWKS_URL);
  const pool = createPool(cfg.DATABASE_URL, cfg.DATABASE_POOL_SIZE);
  await migrate(pool, 'catalog', join(__dirname, 'migrations'));
  const redis = createRedis(cfg.REDIS_URL);
  const view = createSeatView(redis);
  const holds = createSeatHolds(pool, view, logger);
  const app = createCatalogApp({
    pool,
    logger,
    store: createCatalogStore(pool),
    holds,
    seatMaps: createSeatMaps({ pool, holds, view, logger }),
    serviceToken: cfg.SERVICE_TOKEN,
    verifyToken: createTokenVerifier({ lookup: jwks.lookup, issuer: cfg.JWT_ISSUER, audience: cfg.JWT_AUDIENCE }),
  });
  const server = await listen(app, cfg.PORT);
  logger.info({ port: server.port }, 'catalog listening');
  return {
    ...server,
    close: async () => {
      await server.close();
      jwks.stop();
      redis.disconnect();
      await pool.end();
    },
  };
}
