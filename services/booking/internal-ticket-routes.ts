import type { Express } from 'express';
import { requireService } from '../shared/auth';
import { notFound } from '../shared/errors';
import { parse, uuid } from '../shared/validation';
import type { BookingDeps } from './app';

/** What the check-in service asks about tickets: is this one still valid, and which of an event's were voided. */
export function internalTicketRoutes(app: Express, d: Pick<BookingDeps, 'pool' | 'store' | 'serviceToken'>): void {
  const internal = requireService(d.serviceToken);

  app.get('/internal/tickets/:id', internal, async (req, res) => {
    const ticket = await d.store.ticket(parse(uuid, req.params.id, 'path.id'));
    if (!ticket) throw notFound('ticket');
    // The door checks state, not the code: the code it holds was already verified.
    const { code: _code, ...view } = ticket;
    res.json(view);
  });

  // The revocation list of offline scanners: a signed code stays valid-looking forever, so voids travel separately.
  app.get('/internal/events/:id/voided-tickets', internal, async (req, res) => {
    const eventId = parse(uuid, req.params.id, 'path.id');
    const { rows } = await d.pool.query(
      `SELECT id FROM booking.tickets WHERE event_id = $1 AND status = 'void' ORDER BY voided_at NULLS LAST, id`,
      [eventId],
    );
    res.json({ eventId, ticketIds: rows.map((r) => r.id as string) });
  });
}
