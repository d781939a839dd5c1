import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { authClient, catalogClient, checkinClient } from '../../contracts/clients';
import type { AuditTopic } from '../shared/audit-trail';
import type { Config } from '../shared/config';
import type { RunningServer } from '../shared/http';
import { openOutbox } from '../shared/outbox';
import { createServiceClient } from '../shared/service-client';
import { startService } from '../shared/service-kit';
import { createBookingApp } from './app';
import { temporalClientInterceptors } from './temporal-interceptors';
import { createBookings } from './bookings';
import { createSeatClaims } from './seat-claims';
import { createSessionPlaces } from './session-places';
import { createSessionEvents } from './session-events';
import { createCallMeter } from './flow-control/call-meter';
import { createTemporalBulkhead } from './flow-control/temporal-bulkhead';
import { createBookingStore } from './store';
import { createTicketKeys } from './tickets/ticket-keys';
import { overflowRate } from './waiting-room/admission-math';
import { createWaitingRoom } from './waiting-room/waiting-room';

export function startBookingService(cfg: Config<'booking'>): Promise<RunningServer> {
  return startService('booking', cfg, async (kit) => {
    const pool = await kit.database(cfg, 'booking', join(__dirname, 'migrations'));
    const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
    kit.onClose(() => connection.close());
    const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE, interceptors: { workflow: temporalClientInterceptors(kit.tracing) } });
    const ticketKeys = createTicketKeys(cfg.TICKET_KEYPAIR_SECRET);
    const store = createBookingStore(pool, ticketKeys);
    const redis = kit.redis(cfg.REDIS_URL);
    const catalog = catalogClient(createServiceClient(cfg.CATALOG_URL, cfg.SERVICE_TOKEN, { logger: kit.logger }));
    const auth = authClient(createServiceClient(cfg.AUTH_URL, cfg.SERVICE_TOKEN, { logger: kit.logger }));
    const outbox = await openOutbox<AuditTopic>({ pool, schema: 'booking', queue: cfg.OUTBOX_QUEUE, logger: kit.logger, deliver: { audit: auth.appendAudit } });
    outbox.start();
    kit.onClose(() => outbox.stop());
    const settings = {
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      holdTtlMs: cfg.HOLD_TTL_SECONDS * 1000,
      paymentWaitMs: cfg.PAYMENT_WAIT_SECONDS * 1000,
      maxSeats: cfg.MAX_SEATS_PER_RESERVATION,
      temporalTimeoutMs: cfg.TEMPORAL_CALL_TIMEOUT_MS,
      // A claim outlives the longest a reservation request can take: its wait for a turn, then its call.
      claimTtlMs: cfg.TEMPORAL_QUEUE_TIMEOUT_MS + cfg.TEMPORAL_CALL_TIMEOUT_MS + 5_000,
    };
    const calls = createCallMeter(redis, cfg.TEMPORAL_TASK_QUEUE);
    // Queue polls and general-admission requests ask every time; a second is as stale as either may be.
    const places = createSessionPlaces(catalog, kit.logger, 1_000);
    const bulkhead = createTemporalBulkhead({
      maxInFlight: cfg.TEMPORAL_MAX_IN_FLIGHT,
      maxWaitMs: cfg.TEMPORAL_QUEUE_TIMEOUT_MS,
      shedAfterMs: cfg.TEMPORAL_SHED_AFTER_MS,
      settled: () => calls.record(),
    });
    return createBookingApp({
      pool,
      connection,
      temporal: client,
      paymentWebhookSecret: cfg.PAYMENT_WEBHOOK_SECRET,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      store,
      ticketKeys,
      outbox,
      waitingRoom: createWaitingRoom({
        pool,
        redis,
        catalog,
        places,
        tokenKey: cfg.WAITING_ROOM_TOKEN_KEY,
        admissionTtlMs: cfg.WAITING_ROOM_ADMISSION_TTL_SECONDS * 1000,
        logger: kit.logger,
        ...(cfg.WAITING_ROOM_ON_OVERFLOW
          ? {
              overflow: {
                rate: async () =>
                  overflowRate(
                    await calls.perSecond().catch((err: unknown) => {
                      kit.logger.warn({ err }, 'booking throughput unknown (Redis); an overflow room takes the least rate');
                      return 0;
                    }),
                  ),
                load: () => (bulkhead.congested() ? 'congested' : bulkhead.quick() ? 'quick' : 'steady'),
              },
            }
          : {}),
      }),
      sessionEvents: createSessionEvents(catalog),
      logger: kit.logger,
      serviceToken: cfg.SERVICE_TOKEN,
      clients: {
        catalog,
        checkin: checkinClient(createServiceClient(cfg.CHECKIN_URL, cfg.SERVICE_TOKEN, { logger: kit.logger })),
        auth,
      },
      verifyToken: await kit.tokenVerifier(cfg),
      bookings: createBookings(client, store, settings, createSeatClaims(redis), places, bulkhead, kit.logger),
    });
  });
}
