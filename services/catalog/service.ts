import { join } from 'node:path';
import { authClient, bookingClient } from '../../contracts/clients';
import type { Config } from '../shared/config';
import type { RunningServer } from '../shared/http';
import { openOutbox } from '../shared/outbox';
import { createServiceClient } from '../shared/service-client';
import { startService } from '../shared/service-kit';
import { createCatalogApp } from './app';
import type { CatalogTopics } from './cancellation-outbox';
import { createLiveSeatMaps, createSeatPublisher } from './live-seat-map';
import { createSeatHolds } from './seat-holds';
import { createSeatMaps } from './seat-map';
import { createSeatView } from './seat-view';
import { createSeatViewRepair } from './seat-view-repair';
import { createCatalogStore } from './store';

export function startCatalogService(cfg: Config<'catalog'>): Promise<RunningServer> {
  return startService('catalog', cfg, async (kit) => {
    const pool = await kit.database(cfg, 'catalog', join(__dirname, 'migrations'));
    const redis = kit.redis(cfg.REDIS_URL);
    const booking = bookingClient(createServiceClient(cfg.BOOKING_URL, cfg.SERVICE_TOKEN, { logger: kit.logger }));
    const auth = authClient(createServiceClient(cfg.AUTH_URL, cfg.SERVICE_TOKEN, { logger: kit.logger }));
    const outbox = await openOutbox<CatalogTopics>({
      pool,
      schema: 'catalog',
      queue: cfg.OUTBOX_QUEUE,
      logger: kit.logger,
      deliver: {
        audit: auth.appendAudit,
        'event-cancellation': ({ eventId, requestedBy }) => booking.startEventCancellation(eventId, { requestedBy }),
      },
    });
    outbox.start();
    kit.onClose(() => outbox.stop());
    const view = createSeatView(redis);
    // The repair refreshes through the holds, which report the changes it must repair: wired both ways.
    const missed = (sessionId: string) => repair.missed(sessionId);
    const holds = createSeatHolds(pool, view, kit.logger, createSeatPublisher(redis), missed);
    const repair = createSeatViewRepair({ redis, view, refresh: holds.refreshView, logger: kit.logger });
    kit.onClose(repair.stop);
    const seatMaps = createSeatMaps({ pool, holds, view, logger: kit.logger });
    return createCatalogApp({
      pool,
      logger: kit.logger,
      store: createCatalogStore(pool),
      holds,
      seatMaps,
      // A subscribed Redis connection can do nothing else: the live maps get their own.
      liveSeatMap: createLiveSeatMaps({ subscriber: kit.redis(cfg.REDIS_URL), seatMaps, logger: kit.logger }),
      // New layout, new seat ids: the cached layout and the Redis view of its sessions are rebuilt.
      onLayoutChanged: async (sessionIds) => {
        sessionIds.forEach(seatMaps.forget);
        await Promise.all(sessionIds.map((id) => view.invalidate(id)));
      },
      outbox,
      serviceToken: cfg.SERVICE_TOKEN,
      verifyToken: await kit.tokenVerifier(cfg),
    });
  });
}
