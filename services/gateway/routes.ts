import { z } from 'zod';
import {
  ApplicationList, ApplicationView, AssignRoleBody, AuditLogPage, AuditLogQuery, Jwks, ListApplicationsQuery, LoginBody,
  LogoutBody, RefreshBody, RegisterBody, RejectApplicationBody, Role, SubmitApplicationBody, TokenPair, UserView,
} from '../../contracts/auth';
import { ConfirmBody, QueuePlace, QueueStatus, ReserveBody, RoomBody, RoomView } from '../../contracts/booking';
import {
  CreateEventBody, CreateHallBody, CreateSessionBody, CreateVenueBody, HallLayoutBody, LayoutQuery, ListEventsQuery, LiveSeatMapQuery,
  OrganizerEventsQuery, SeatAvailability, SeatMap, SessionLayout, UpdateEventBody,
} from '../../contracts/catalog';
import { Admitted, CheckinKit, ScanBody } from '../../contracts/checkin';

export type Upstream = 'auth' | 'catalog' | 'booking' | 'checkin';

/** Who may call: anyone, any signed-in user, or holders of one of the roles. Nothing else is routed. */
export type Access = 'public' | 'user' | readonly Role[];

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI-style path: /api/v1/reservations/{id} */
  path: string;
  upstream: Upstream;
  access: Access;
  summary: string;
  tag: string;
  body?: z.ZodType;
  /** The body may be left out entirely. */
  bodyOptional?: boolean;
  /** A long-lived response (Server-Sent Events): no upstream timeout, never buffered. */
  stream?: boolean;
  query?: z.ZodType;
  /** Extra request headers worth documenting. */
  headers?: Record<string, string>;
  ok: { status: number; description: string; schema?: z.ZodType; contentType?: string };
  errors?: number[];
}

const organizer = ['organizer'] as const;
const customer = ['customer'] as const;

/**
 * The public API: every path the gateway routes, who may call it, and the
 * schemas its service validates with. The OpenAPI document is generated from
 * this table; a path missing here is a 404 at the gateway.
 */
