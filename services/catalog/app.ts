import type { Express, Request } from 'express';
import type { Pool } from 'pg';
import { authenticate, currentUser, hasRole, requireRole, requireService, type Principal, type VerifyToken } from '../shared/auth';
import { forbidden, HttpError, notFound } from '../shared/errors';
import { createServiceApp, finishApp } from '../shared/http';
import type { Logger } from '../shared/logger';
import { parse, uuid } from '../shared/validation';
import {
  CreateEventBody, CreateHallBody, CreateSessionBody, CreateVenueBody, HallLayoutBody, HoldBody, ListEventsQuery, OrganizerEventsQuery,
  ReservationSeatsBody, UpdateEventBody,
} from '../../contracts/catalog';
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
  /** Starts (or joins) the refund run of a cancelled event (the booking service owns bookings). */
  startRefunds: (eventId: string) => Promise<{ workflowId: string }>;
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

  app.post('/api/v1/venues', organizer, async (req, res) => {
    res.status(201).json(await store.createVenue(currentUser(req).userId, parse(CreateVenueBody, req.body)));
  });

  app.post('/api/v1/venues/:id/halls', organizer, async (req, res) => {
    const venueId = id(req);
    const body = parse(CreateHallBody, req.body);
    assertOwner(currentUser(req), await store.venueOwner(venueId), 'venue');
    res.status(201).json(await store.createHall(venueId, body));
  });

  app.post('/api/v1/events', organizer, async (req, res) => {
    res.status(201).json(await store.createEvent(currentUser(req).userId, parse(CreateEventBody, req.body)));
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
    res.json(await store.publishEvent(eventId));
  });

  app.post('/api/v1/events/:id/sessions', organizer, async (req, res) => {
    const eventId = id(req);
    const body = parse(CreateSessionBody, req.body);
    const user = currentUser(req);
    assertOwner(user, await store.eventOwner(eventId), 'event');
    assertOwner(user, await store.hallOwner(body.hallId), 'hall');
    res.status(201).json(await store.createSession(eventId, body));
  });

  app.post('/api/v1/events/:id/cancel', organizer, async (req, res) => {
    const eventId = id(req);
    assertOwner(currentUser(req), await store.eventOwner(eventId), 'event');
    const event = await store.cancelEvent(eventId);
    // The cancellation stands either way; cancelling again retries the refunds (the run is idempotent).
    const refunds = await d.startRefunds(eventId).catch((err: unknown) => {
      d.logger.error({ err, eventId }, 'refund run not started');
      throw new HttpError(503, 'REFUNDS_NOT_STARTED', 'the event is cancelled, but its refunds could not be started; cancel again to retry');
    });
    res.json({ ...event, refunds });
  });

  app.patch('/api/v1/events/:id', organizer, async (req, res) => {
    const eventId = id(req);
    const body = parse(UpdateEventBody, req.body);
    assertOwner(currentUser(req), await store.eventOwner(eventId), 'event');
    res.json(await store.updateEvent(eventId, body));
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
    const { hall, sessionIds } = await store.replaceHall(venueId, hallId, body);
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
