import { join } from 'node:path';
import type { Config } from '../shared/config';
import type { RunningServer } from '../shared/http';
import { startService } from '../shared/service-kit';
import { createCatalogApp } from './app';
import { createSeatHolds } from './seat-holds';
import { createSeatMaps } from './seat-map';
import { createSeatView } from './seat-view';
import { createCatalogStore } from './store';

export function startCatalogService(cfg: Config<'catalog'>): Promise<RunningServer> {
  return startService('catalog', cfg, async (kit) => {
    const pool = await kit.database(cfg, 'catalog', join(__dirname, 'migrations'));
    const view = createSeatView(kit.redis(cfg.REDIS_URL));
    const holds = createSeatHolds(pool, view, kit.logger);
    return createCatalogApp({
      pool,
      logger: kit.logger,
      store: createCatalogStore(pool),
      holds,
      seatMaps: createSeatMaps({ pool, holds, view, logger: kit.logger }),
      serviceToken: cfg.SERVICE_TOKEN,
      verifyToken: await kit.tokenVerifier(cfg),
    });
  });
}
