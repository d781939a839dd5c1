import type { Express, Request } from 'express';
import type { Pool } from 'pg';
import { audited, type AuditFact } from '../shared/audit-trail';
import { authenticate, currentUser, hasRole, requireRole, requireService, type Principal, type VerifyToken } from '../shared/auth';
import { eventCancellationWorkflowId } from '../../contracts/booking-workflow';
import { forbidden, notFound } from '../shared/errors';
import { createServiceApp, finishApp } from '../shared/http';
import type { Logger } from '../shared/logger';
import { parse, uuid } from '../shared/validation';
import {
  CreateEventBody, CreateHallBody, CreateSessionBody, CreateVenueBody, HallLayoutBody, HoldBody, ListEventsQuery, OrganizerEventsQuery,
  ReservationSeatsBody, UpdateEventBody,
} from '../../contracts/catalog';
import type { CatalogOutbox } from './cancellation-outbox';
import { cancellationRoutes } from './cancellation-routes';
import type { SeatHolds } from './seat-holds';
import type { SeatMaps } from './seat-map';
import type { LiveSeatMap } from './live-seat-map';
import type { CatalogStore } from './store';
import { catalogReportRoutes } from './report-routes';
import { seatMapRoutes } from './seat-map-routes';

export interface CatalogDeps {
  pool: Pool;
  store: CatalogStore;
  holds: SeatHolds;
  seatMaps: SeatMaps;
  liveSeatMap: LiveSeatMap;
  verifyToken: VerifyToken;
  serviceToken: string;
  logger: Logger;
  /** Told the sessions whose seats a hall layout change regenerated: their cached seat views are stale. */
  onLayoutChanged?: (sessionIds: string[]) => Promise<void>;
  /** Audit entries for auth, and refund runs of cancelled events for booking (cancellation-outbox.ts). */
  outbox: CatalogOutbox;
}

const id = (req: Request, name = 'id') => parse(uuid, req.params[name], `path.${name}`);

/** Organizers manage only what they own; admins manage everything. Others learn nothing. */
function assertOwner(user: Principal, ownerId: string | undefined, what: string): void {
  if (ownerId === undefined) throw notFound(what);
  if (ownerId !== user.userId && !hasRole(user, 'admin')) throw forbidden(`you do not own this ${what}`);
}

