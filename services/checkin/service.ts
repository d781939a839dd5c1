import { join } from 'node:path';
import { authClient, bookingClient, catalogClient } from '../../contracts/clients';
import type { AuditTopic } from '../shared/audit-trail';
import type { Config } from '../shared/config';
import type { RunningServer } from '../shared/http';
import { openOutbox } from '../shared/outbox';
import { createServiceClient } from '../shared/service-client';
import { startService } from '../shared/service-kit';
import { createAdmissions } from './admissions';
import { createCheckinApp } from './app';
import { createDoor } from './door';
import { createEventKeys } from './event-keys';

export function startCheckinService(cfg: Config<'checkin'>): Promise<RunningServer> {
  return startService('checkin', cfg, async (kit) => {
    const pool = await kit.database(cfg, 'checkin', join(__dirname, 'migrations'));
    const admissions = createAdmissions(pool);
    const booking = bookingClient(createServiceClient(cfg.BOOKING_URL, cfg.SERVICE_TOKEN, { logger: kit.logger }));
    const catalog = catalogClient(createServiceClient(cfg.CATALOG_URL, cfg.SERVICE_TOKEN, { logger: kit.logger }));
    const auth = authClient(createServiceClient(cfg.AUTH_URL, cfg.SERVICE_TOKEN, { logger: kit.logger }));
    const outbox = await openOutbox<AuditTopic>({ pool, schema: 'checkin', queue: cfg.OUTBOX_QUEUE, logger: kit.logger, deliver: { audit: auth.appendAudit } });
    outbox.start();
    kit.onClose(() => outbox.stop());
    // A door scan waits at most this long for an event's public key (asked once per event).
    const eventKey = createEventKeys(booking, { timeoutMs: 5_000 });
    return createCheckinApp({
      pool,
      admissions,
      door: createDoor({ keys: { eventKey, legacyMasterKey: cfg.TICKET_SIGNING_KEY }, admissions, booking, catalog }),
      booking,
      catalog,
      eventKey,
      outbox,
      logger: kit.logger,
      serviceToken: cfg.SERVICE_TOKEN,
      verifyToken: await kit.tokenVerifier(cfg),
    });
  });
}
