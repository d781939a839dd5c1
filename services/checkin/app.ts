import type { Express, Request } from 'express';
import type { Pool } from 'pg';
import { authenticate, currentUser, requireRole, requireService, type VerifyToken } from '../shared/auth';
import { HttpError, notFound } from '../shared/errors';
import { createServiceApp, finishApp } from '../shared/http';
import type { Logger } from '../shared/logger';
import type { BookingClient, CatalogClient } from '../../contracts/clients';
import { parse, uuid } from '../shared/validation';
import type { Admissions } from './admissions';
import { createScanCounter } from './checkin-metrics';
import { checkinKit } from './checkin-kit';
import { ask, assertMayScan, type Door } from './door';
import { ScanBody } from '../../contracts/checkin';

export interface CheckinDeps {
  pool: Pool;
  admissions: Admissions;
  door: Door;
  booking: BookingClient;
  catalog: CatalogClient;
  masterKey: string;
  verifyToken: VerifyToken;
  serviceToken: string;
  logger: Logger;
}

const id = (req: Request) => parse(uuid, req.params.id, 'path.id');

export function createCheckinApp(d: CheckinDeps): Express {
  const { app, metrics } = createServiceApp({ name: 'checkin', logger: d.logger, ready: async () => void (await d.pool.query('SELECT 1')) });
  const scans = createScanCounter(metrics.registry);

  // Internal: counts for the booking service's reports.
  const internal = requireService(d.serviceToken);
  app.get('/internal/events/:id/checkins', internal, async (req, res) => {
    const eventId = id(req);
    const sessions = await d.admissions.countsBySession(eventId);
    res.json({ eventId, sessions, admitted: sessions.reduce((n, s) => n + s.admitted, 0) });
  });
  app.get('/internal/stats', internal, async (_req, res) => {
    res.json(await d.admissions.totals());
  });

  app.use(authenticate(d.verifyToken));
  const scanner = requireRole('staff', 'organizer');

  app.post('/api/v1/checkin', scanner, async (req, res) => {
    const body = parse(ScanBody, req.body);
    const admitted = await d.door(currentUser(req), body.code, body.door).catch((err: unknown) => {
      scans.refused(err);
      throw err;
    });
    scans.admitted();
    res.json(admitted);
  });

  app.get('/api/v1/events/:id/checkin-kit', scanner, async (req, res) => {
    const eventId = id(req);
    const owner = await ask('catalog', () => d.catalog.inventory(eventId)).catch((err) => {
      if (err instanceof HttpError && err.status === 404) throw notFound('event');
      throw err;
    });
    await assertMayScan(currentUser(req), async () => owner.organizerId);
    const [voided, admitted] = await Promise.all([
      ask('booking', () => d.booking.voidedTickets(eventId)),
      d.admissions.admittedTicketIds(eventId),
    ]);
    d.logger.info({ eventId, userId: currentUser(req).userId }, 'check-in kit issued');
    // The kit holds a signing key: never cached by anything in between.
    res.set('Cache-Control', 'no-store').json(checkinKit(d.masterKey, eventId, voided.ticketIds, admitted));
  });

  return finishApp(app, d.logger);
}
