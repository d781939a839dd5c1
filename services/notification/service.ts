import { join } from 'node:path';
import { bookingClient } from '../../contracts/clients';
import type { Config } from '../shared/config';
import type { RunningServer } from '../shared/http';
import { createServiceClient } from '../shared/service-client';
import { startService } from '../shared/service-kit';
import { createNotificationApp, deliveryCounter } from './app';
import { startDispatcher } from './dispatcher';
import { createMailer } from './mailer';
import { createMessageStore } from './store';

export function startNotificationService(cfg: Config<'notification'>): Promise<RunningServer> {
  return startService('notification', cfg, async (kit) => {
    const pool = await kit.database(cfg, 'notification', join(__dirname, 'migrations'));
    const store = createMessageStore(pool, cfg.NOTIFY_QUEUE);
    const booking = bookingClient(createServiceClient(cfg.BOOKING_URL, cfg.SERVICE_TOKEN, { logger: kit.logger }));
    const mailer = createMailer(cfg, booking.ticketsPdf);
    kit.onClose(() => mailer.close());
    let wake = () => undefined as void;
    const { app, metrics } = createNotificationApp({ pool, store, serviceToken: cfg.SERVICE_TOKEN, logger: kit.logger, onQueued: () => wake() });
    const deliveries = deliveryCounter(metrics);
    const dispatcher = startDispatcher({
      store,
      send: mailer.send,
      logger: kit.logger,
      pollMs: cfg.NOTIFY_POLL_MS,
      maxAttempts: cfg.NOTIFY_MAX_ATTEMPTS,
      retryBaseMs: cfg.NOTIFY_RETRY_BASE_MS,
      onOutcome: (outcome) => deliveries.inc({ outcome }),
    });
    wake = dispatcher.wake;
    // Registered after the pool, so it runs before the pool closes: the round in flight finishes first.
    kit.onClose(() => dispatcher.stop());
    return app;
  });
}
