import type { Express, Request } from 'express';
import type { Pool } from 'pg';
import { audited, type AuditTopic } from '../shared/audit-trail';
import { authenticate, currentUser, requireRole, requireService, type VerifyToken } from '../shared/auth';
import { HttpError, notFound } from '../shared/errors';
import { createServiceApp, finishApp } from '../shared/http';
import type { Logger } from '../shared/logger';
import type { Outbox } from '../shared/outbox';
import type { BookingClient, CatalogClient } from '../../contracts/clients';
import { parse, uuid } from '../shared/validation';
import type { Admissions } from './admissions';
import { createScanCounter } from './checkin-metrics';
import { checkinKit } from './checkin-kit';
import { ask, assertMayScan, type Door } from './door';
import type { EventKeys } from './event-keys';
import { ScanBody } from '../../contracts/checkin';

export interface CheckinDeps {
  pool: Pool;
  admissions: Admissions;
  door: Door;
  booking: BookingClient;
  catalog: CatalogClient;
  eventKey: EventKeys;
  /** Audit entries (kits issued), delivered to auth's log. */
  outbox: Outbox<AuditTopic>;
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
    const [voided, admitted, key] = await Promise.all([
      ask('booking', () => d.booking.voidedTickets(eventId)),
      d.admissions.admittedTicketIds(eventId),
      ask('booking', () => d.eventKey(eventId)),
    ]);
    const kit = checkinKit(eventId, key.raw, voided.ticketIds, admitted);
    // Who took which event's kit, and when: recorded before it is handed out.
    await audited(d.outbox, req, () => ({
      action: 'checkin_kit.issued',
      subjectId: eventId,
      details: { voided: voided.ticketIds.length, admitted: admitted.length, generatedAt: kit.generatedAt },
    }))(d.pool, kit);
    // The lists are a snapshot of this moment: never cached by anything in between.
    res.set('Cache-Control', 'no-store').json(kit);
  });

  return finishApp(app, d.logger);
}
