/**
 * One typed client per service for its /internal routes: the only place a
 * service-to-service URL is written. Each wraps the shared service client
 * (the service credential, problem+json answers as HttpErrors).
 */
import type { CallOptions, ServiceClient } from '../services/shared/service-client';
import type { AuditAppend, AuthStats, UserContact } from './auth';
import type { EventCancellationRequest, EventTicketKey, RefundableReservation, TicketDocument, TicketState, VoidedTickets } from './booking';
import type { CatalogStats, HoldBody, Inventory, SessionInfo, SessionPlaces } from './catalog';
import type { CheckinStats, EventCheckins } from './checkin';
import type { HoldResult, PaymentIntent, Reservation, SellResult, Ticket } from './domain';
import type { NotificationRequest } from './notification';
import type { IntentBody } from './payment';

const id = encodeURIComponent;

export function catalogClient(c: ServiceClient) {
  return {
    /** Numbered seats by id, or that many places of a standing area: all or none, until heldUntil. */
    holdSeats: (sessionId: string, body: HoldBody) => c.request<HoldResult>('POST', `/internal/sessions/${id(sessionId)}/holds`, body),
    releaseSeats: (sessionId: string, reservationId: string) =>
      c.request<{ released: number }>('POST', `/internal/sessions/${id(sessionId)}/releases`, { reservationId }),
    sellSeats: (sessionId: string, reservationId: string, seatIds: string[]) =>
      c.request<SellResult>('POST', `/internal/sessions/${id(sessionId)}/sales`, { reservationId, seatIds }),
    session: (sessionId: string) => c.request<SessionInfo>('GET', `/internal/sessions/${id(sessionId)}`),
    places: (sessionId: string) => c.request<SessionPlaces>('GET', `/internal/sessions/${id(sessionId)}/places`),
    inventory: (eventId: string) => c.request<Inventory>('GET', `/internal/events/${id(eventId)}/inventory`),
    /** A page of the reservations that bought seats of an event, in id order. */
    soldReservations: (eventId: string, page: { after?: string; limit: number }) =>
      c.request<{ items: string[] }>(
        'GET',
        `/internal/events/${id(eventId)}/sold-reservations?limit=${page.limit}${page.after ? `&after=${id(page.after)}` : ''}`,
      ),
    stats: () => c.request<CatalogStats>('GET', '/internal/stats'),
  };
}
export type CatalogClient = ReturnType<typeof catalogClient>;

export function bookingClient(c: ServiceClient) {
  return {
    recordReservation: (r: Reservation) => c.request<void>('PUT', `/internal/reservations/${id(r.id)}`, r),
    /** Forgets a reservation recorded active by a hold attempt that a later attempt found refused. */
    discardReservation: (reservationId: string) => c.request<void>('DELETE', `/internal/reservations/${id(reservationId)}`),
    issueTickets: (reservation: Reservation, chargeId: string) =>
      c.request<Ticket[]>('POST', `/internal/reservations/${id(reservation.id)}/tickets`, { reservation, chargeId }),
    reservation: (reservationId: string) => c.request<RefundableReservation>('GET', `/internal/reservations/${id(reservationId)}`),
    markRefunded: (reservationId: string, reason: string) => c.request<Reservation>('POST', `/internal/reservations/${id(reservationId)}/refund`, { reason }),
    /** Starts (or joins) the refund run of a cancelled event; the refunds are audited as done on behalf of `requestedBy`. */
    startEventCancellation: (eventId: string, body: EventCancellationRequest) =>
      c.request<{ workflowId: string }>('POST', `/internal/events/${id(eventId)}/cancellation`, body),
    /** The public key that verifies an event's ticket codes (its private key never leaves booking). */
    ticketKey: (eventId: string, opts?: CallOptions) => c.request<EventTicketKey>('GET', `/internal/events/${id(eventId)}/ticket-key`, undefined, opts),
    ticketState: (ticketId: string, opts?: CallOptions) => c.request<TicketState>('GET', `/internal/tickets/${id(ticketId)}`, undefined, opts),
    voidedTickets: (eventId: string) => c.request<VoidedTickets>('GET', `/internal/events/${id(eventId)}/voided-tickets`),
    /** The printable PDF of some tickets, a page each. */
    ticketsPdf: (tickets: TicketDocument[]) => c.requestBytes('POST', '/internal/ticket-documents', { tickets }),
  };
}
export type BookingClient = ReturnType<typeof bookingClient>;

export function paymentClient(c: ServiceClient) {
  return {
    createIntent: (body: IntentBody) => c.request<PaymentIntent>('POST', '/internal/payment-intents', body),
    intent: (intentId: string) => c.request<PaymentIntent>('GET', `/internal/payment-intents/${id(intentId)}`),
    cancelIntent: (intentId: string) => c.request<PaymentIntent>('POST', `/internal/payment-intents/${id(intentId)}/cancel`),
    /** Every intent ever made for a reference (a reservation). */
    intentsFor: async (reference: string) =>
      (await c.request<{ items: PaymentIntent[] }>('GET', `/internal/payment-intents?reference=${id(reference)}`)).items,
    refund: (intentId: string) => c.request<PaymentIntent>('POST', `/internal/payment-intents/${id(intentId)}/refunds`),
  };
}
export type PaymentClient = ReturnType<typeof paymentClient>;

export function notificationClient(c: ServiceClient) {
  return {
    /** Queues an email; the same dedupeKey again sends nothing more. */
    queue: (req: NotificationRequest) => c.request<unknown>('POST', '/internal/notifications', req),
  };
}
export type NotificationClient = ReturnType<typeof notificationClient>;

export function authClient(c: ServiceClient) {
  return {
    user: (userId: string) => c.request<UserContact>('GET', `/internal/users/${id(userId)}`),
    /** Appends an entry to the audit log; the same entry id again records nothing more. */
    appendAudit: (entry: AuditAppend) => c.request<void>('POST', '/internal/audit-log', entry),
    stats: () => c.request<AuthStats>('GET', '/internal/stats'),
  };
}
export type AuthClient = ReturnType<typeof authClient>;

export function checkinClient(c: ServiceClient) {
  return {
    checkins: (eventId: string) => c.request<EventCheckins>('GET', `/internal/events/${id(eventId)}/checkins`),
    stats: () => c.request<CheckinStats>('GET', '/internal/stats'),
  };
}
export type CheckinClient = ReturnType<typeof checkinClient>;
