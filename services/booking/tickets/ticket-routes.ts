import type { Express } from 'express';
import type { Pool } from 'pg';
import QRCode from 'qrcode';
import { TicketDocumentsBody, type EventTicketKey } from '../../../contracts/booking';
import { TICKET_KEY_ALGORITHM } from '../../../contracts/ticket-code';
import type { AuthClient, CatalogClient } from '../../../contracts/clients';
import type { Ticket } from '../../../contracts/domain';
import { currentUser, hasRole, requireService, type Principal } from '../../shared/auth';
import { conflict, notFound } from '../../shared/errors';
import { parse, uuid } from '../../shared/validation';
import type { BookingStore } from '../store';
import { renderTicketsPdf } from './ticket-pdf';
import type { TicketKeys } from './ticket-keys';

export const ticketView = (t: Ticket) => ({ ...t, qrUrl: `/api/v1/tickets/${t.id}/qr` });

export interface TicketRouteDeps {
  pool: Pool;
  store: BookingStore;
  serviceToken: string;
  catalog: CatalogClient;
  auth: AuthClient;
}

/**
 * What the check-in service asks about tickets (is this one still valid,
 * which of an event's were voided, which public key verifies an event's
 * codes) and the notification service's PDF attachments: routes no buyer reaches.
 */
export function internalTicketRoutes(app: Express, d: Pick<TicketRouteDeps, 'pool' | 'store' | 'serviceToken'> & { ticketKeys: TicketKeys }): void {
  const internal = requireService(d.serviceToken);

  // Public keys only: the private key of an event never leaves this service.
  app.get('/internal/events/:id/ticket-key', internal, (req, res) => {
    const eventId = parse(uuid, req.params.id, 'path.id');
    const key: EventTicketKey = { eventId, algorithm: TICKET_KEY_ALGORITHM, publicKey: d.ticketKeys.publicKey(eventId) };
    res.json(key);
  });

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

  app.post('/internal/ticket-documents', internal, async (req, res) => {
    const { tickets } = parse(TicketDocumentsBody, req.body);
    res.type('application/pdf').send(await renderTicketsPdf(tickets));
  });
}

/** A buyer's tickets: only their holder or an admin sees one; anyone else is told there is no such ticket. */
export function ticketRoutes(app: Express, d: TicketRouteDeps): void {
  const { store } = d;
  const ownTicket = async (user: Principal, ticketId: string) => {
    const t = await store.ticket(ticketId);
    if (!t || (t.userId !== user.userId && !hasRole(user, 'admin'))) throw notFound('ticket');
    return t;
  };
  const id = (v: unknown) => parse(uuid, v, 'path.id');

  app.get('/api/v1/tickets', async (req, res) => {
    res.json({ items: (await store.ticketsOf(currentUser(req).userId)).map(ticketView) });
  });

  app.get('/api/v1/tickets/user/:userId', async (req, res) => {
    const user = currentUser(req);
    const userId = parse(uuid, req.params.userId, 'path.userId');
    if (userId !== user.userId && !hasRole(user, 'admin')) throw notFound('user');
    res.json({ items: (await store.ticketsOf(userId)).map(ticketView) });
  });

  app.get('/api/v1/tickets/:id', async (req, res) => {
    res.json(ticketView(await ownTicket(currentUser(req), id(req.params.id))));
  });

  app.get('/api/v1/tickets/:id/qr', async (req, res) => {
    const ticket = await ownTicket(currentUser(req), id(req.params.id));
    const png = await QRCode.toBuffer(ticket.code, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 320 });
    res.type('image/png').set('Cache-Control', 'private, max-age=300').send(png);
  });

  app.get('/api/v1/tickets/:id/pdf', async (req, res) => {
    const ticket = await ownTicket(currentUser(req), id(req.params.id));
    // A void ticket is printed nowhere: the door would refuse it anyway.
    if (ticket.status === 'void') throw conflict('TICKET_VOID', `this ticket was voided (${ticket.voidReason ?? 'refunded'})`);
    const [session, holder] = await Promise.all([d.catalog.session(ticket.sessionId), d.auth.user(ticket.userId)]);
    const pdf = await renderTicketsPdf([
      {
        ticketId: ticket.id,
        code: ticket.code,
        eventTitle: session.eventTitle,
        sessionStartsAt: session.startsAt,
        venue: session.venue,
        hall: session.hall,
        seat: ticket.seat,
        holderName: holder.name,
        issuedAt: ticket.issuedAt,
      },
    ]);
    res.type('application/pdf').set('Content-Disposition', `inline; filename="ticket-${ticket.id}.pdf"`).set('Cache-Control', 'private, max-age=300').send(pdf);
  });
}
