import type { RequestListener, ServerResponse } from 'node:http';
import type { Client, Connection } from '@temporalio/client';
import type { Request } from 'express';
import type { Pool } from 'pg';
import { ConfirmBody, IdempotencyKey, IssueTicketsBody, RecordedReservation, ReserveBody } from '../../contracts/booking';
import { authenticate, currentUser, requireRole, requireService, type VerifyToken } from '../shared/auth';
import { HttpError } from '../shared/errors';
import { apiLane, type Step } from '../shared/api-lane';
import { createServiceApp, finishApp, jsonBody, problemResponder } from '../shared/http';
import type { Logger } from '../shared/logger';
import { parse, uuid } from '../shared/validation';
import type { Bookings } from './bookings';
import { paymentWebhookRoutes } from './payment-webhooks';
import { refundRoutes } from './refund-routes';
import { reportRoutes, type ReportClients } from './reports/report-routes';
import type { SessionEvents } from './session-events';
import type { BookingStore } from './store';
import { internalTicketRoutes, ticketRoutes, ticketView } from './tickets/ticket-routes';
import { waitingRoomRoutes } from './waiting-room/routes';
import { ADMISSION_HEADER, type WaitingRoom } from './waiting-room/waiting-room';

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
  /** The other services a report or a ticket's PDF reads from. */
  clients: ReportClients;
}

const id = (req: Request) => parse(uuid, req.params.id, 'path.id');

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
    await store.record(parse(RecordedReservation, req.body));
    res.status(204).end();
  });
  app.delete('/internal/reservations/:id', internal, async (req, res) => {
    await store.discard(id(req));
    res.status(204).end();
  });
  app.post('/internal/reservations/:id/tickets', internal, async (req, res) => {
    const b = parse(IssueTicketsBody, req.body);
    res.json(await store.issueTickets(b.reservation, b.chargeId, await d.sessionEvents.eventOf(b.reservation.sessionId)));
  });

  paymentWebhookRoutes(app, { client: d.temporal, secret: d.paymentWebhookSecret, logger: d.logger });
  refundRoutes(app, { internal, client: d.temporal, store, taskQueue: d.taskQueue });

  app.use(authenticate(d.verifyToken));
  reportRoutes(app, { pool: d.pool, reportClients: d.clients });
  // Buying is for customers; admins read reservations and tickets, they do not buy.
  const customer = requireRole('customer');

  // Flash sales: the waiting room's routes (the admission it requires is checked in reserve, below).
  waitingRoomRoutes(app, d.waitingRoom);

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

  ticketRoutes(app, { pool: d.pool, store, serviceToken: d.serviceToken, catalog: d.clients.catalog, auth: d.clients.auth });

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