export const ROUTES: readonly RouteSpec[] = [
  // Identity
  { method: 'get', path: '/.well-known/jwks.json', upstream: 'auth', access: 'public', tag: 'Identity', summary: 'The public keys (JWKS) that verify access tokens', ok: { status: 200, description: 'the key set', schema: Jwks } },
  { method: 'post', path: '/api/v1/auth/register', upstream: 'auth', access: 'public', tag: 'Identity', summary: 'Create a customer account (password: 10+ characters, not common, not your email name)', body: RegisterBody, ok: { status: 201, description: 'the new user', schema: UserView }, errors: [400, 409, 413] },
  { method: 'post', path: '/api/v1/auth/login', upstream: 'auth', access: 'public', tag: 'Identity', summary: 'Exchange email and password for an access token and a refresh token', body: LoginBody, ok: { status: 200, description: 'tokens and the user', schema: TokenPair }, errors: [400, 401, 429] },
  { method: 'post', path: '/api/v1/auth/refresh', upstream: 'auth', access: 'public', tag: 'Identity', summary: 'Rotate a refresh token: a new pair; the old one stops working, and presenting a used one revokes its whole sign-in', body: RefreshBody, ok: { status: 200, description: 'a new token pair with the current roles', schema: TokenPair }, errors: [400, 401] },
  { method: 'post', path: '/api/v1/auth/logout', upstream: 'auth', access: 'user', tag: 'Identity', summary: "Sign out: revoke the caller's refresh token and every token of its sign-in", body: LogoutBody, ok: { status: 204, description: 'signed out' }, errors: [400, 401, 404] },
  { method: 'get', path: '/api/v1/auth/me', upstream: 'auth', access: 'user', tag: 'Identity', summary: 'The caller', ok: { status: 200, description: 'the caller', schema: UserView }, errors: [401] },
  { method: 'post', path: '/api/v1/users/{id}/roles', upstream: 'auth', access: ['admin'], tag: 'Identity', summary: 'Grant a role to a user', body: AssignRoleBody, ok: { status: 200, description: 'the user with the role', schema: UserView }, errors: [400, 401, 403, 404] },
  { method: 'delete', path: '/api/v1/users/{id}/roles/{role}', upstream: 'auth', access: ['admin'], tag: 'Identity', summary: 'Revoke a role from a user; 409 CANNOT_DEMOTE_SELF for your own admin role', ok: { status: 200, description: 'the user without the role', schema: UserView }, errors: [400, 401, 403, 404, 409] },
  { method: 'post', path: '/api/v1/organizer-applications', upstream: 'auth', access: ['customer'], tag: 'Identity', summary: 'Apply to become an organizer; 409 APPLICATION_PENDING or ALREADY_ORGANIZER', body: SubmitApplicationBody, ok: { status: 201, description: 'the pending application', schema: ApplicationView }, errors: [400, 401, 403, 409] },
  { method: 'get', path: '/api/v1/organizer-applications', upstream: 'auth', access: ['admin'], tag: 'Identity', summary: 'Organizer applications, newest first', query: ListApplicationsQuery, ok: { status: 200, description: 'applications', schema: ApplicationList }, errors: [400, 401, 403] },
  { method: 'get', path: '/api/v1/organizer-applications/mine', upstream: 'auth', access: 'user', tag: 'Identity', summary: "The caller's organizer applications, newest first", ok: { status: 200, description: 'applications', schema: ApplicationList }, errors: [401] },
  { method: 'post', path: '/api/v1/organizer-applications/{id}/approve', upstream: 'auth', access: ['admin'], tag: 'Identity', summary: 'Approve a pending application: grants the applicant the organizer role', ok: { status: 200, description: 'the approved application', schema: ApplicationView }, errors: [400, 401, 403, 404, 409] },
  { method: 'post', path: '/api/v1/organizer-applications/{id}/reject', upstream: 'auth', access: ['admin'], tag: 'Identity', summary: 'Reject a pending application, with an optional reason (the body may be omitted)', body: RejectApplicationBody, bodyOptional: true, ok: { status: 200, description: 'the rejected application', schema: ApplicationView }, errors: [400, 401, 403, 404, 409] },
  { method: 'get', path: '/api/v1/admin/audit-log', upstream: 'auth', access: ['admin'], tag: 'Admin', summary: 'The security audit log, newest first; page with before=nextBefore', query: AuditLogQuery, ok: { status: 200, description: 'a page of entries', schema: AuditLogPage }, errors: [400, 401, 403] },

  // Catalog
  { method: 'post', path: '/api/v1/venues', upstream: 'catalog', access: organizer, tag: 'Catalog', summary: 'Create a venue', body: CreateVenueBody, ok: { status: 201, description: 'the venue' }, errors: [400, 401, 403] },
  { method: 'get', path: '/api/v1/venues', upstream: 'catalog', access: organizer, tag: 'Catalog', summary: "The caller's venues with their halls' layouts", ok: { status: 200, description: 'venues' }, errors: [401, 403] },
  { method: 'get', path: '/api/v1/venues/{id}', upstream: 'catalog', access: organizer, tag: 'Catalog', summary: "A venue with its halls' layouts (owner)", ok: { status: 200, description: 'the venue' }, errors: [401, 403, 404] },
  { method: 'post', path: '/api/v1/venues/{id}/halls', upstream: 'catalog', access: organizer, tag: 'Catalog', summary: 'Create a hall with its seats generated from sections and rows', body: CreateHallBody, ok: { status: 201, description: 'the hall' }, errors: [400, 401, 403, 404] },
  { method: 'put', path: '/api/v1/venues/{id}/halls/{hallId}', upstream: 'catalog', access: organizer, tag: 'Catalog', summary: "Rename a hall or replace its layout (owner): regenerates its seats and its sessions' seats; 409 LAYOUT_LOCKED once a session in it has sold or held seats", body: HallLayoutBody, ok: { status: 200, description: 'the hall' }, errors: [400, 401, 403, 404, 409] },
  { method: 'post', path: '/api/v1/events', upstream: 'catalog', access: organizer, tag: 'Catalog', summary: 'Create a draft event', body: CreateEventBody, ok: { status: 201, description: 'the event' }, errors: [400, 401, 403] },
  { method: 'get', path: '/api/v1/events', upstream: 'catalog', access: 'public', tag: 'Catalog', summary: 'Published events by their next session, paginated; q searches title and description, from/to filter on session start', query: ListEventsQuery, ok: { status: 200, description: 'a page of events: {items, page, pageSize, total}' }, errors: [400] },
  { method: 'get', path: '/api/v1/events/{id}', upstream: 'catalog', access: 'public', tag: 'Catalog', summary: 'An event with its sessions and their seat counts (drafts: owner only)', ok: { status: 200, description: 'the event' }, errors: [404] },
  { method: 'patch', path: '/api/v1/events/{id}', upstream: 'catalog', access: organizer, tag: 'Catalog', summary: "Change an event's title, description or category (owner); 409 EVENT_CANCELLED", body: UpdateEventBody, ok: { status: 200, description: 'the event' }, errors: [400, 401, 403, 404, 409] },
  { method: 'post', path: '/api/v1/events/{id}/publish', upstream: 'catalog', access: organizer, tag: 'Catalog', summary: 'Publish an event (owner); 409 EVENT_HAS_NO_SESSIONS or EVENT_CANCELLED', ok: { status: 200, description: 'the published event' }, errors: [401, 403, 404, 409] },
  { method: 'post', path: '/api/v1/events/{id}/cancel', upstream: 'catalog', access: organizer, tag: 'Catalog', summary: 'Cancel an event (owner): it leaves the listing and its sessions go off sale; final. Its bookings are refunded: the refund run starts with the cancellation, or as soon as booking can be reached (refunds.started says which)', ok: { status: 200, description: 'the cancelled event' }, errors: [401, 403, 404] },
  { method: 'post', path: '/api/v1/events/{id}/sessions', upstream: 'catalog', access: organizer, tag: 'Catalog', summary: 'Add a future session with price tiers (owner); 409 SESSION_OVERLAP if it overlaps another in the hall', body: CreateSessionBody, ok: { status: 201, description: 'the session' }, errors: [400, 401, 403, 404, 409] },
  { method: 'get', path: '/api/v1/organizer/events', upstream: 'catalog', access: organizer, tag: 'Catalog', summary: "The caller's events in every status, newest first, with their sessions' seat counts", query: OrganizerEventsQuery, ok: { status: 200, description: 'a page of events: {items, page, pageSize, total}' }, errors: [400, 401, 403] },
  { method: 'get', path: '/api/v1/sessions/{id}', upstream: 'catalog', access: 'public', tag: 'Catalog', summary: 'A session', ok: { status: 200, description: 'the session' }, errors: [404] },
  { method: 'get', path: '/api/v1/sessions/{id}/layout', upstream: 'catalog', access: 'public', tag: 'Catalog', summary: "A session's seat layout: tiers, sections, rows and their seat ids and positions, standing areas. Immutable per layoutVersion: with ?version=<layoutVersion> (from the availability) it is cached for a year; without, revalidated (ETag, 304). Precompressed (br, gzip)", query: LayoutQuery, ok: { status: 200, description: 'the layout', schema: SessionLayout }, errors: [400, 404] },
  { method: 'get', path: '/api/v1/sessions/{id}/availability', upstream: 'catalog', access: 'public', tag: 'Catalog', summary: "Which seats are free now, two bits per seat in the layout's order (base64, a few KB for a stadium), with area and seat counts; its ETag changes with any seat (If-None-Match → 304)", ok: { status: 200, description: 'the availability', schema: SeatAvailability }, errors: [404] },
  { method: 'get', path: '/api/v1/sessions/{id}/seat-map/live', upstream: 'catalog', access: 'public', tag: 'Catalog', summary: 'Live seat changes (Server-Sent Events): a "snapshot" event, then a "seats" event per change, holds that lapse included. With ?format=availability: an "availability" event (as GET /availability), then "changes" events: [seat index in the layout, status code] pairs and the counts of standing areas that moved', query: LiveSeatMapQuery, stream: true, ok: { status: 200, description: 'an event stream', contentType: 'text/event-stream' }, errors: [400, 404] },
  { method: 'get', path: '/api/v1/sessions/{id}/seat-map', upstream: 'catalog', access: 'public', tag: 'Catalog', summary: 'Every seat of a session with its tier, price and status (the layout and the availability in one, larger answer; gzip, ETag)', ok: { status: 200, description: 'the seat map', schema: SeatMap }, errors: [404] },

  // Flash sales
  { method: 'put', path: '/api/v1/sessions/{id}/waiting-room', upstream: 'booking', access: organizer, tag: 'Flash sales', summary: "Open or close a session's waiting room with its admission rate (organizer of the event); opening starts a new, empty queue whose gate admits ceil(rate/60) at once, then admissionsPerMinute per minute", body: RoomBody, ok: { status: 200, description: 'the waiting room', schema: RoomView }, errors: [400, 401, 403, 404, 503] },
  { method: 'get', path: '/api/v1/sessions/{id}/waiting-room', upstream: 'booking', access: 'public', tag: 'Flash sales', summary: "A session's waiting room: enabled, admission rate, how many wait and how many were admitted", ok: { status: 200, description: 'the waiting room', schema: RoomView }, errors: [400, 404] },
  { method: 'post', path: '/api/v1/sessions/{id}/queue', upstream: 'booking', access: customer, tag: 'Flash sales', summary: 'Join the waiting room: a signed queue token with your place, first come first served; joining again returns the same place; ask for its status after pollAfterSeconds; 409 WAITING_ROOM_CLOSED when the session has no open room, 409 SOLD_OUT when every place is sold', ok: { status: 201, description: 'the queue place', schema: QueuePlace }, errors: [400, 401, 403, 404, 409] },
  { method: 'get', path: '/api/v1/queue/{token}', upstream: 'booking', access: 'user', tag: 'Flash sales', summary: 'Your place in the queue (holder of the token), with pollAfterSeconds: when to ask again (1 s near the gate, at most 10 s behind it). Once admitted: an admission token to send as X-Admission-Token on POST /api/v1/reservations; it expires 10 minutes after the gate reached you. soldOut once every place is sold (none available, none held): stop asking', ok: { status: 200, description: 'waiting, admitted, expired or soldOut', schema: QueueStatus }, errors: [400, 401, 404] },
  { method: 'get', path: '/api/v1/queue/{token}/live', upstream: 'booking', access: 'user', tag: 'Flash sales', summary: 'Your place in the queue, live (Server-Sent Events, holder of the token): a "position" event about every second, then an "admitted" (or "expired", "soldOut" or "closed") event, and the stream ends', stream: true, ok: { status: 200, description: 'an event stream', contentType: 'text/event-stream' }, errors: [401, 404] },

  // Booking
  { method: 'post', path: '/api/v1/reservations', upstream: 'booking', access: customer, tag: 'Booking', summary: 'Hold seats for 10 minutes', body: ReserveBody, headers: { 'Idempotency-Key': 'the same key returns the same reservation', 'X-Admission-Token': 'required when the session has an open waiting room: the admissionToken of GET /api/v1/queue/{token}; 403 ADMISSION_REQUIRED without it, 403 ADMISSION_INVALID when forged, expired, or issued to another user or session. When booking is at capacity, a request without an admission opens the session\'s waiting room by itself (openedOnOverflow) and is answered 403 ADMISSION_REQUIRED: join the queue' }, ok: { status: 201, description: 'the active reservation with expiresAt' }, errors: [400, 401, 403, 409, 422, 503] },
  { method: 'get', path: '/api/v1/reservations', upstream: 'booking', access: 'user', tag: 'Booking', summary: "The caller's reservations, newest first", ok: { status: 200, description: 'reservations' }, errors: [401] },
  { method: 'get', path: '/api/v1/reservations/{id}', upstream: 'booking', access: 'user', tag: 'Booking', summary: 'A reservation (owner or admin)', ok: { status: 200, description: 'the reservation' }, errors: [401, 404] },
  { method: 'post', path: '/api/v1/reservations/{id}/confirm', upstream: 'booking', access: customer, tag: 'Booking', summary: 'Pay and receive tickets (owner)', body: ConfirmBody, ok: { status: 200, description: 'the confirmed reservation with its tickets' }, errors: [400, 401, 402, 404, 409, 503] },
  { method: 'delete', path: '/api/v1/reservations/{id}', upstream: 'booking', access: customer, tag: 'Booking', summary: 'Cancel an active reservation; its seats are released at once (owner)', ok: { status: 200, description: 'the cancelled reservation' }, errors: [401, 404, 409] },
  { method: 'get', path: '/api/v1/tickets', upstream: 'booking', access: 'user', tag: 'Tickets', summary: "The caller's tickets", ok: { status: 200, description: 'tickets' }, errors: [401] },
  { method: 'get', path: '/api/v1/tickets/user/{userId}', upstream: 'booking', access: 'user', tag: 'Tickets', summary: "A user's tickets (that user or admin)", ok: { status: 200, description: 'tickets' }, errors: [401, 404] },
  { method: 'get', path: '/api/v1/tickets/{id}', upstream: 'booking', access: 'user', tag: 'Tickets', summary: 'A ticket with its QR payload (holder or admin)', ok: { status: 200, description: 'the ticket' }, errors: [401, 404] },
  { method: 'get', path: '/api/v1/tickets/{id}/qr', upstream: 'booking', access: 'user', tag: 'Tickets', summary: "A ticket's QR code (holder or admin)", ok: { status: 200, description: 'PNG image', contentType: 'image/png' }, errors: [401, 404] },
  { method: 'get', path: '/api/v1/tickets/{id}/pdf', upstream: 'booking', access: 'user', tag: 'Tickets', summary: 'A printable PDF ticket with its QR code, event, session, seat and holder (holder or admin); 409 TICKET_VOID once voided', ok: { status: 200, description: 'PDF document', contentType: 'application/pdf' }, errors: [401, 404, 409] },

  // Door and reports
  { method: 'post', path: '/api/v1/checkin', upstream: 'checkin', access: ['staff', 'organizer'], tag: 'Door', summary: "Scan a ticket's code at a door (staff, or the event's organizer): admits it exactly once; 409 ALREADY_CHECKED_IN with the first scan's time, door and staff; 422 INVALID_TICKET with a reason (malformed, bad-signature, legacy-code-expired, unknown-ticket, claims-mismatch, voided)", body: ScanBody, ok: { status: 200, description: 'admitted', schema: Admitted }, errors: [400, 401, 403, 409, 422, 503] },
  { method: 'get', path: '/api/v1/events/{id}/checkin-kit', upstream: 'checkin', access: ['staff', 'organizer'], tag: 'Door', summary: "Offline scanning kit for one event (staff, or the event's organizer; audited): the event's Ed25519 public key, the code format, the voided tickets to refuse and the tickets already admitted", ok: { status: 200, description: 'the kit', schema: CheckinKit }, errors: [400, 401, 403, 404, 503] },
  { method: 'get', path: '/api/v1/events/{id}/sales', upstream: 'booking', access: ['organizer', 'admin'], tag: 'Reports', summary: "An event's sales per session (owner or admin): sold (valid tickets), reserved (unexpired holds), available, revenue (confirmed bookings, refunds excluded) and check-ins, with event totals", ok: { status: 200, description: 'the sales report' }, errors: [400, 401, 403, 404, 503] },
  { method: 'get', path: '/api/v1/admin/stats', upstream: 'booking', access: ['admin'], tag: 'Admin', summary: 'Platform figures: users, events by status, reservations by status, tickets sold, revenue per currency, check-ins', ok: { status: 200, description: 'the figures' }, errors: [401, 403, 503] },
];

/** /api/v1/x/{id} → /api/v1/x/:id (Express syntax). */
export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
