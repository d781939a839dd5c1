import type { RequestListener, ServerResponse } from 'node:http';
import type { Client, Connection } from '@temporalio/client';
import type { Request } from 'express';
import type { Pool } from 'pg';
import { ConfirmBody, IdempotencyKey, IssueTicketsBody, RecordedReservation, ReserveBody } from '../../contracts/booking';
import { authenticate, currentUser, requireRole, requireService, type VerifyToken } from '../shared/auth';
import { HttpError } from '../shared/errors';
import { apiLane, type Step } from '../shared/api-lane';
import type { AuditTopic } from '../shared/audit-trail';
import type { Outbox } from '../shared/outbox';
import { createServiceApp, finishApp, jsonBody, problemResponder } from '../shared/http';
import type { Logger } from '../shared/logger';
import { parse, uuid } from '../shared/validation';
import { BookingFailure } from '../../contracts/booking-workflow';
import { createBookingMetrics } from './booking-metrics';
import type { Bookings } from './bookings';
import { paymentWebhookRoutes } from './payment-webhooks';
import { refundRoutes } from './refund-routes';
import { reportRoutes, type ReportClients } from './reports/report-routes';
import type { SessionEvents } from './session-events';
import type { BookingStore } from './store';
import type { TicketKeys } from './tickets/ticket-keys';
import { internalTicketRoutes, ticketRoutes, ticketView } from './tickets/ticket-routes';
import { queueStatus, waitingRoomRoutes } from './waiting-room/routes';
import { ADMISSION_HEADER, type WaitingRoom } from './waiting-room/waiting-room';

export interface BookingDeps {
  pool: Pool;
  connection: Connection;
  temporal: Client;
  paymentWebhookSecret: string;
  taskQueue: string;
  bookings: Bookings;
  store: BookingStore;
  ticketKeys: TicketKeys;
  /** Audit entries, delivered to auth's log (services/shared/audit-trail.ts). */
  outbox: Outbox<AuditTopic>;
  waitingRoom: WaitingRoom;
  sessionEvents: SessionEvents;
  verifyToken: VerifyToken;
  serviceToken: string;
  logger: Logger;
  /** The other services a report or a ticket's PDF reads from. */
  clients: ReportClients;
}

const id = (req: Request) => parse(uuid, req.params.id, 'path.id');

/** How a refused confirm was answered, for the funnel: a decline, a lapsed hold, another conflict, or our failure. */
function confirmOutcome(err: unknown): string {
  if (!(err instanceof HttpError)) return 'error';
  if (err.code === 'PAYMENT_DECLINED') return 'declined';
  if (err.code === BookingFailure.expired) return 'expired';
  if (err.status === 409) return 'conflict';
  return err.status >= 500 ? 'error' : 'refused';
}

export function createBookingApp(d: BookingDeps): RequestListener {
  const { app, context, metrics } = createServiceApp({
    name: 'booking',
    logger: d.logger,
    ready: async () => {
      await d.pool.query('SELECT 1');
      await d.connection.healthService.check({});
    },
  });
  const { bookings, store } = d;
  const funnel = createBookingMetrics(metrics.registry, d.waitingRoom.openQueues);

  const internal = requireService(d.serviceToken);
  internalTicketRoutes(app, d);
  app.put('/internal/reservations/:id', internal, async (req, res) => {
    const r = parse(RecordedReservation, req.body);
    if (await store.record(r)) funnel.recorded(r);
    res.status(204).end();
  });
  app.delete('/internal/reservations/:id', internal, async (req, res) => {
    await store.discard(id(req));
    res.status(204).end();
  });
  app.post('/internal/reservations/:id/tickets', internal, async (req, res) => {
    const b = parse(IssueTicketsBody, req.body);
    const { tickets, confirmedNow } = await store.issueTickets(b.reservation, b.chargeId, await d.sessionEvents.eventOf(b.reservation.sessionId));
    if (confirmedNow) funnel.recorded({ ...b.reservation, status: 'confirmed' });
    res.json(tickets);
  });

  paymentWebhookRoutes(app, { client: d.temporal, secret: d.paymentWebhookSecret, logger: d.logger });
  refundRoutes(app, { internal, client: d.temporal, store, taskQueue: d.taskQueue, outbox: d.outbox });

  app.use(authenticate(d.verifyToken));
  reportRoutes(app, { pool: d.pool, reportClients: d.clients });
  // Buying is for customers; admins read reservations and tickets, they do not buy.
  const customer = requireRole('customer');

  // Flash sales: the waiting room's routes (the admission it requires is checked in reserve, below).
  waitingRoomRoutes(app, d.waitingRoom, d.outbox, funnel.joined);

  app.get('/api/v1/reservations', async (req, res) => {
    res.json({ items: await bookings.list(currentUser(req)) });
  });

  app.get('/api/v1/reservations/:id', async (req, res) => {
    res.json(await bookings.get(currentUser(req), id(req)));
  });

  app.post('/api/v1/reservations/:id/confirm', customer, async (req, res) => {
    const reservationId = id(req);
    const { paymentToken } = parse(ConfirmBody, req.body);
    const { status, body } = await bookings.confirm(currentUser(req), reservationId, paymentToken).catch((err: unknown) => {
      funnel.confirmAnswered(confirmOutcome(err));
      throw err;
    });
    funnel.confirmAnswered(status === 202 ? 'pending' : 'confirmed');
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
    if (admitted) funnel.admitted();
    const body = parse(ReserveBody, req.body);
    const key = req.headers['idempotency-key'];
    const idempotencyKey = key === undefined ? undefined : parse(IdempotencyKey, key, 'header.Idempotency-Key');
    const answer = await bookings
      .reserve(user, body.sessionId, body.seatIds, idempotencyKey, body.generalAdmission, { hold: admitted ? 'admitted' : 'new' })
      .catch(async (err: unknown) => {
        if (err instanceof HttpError && err.status === 409) funnel.refused(err.code);
        // A new hold refused for capacity: the session's waiting room takes the buyer.
        throw err instanceof HttpError && err.code === 'BOOKING_BUSY' ? await d.waitingRoom.overflow(body.sessionId, err, admitted) : err;
      });
    funnel.held();
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', location: `/api/v1/reservations/${answer.reservation.id}` });
    res.end(JSON.stringify(answer.reservation));
  };
  return apiLane(
    [
      { method: 'POST', path: '/api/v1/reservations', steps: [context, jsonBody(), authenticate(d.verifyToken), customer, reserve] },
      // A flash sale's queue polls: thousands of buyers, every few seconds each.
      { method: 'GET', path: '/api/v1/queue/:token', steps: [context, authenticate(d.verifyToken), queueStatus(d.waitingRoom)] },
    ],
    finishApp(app, d.logger),
    problemResponder(d.logger),
  );
}
