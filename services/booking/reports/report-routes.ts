import type { Express } from 'express';
import type { Pool } from 'pg';
import type { AuthClient, CatalogClient, CheckinClient } from '../../../contracts/clients';
import { currentUser, hasRole, requireRole } from '../../shared/auth';
import { forbidden, HttpError, notFound } from '../../shared/errors';
import { parse, uuid } from '../../shared/validation';
import { createSalesFigures, sumByCurrency } from './sales-figures';

/** The services a report gathers its other figures from. */
export interface ReportClients {
  catalog: CatalogClient;
  checkin: CheckinClient;
  auth: AuthClient;
}

/** Another service failing is a 503 of the report, never a 500 or a wrong number. */
const ask = <T>(what: string, call: Promise<T>): Promise<T> =>
  call.catch((err) => {
    if (err instanceof HttpError && err.status < 500) throw err;
    throw new HttpError(503, 'DEPENDENCY_UNAVAILABLE', `${what} did not answer; try again`);
  });

/**
 * Reports live with booking, which owns reservations and tickets: sold and
 * revenue come from its tables, seat stock from the catalog, admissions
 * from the check-in service. Mounted after authentication.
 */
export function reportRoutes(app: Express, d: { pool: Pool; reportClients: ReportClients }): void {
  const figures = createSalesFigures(d.pool);
  const { catalog, checkin, auth } = d.reportClients;

  // The event's organizer or an admin; a non-owner is told 403, as the catalog tells them for the event itself.
  app.get('/api/v1/events/:id/sales', requireRole('organizer', 'admin'), async (req, res) => {
    const eventId = parse(uuid, req.params.id, 'path.id');
    const user = currentUser(req);
    const inventory = await ask('catalog', catalog.inventory(eventId)).catch((err) => {
      if (err instanceof HttpError && err.status === 404) throw notFound('event');
      throw err;
    });
    if (inventory.organizerId !== user.userId && !hasRole(user, 'admin')) throw forbidden('you do not own this event');
    const sessionIds = inventory.sessions.map((s) => s.sessionId);
    const [sales, checkIns] = await Promise.all([
      figures.ofSessions(sessionIds),
      ask('checkin', checkin.checkins(eventId)),
    ]);
    const admitted = new Map(checkIns.sessions.map((s) => [s.sessionId, s.admitted]));
    const sessions = inventory.sessions.map((s) => {
      const sold = sales.get(s.sessionId)!;
      // Sessions have one currency (the catalog enforces it); an unsold session shows zero in it.
      const revenue = sold.revenue[0] ?? { amount: '0.00', currency: s.currency };
      return {
        sessionId: s.sessionId,
        startsAt: s.startsAt,
        capacity: s.capacity,
        sold: sold.sold,
        reserved: s.reserved,
        available: s.available,
        revenue,
        checkIns: admitted.get(s.sessionId) ?? 0,
      };
    });
    const total = (k: 'capacity' | 'sold' | 'reserved' | 'available' | 'checkIns') => sessions.reduce((n, s) => n + s[k], 0);
    res.json({
      eventId,
      title: inventory.title,
      status: inventory.status,
      sessions,
      totals: {
        capacity: total('capacity'),
        sold: total('sold'),
        reserved: total('reserved'),
        available: total('available'),
        // Per currency: sessions of one event may be priced in different currencies.
        revenue: sumByCurrency([...sales.values()].flatMap((s) => s.revenue)),
        checkIns: total('checkIns'),
      },
      generatedAt: new Date().toISOString(),
    });
  });

  app.get('/api/v1/admin/stats', requireRole('admin'), async (_req, res) => {
    const [users, events, checkins, booking] = await Promise.all([
      ask('auth', auth.stats()),
      ask('catalog', catalog.stats()),
      ask('checkin', checkin.stats()),
      figures.platformTotals(),
    ]);
    res.json({
      users: users.users,
      events: events.events,
      reservations: booking.reservations,
      ticketsSold: booking.ticketsSold,
      revenue: booking.revenue,
      checkIns: checkins.admissions,
      generatedAt: new Date().toISOString(),
    });
  });
}
