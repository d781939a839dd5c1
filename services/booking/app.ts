import type { RequestListener, ServerResponse } from 'node:http';
import type { Client, Connection } from '@temporalio/client';
import type { Request } from 'express';
import type { Pool } from 'pg';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Ticket } from '../../workflows/types';
import { authenticate, currentUser, hasRole, requireRole, requireService, type Principal, type VerifyToken } from '../shared/auth';
import { conflict, HttpError, notFound } from '../shared/errors';
import { apiLane, type Step } from '../shared/api-lane';
import { createServiceApp, finishApp, jsonBody, problemResponder } from '../shared/http';
import { renderTicketsPdf } from '../shared/ticket-pdf';
import type { Logger } from '../shared/logger';
import { Money } from '../shared/money';
import { parse, uuid } from '../shared/validation';
import type { Bookings } from './bookings';
import { paymentWebhookRoutes } from './payment-webhooks';
import { refundRoutes } from './refund-routes';
import { internalTicketRoutes } from './internal-ticket-routes';
import { reportRoutes, type ReportClients } from './report-routes';
import { ConfirmBody, IdempotencyKey, ReserveBody } from './schemas';
import type { SessionEvents } from './session-events';
import type { BookingStore } from './store';
import { ADMISSION_HEADER, type WaitingRoom } from './waiting-room';

export interface BookingDeps {
  pool: Pool;
  connection: Connection;
  temporal: Client;
  paymentWebhookSecret: string;
  taskQueue: string;
  bookings: Bookings;
  store: BookingStore;
  waitingRoom: WaitingRoom;
  sessionEvents: SessionEvents;
  verifyToken: VerifyToken;
  serviceToken: string;
  logger: Logger;
  reportClients: ReportClients;
}

const id = (req: Request) => parse(uuid, req.params.id, 'path.id');

const ticketView = (t: Ticket) => ({ ...t, qrUrl: `/api/v1/tickets/${t.id}/qr` });

// Internal bodies: what the workflow's activities send.
const Seat = z.object({ seatId: z.uuid(), section: z.string(), row: z.string(), number: z.number().int(), tier: z.string(), price: Money });
const ReservationBody = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  sessionId: z.uuid(),
  status: z.enum(['active', 'confirmed', 'expired', 'cancelled']),
  seats: z.array(Seat).min(1),
  total: Money,
  expiresAt: z.iso.datetime({ offset: true }),
  createdAt: z.iso.datetime({ offset: true }),
});
const IssueBody = z.object({ reservation: ReservationBody, chargeId: z.uuid() });

export function createBookingApp(d: BookingDeps): RequestListener {
  const { app, context } = createServiceApp({
    name: 'booking',
    logger: d.logger,
    ready: async () => {
      await d.pool.query('SELECT 1');
      await d.connection.healthService.check({});
    },
  });
  const { bookings, store } = d;

  const internal = requireService(d.serviceToken);
  internalTicketRoutes(app, d);
  app.put('/internal/reservations/:id', internal, async (req, res) => {
    await store.record(parse(ReservationBody, req.body));
    res.status(204).end();
  });
  app.post('/internal/reservations/:id/tickets', internal, async (req, res) => {
    const b = parse(IssueBody, req.body);
    res.json(await store.issueTickets(b.reservation, b.chargeId, await d.sessionEvents.eventOf(b.reservation.sessionId)));
  });

  paymentWebhookRoutes(app, { client: d.temporal, secret: d.paymentWebhookSecret, logger: d.logger });
  refundRoutes(app, { internal, client: d.temporal, store, taskQueue: d.taskQueue });

  app.use(authenticate(d.verifyToken));
  reportRoutes(app, d);
  // Buying is for customers (API.md); admins read reservations and tickets, they do not buy.
  const customer = requireRole('customer');

  // Flash sales: the waiting room's routes (the admission it requires is checked in reserve, below).
  d.waitingRoom.routes(app);

  app.get('/api/v1/reservations', async (req, res) => {
    res.json({ items: await bookings.list(currentUser(req)) });
  });

  app.get('/api/v1/reservations/:id', async (req, res) => {
    res.json(await bookings.get(currentUser(req), id(req)));
  });

  app.post('/api/v1/reservations/:id/confirm', customer, async (req, res) => {
    const reservationId = id(req);
    const { paymentToken } = parse(ConfirmBody, req.body);
    const { status, body } = await bookings.confirm(currentUser(req), reservationId, paymentToken);
    res.status(status).json({ ...body, tickets: body.tickets.map(ticketView) });
  });

  app.delete('/api/v1/reservations/:id', customer, async (req, res) => {
    res.json(await bookings.cancel(currentUser(req), id(req)));
  });

  // Tickets: their holder or an admin; anyone else is told there is no such ticket.
  const ownTicket = async (user: Principal, ticketId: string) => {
    const t = await store.ticket(ticketId);
    if (!t || (t.userId !== user.userId && !hasRole(user, 'admin'))) throw notFound('ticket');
    return t;
  };

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
    res.json(ticketView(await ownTicket(currentUser(req), id(req))));
  });

  app.get('/api/v1/tickets/:id/qr', async (req, res) => {
    const ticket = await ownTicket(currentUser(req), id(req));
    const png = await QRCode.toBuffer(ticket.code, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 320 });
    res.type('image/png').set('Cache-Control', 'private, max-age=300').send(png);
  });

  app.get('/api/v1/tickets/:id/pdf', async (req, res) => {
    const ticket = await ownTicket(currentUser(req), id(req));
    // A void ticket is printed nowhere: the door would refuse it anyway.
    if (ticket.status === 'void') throw conflict('TICKET_VOID', `this ticket was voided (${ticket.voidReason ?? 'refunded'})`);
    const { catalog, auth } = d.reportClients;
    const [session, holder] = await Promise.all([
      catalog.request<{ eventTitle: string; startsAt: string; venue: string; hall: string }>('GET', `/internal/sessions/${ticket.sessionId}`),
      auth.request<{ name: string }>('GET', `/internal/users/${ticket.userId}`),
    ]);
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

  // POST /api/v1/reservations, a flash sale's busiest route (most of its answers are 409s), runs
  // outside Express: Express's per-request work was half of booking's CPU per 409 (bench/RESULTS.md).
  const reserve: Step = async (req: Request, res: ServerResponse) => {
    const user = currentUser(req);
    const admitted = await d.waitingRoom.admission(user, req.body, req.headers[ADMISSION_HEADER]);
    const body = parse(ReserveBody, req.body);
    const key = req.headers['idempotency-key'];
    const idempotencyKey = key === undefined ? undefined : parse(IdempotencyKey, key, 'header.Idempotency-Key');
    const answer = await bookings
      .reserve(user, body.sessionId, body.seatIds, idempotencyKey, body.generalAdmission, { hold: admitted ? 'admitted' : 'new' })
      .catch(async (err: unknown) => {
        // A new hold refused for capacity: the session's waiting room takes the buyer.
        throw err instanceof HttpError && err.code === 'BOOKING_BUSY' ? await d.waitingRoom.overflow(body.sessionId, err, admitted) : err;
      });
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', location: `/api/v1/reservations/${answer.reservation.id}` });
    res.end(JSON.stringify(answer.reservation));
  };
  return apiLane(
    [{ method: 'POST', path: '/api/v1/reservations', steps: [context, jsonBody(), authenticate(d.verifyToken), customer, reserve] }],
    finishApp(app, d.logger),
    problemResponder(d.logger),
  );
}