export function createCatalogApp(d: CatalogDeps): Express {
  const { app } = createServiceApp({ name: 'catalog', logger: d.logger, ready: async () => void (await d.pool.query('SELECT 1')) });
  const { store, holds } = d;

  // Internal: seat state changes, called by booking activities only.
  const internal = requireService(d.serviceToken);
  app.post('/internal/sessions/:id/holds', internal, async (req, res) => {
    const b = parse(HoldBody, req.body);
    res.json(
      'generalAdmission' in b
        ? await holds.holdArea(id(req), b.reservationId, b.generalAdmission.area, b.generalAdmission.quantity, b.heldUntil)
        : await holds.hold(id(req), b.reservationId, b.seatIds, b.heldUntil),
    );
  });
  app.post('/internal/sessions/:id/releases', internal, async (req, res) => {
    const b = parse(ReservationSeatsBody.pick({ reservationId: true }), req.body);
    res.json({ released: await holds.release(id(req), b.reservationId) });
  });
  app.post('/internal/sessions/:id/sales', internal, async (req, res) => {
    const b = parse(ReservationSeatsBody, req.body);
    res.json(await holds.sell(id(req), b.reservationId, b.seatIds));
  });
  cancellationRoutes(app, { internal, pool: d.pool });
  app.get('/internal/sessions/:id', internal, async (req, res) => {
    const session = await store.session(id(req));
    if (!session) throw notFound('session');
    res.json(session);
  });
  // The waiting room tells its queue when a session is sold out; read from the cached seat map.
  app.get('/internal/sessions/:id/places', internal, async (req, res) => {
    const snapshot = await d.seatMaps.snapshot(id(req));
    if (!snapshot) throw notFound('session');
    res.json(snapshot.places);
  });

  catalogReportRoutes(app, d);
  seatMapRoutes(app, d);
  app.use(authenticate(d.verifyToken));
  // Catalog changes are organizers' work (the route table's roles); ownership is checked per object.
  const organizer = requireRole('organizer');

  // Every change an organizer (or an admin) makes is audited with it, in auth's log (services/shared/audit-trail.ts).
  const audit = <R>(req: Request, fact: (r: R) => AuditFact | undefined) => audited(d.outbox, req, fact);

  app.post('/api/v1/venues', organizer, async (req, res) => {
    const body = parse(CreateVenueBody, req.body);
    const venue = await store.createVenue(currentUser(req).userId, body, audit(req, (v) => ({ action: 'venue.created', subjectId: v.id, details: { name: v.name } })));
    res.status(201).json(venue);
  });

  app.post('/api/v1/venues/:id/halls', organizer, async (req, res) => {
    const venueId = id(req);
    const body = parse(CreateHallBody, req.body);
    assertOwner(currentUser(req), await store.venueOwner(venueId), 'venue');
    const hall = await store.createHall(venueId, body, audit(req, (h) => ({ action: 'hall.created', subjectId: h.id, details: { venueId, name: h.name, seats: h.seatCount } })));
    res.status(201).json(hall);
  });

  app.post('/api/v1/events', organizer, async (req, res) => {
    const body = parse(CreateEventBody, req.body);
    const event = await store.createEvent(currentUser(req).userId, body, audit(req, (e) => ({ action: 'event.created', subjectId: e.id, details: { title: e.title } })));
    res.status(201).json(event);
  });

  app.get('/api/v1/events', async (req, res) => {
    res.json(await store.listPublished(parse(ListEventsQuery, req.query, 'query')));
  });

  app.get('/api/v1/events/:id', async (req, res) => {
    const event = await store.event(id(req));
    // Drafts are visible to their organizer and admins only.
    const user = req.user;
    const mayPeek = user && (user.userId === event?.organizerId || hasRole(user, 'admin'));
    if (!event || (event.status === 'draft' && !mayPeek)) throw notFound('event');
    res.json(event);
  });

  app.post('/api/v1/events/:id/publish', organizer, async (req, res) => {
    const eventId = id(req);
    assertOwner(currentUser(req), await store.eventOwner(eventId), 'event');
    res.json(await store.publishEvent(eventId, audit(req, (e) => ({ action: 'event.published', subjectId: e.id }))));
  });

  app.post('/api/v1/events/:id/sessions', organizer, async (req, res) => {
    const eventId = id(req);
    const body = parse(CreateSessionBody, req.body);
    const user = currentUser(req);
    assertOwner(user, await store.eventOwner(eventId), 'event');
    assertOwner(user, await store.hallOwner(body.hallId), 'hall');
    const session = await store.createSession(eventId, body, audit(req, (s) => ({
      action: 'session.created',
      subjectId: s.id,
      details: { eventId, hallId: s.hallId, startsAt: s.startsAt, endsAt: s.endsAt },
    })));
    res.status(201).json(session);
  });

  app.post('/api/v1/events/:id/cancel', organizer, async (req, res) => {
    const eventId = id(req);
    const user = currentUser(req);
    assertOwner(user, await store.eventOwner(eventId), 'event');
    // The cancellation, its audit entry and the request for its refund run commit together (or not at all).
    let refundRun = '';
    const event = await store.cancelEvent(eventId, async (c, e) => {
      if (e.cancelledNow) await audit(req, () => ({ action: 'event.cancelled', subjectId: eventId, details: { title: e.title } }))(c, e);
      // Asked again on every cancel, as before: an interrupted run (terminated by an operator) starts over.
      refundRun = await d.outbox.enqueue(c, 'event-cancellation', { eventId, requestedBy: user.userId });
    });
    // Booking is asked at once; if it cannot be reached the relay keeps asking, and the cancellation stands.
    const started = await d.outbox.deliverNow(refundRun).catch(() => false);
    res.json({ ...event, refunds: { workflowId: eventCancellationWorkflowId(eventId), started } });
  });

  app.patch('/api/v1/events/:id', organizer, async (req, res) => {
    const eventId = id(req);
    const body = parse(UpdateEventBody, req.body);
    assertOwner(currentUser(req), await store.eventOwner(eventId), 'event');
    res.json(await store.updateEvent(eventId, body, audit(req, (e) => ({ action: 'event.updated', subjectId: e.id, details: { fields: Object.keys(body).sort() } }))));
  });

  app.get('/api/v1/organizer/events', organizer, async (req, res) => {
    res.json(await store.eventsOf(currentUser(req).userId, parse(OrganizerEventsQuery, req.query, 'query')));
  });

  app.get('/api/v1/venues', organizer, async (req, res) => {
    res.json({ items: await store.venuesOf(currentUser(req).userId) });
  });

  app.get('/api/v1/venues/:id', organizer, async (req, res) => {
    const venue = await store.venue(id(req));
    assertOwner(currentUser(req), venue?.organizerId, 'venue');
    res.json(venue);
  });

  app.put('/api/v1/venues/:id/halls/:hallId', organizer, async (req, res) => {
    const venueId = id(req);
    const hallId = id(req, 'hallId');
    const body = parse(HallLayoutBody, req.body);
    assertOwner(currentUser(req), await store.venueOwner(venueId), 'venue');
    const { hall, sessionIds } = await store.replaceHall(venueId, hallId, body, audit(req, (r) => ({
      action: 'hall.updated',
      subjectId: hallId,
      details: { venueId, name: r.hall.name, seats: r.hall.seatCount },
    })));
    if (sessionIds.length) {
      // The change is committed; a stale cache must not turn it into an error.
      await d.onLayoutChanged?.(sessionIds).catch((err) => d.logger.warn({ err, sessionIds }, 'seat views not invalidated'));
    }
    res.json(hall);
  });

  app.get('/api/v1/sessions/:id', async (req, res) => {
    const session = await store.session(id(req));
    if (!session || session.eventStatus === 'draft') throw notFound('session');
    const { organizerId: _o, eventStatus: _e, ...view } = session;
    res.json(view);
  });

  return finishApp(app, d.logger);
}
