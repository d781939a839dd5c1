import { join } from 'node:path';
import { bookingClient, catalogClient } from '../../contracts/clients';
import type { Config } from '../shared/config';
import type { RunningServer } from '../shared/http';
import { createServiceClient } from '../shared/service-client';
import { startService } from '../shared/service-kit';
import { createAdmissions } from './admissions';
import { createCheckinApp } from './app';
import { createDoor } from './door';

export function startCheckinService(cfg: Config<'checkin'>): Promise<RunningServer> {
  return startService('checkin', cfg, async (kit) => {
    const pool = await kit.database(cfg, 'checkin', join(__dirname, 'migrations'));
    const admissions = createAdmissions(pool);
    const booking = bookingClient(createServiceClient(cfg.BOOKING_URL, cfg.SERVICE_TOKEN, { logger: kit.logger }));
    const catalog = catalogClient(createServiceClient(cfg.CATALOG_URL, cfg.SERVICE_TOKEN, { logger: kit.logger }));
    return createCheckinApp({
      pool,
      admissions,
      door: createDoor({ masterKey: cfg.TICKET_SIGNING_KEY, admissions, booking, catalog }),
      booking,
      catalog,
      masterKey: cfg.TICKET_SIGNING_KEY,
      logger: kit.logger,
      serviceToken: cfg.SERVICE_TOKEN,
      verifyToken: await kit.tokenVerifier(cfg),
    });
  });
}
