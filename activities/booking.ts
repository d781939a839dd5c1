import { ApplicationFailure } from '@temporalio/activity';
import { HttpError } from '../services/shared/errors';
import type { ServiceClient } from '../services/shared/service-client';
import type { HoldResult, SellResult } from '../services/catalog/seat-holds';
import type { PaymentIntent } from '../services/payment/schemas';
import type { GeneralAdmission, Money, Reservation, Ticket } from '../workflows/types';

export interface BookingActivityDeps {
  catalog: ServiceClient;
  booking: ServiceClient;
  payment: ServiceClient;
  notification: ServiceClient;
  auth: ServiceClient;
}

export type NotificationKind = 'confirmed' | 'expired' | 'cancelled' | 'refunded';

/**
 * A service's 4xx is an answer, not an outage: retrying cannot change it, so
 * it fails the activity for good. Anything else (5xx, network) is retried.
 */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof HttpError && err.status < 500) {
      throw ApplicationFailure.nonRetryable(err.message, err.code, err.extra);
    }
    throw err;
  }
}

/** Thin, idempotent calls to the services; the workflow holds the logic. */
export function createBookingActivities({ catalog, booking, payment, notification, auth }: BookingActivityDeps) {
  const createPaymentIntent = (a: { idempotencyKey: string; reservationId: string; amount: Money; token: string }) =>
    call(() =>
      payment.request<PaymentIntent>('POST', '/internal/payment-intents', {
        idempotencyKey: a.idempotencyKey,
        reference: a.reservationId,
        amount: a.amount,
        token: a.token,
      }),
    );

  type HoldInput = { sessionId: string; reservationId: string; seatIds: string[]; heldUntil: string; generalAdmission?: GeneralAdmission };
  const holdSeats = (a: HoldInput) =>
    call(() =>
      catalog.request<HoldResult>(
        'POST',
        `/internal/sessions/${a.sessionId}/holds`,
        a.generalAdmission
          ? { reservationId: a.reservationId, generalAdmission: a.generalAdmission, heldUntil: a.heldUntil }
          : { reservationId: a.reservationId, seatIds: a.seatIds, heldUntil: a.heldUntil },
      ),
    );
  const recordReservation = (r: Reservation) => call(() => booking.request<Reservation>('PUT', `/internal/reservations/${r.id}`, r));
  const sellSeats = (a: { sessionId: string; reservationId: string; seatIds: string[] }) =>
    call(() =>
      catalog.request<SellResult>('POST', `/internal/sessions/${a.sessionId}/sales`, {
        reservationId: a.reservationId,
        seatIds: a.seatIds,
      }),
    );
  const issueTickets = (a: { reservation: Reservation; chargeId: string }) =>
    call(() =>
      booking.request<Ticket[]>('POST', `/internal/reservations/${a.reservation.id}/tickets`, {
        reservation: a.reservation,
        chargeId: a.chargeId,
      }),
    );

  return {
    /** Numbered seats by id, or (generalAdmission set) that many free places of an area. */
    holdSeats,

    /**
     * lean-confirm: the hold and, when it succeeds, the reservation it makes
     * recorded in the read model; one local activity, so one activation of
     * the workflow instead of two. Both calls are idempotent: a retry holds
     * the same seats for the same reservation again.
     */
    holdAndRecord: async (a: HoldInput & { reservation: Omit<Reservation, 'seats' | 'total'> }) => {
      const held = await holdSeats(a);
      if (held.ok) await recordReservation({ ...a.reservation, seats: held.seats, total: held.total });
      return held;
    },

    /** lean-confirm: the sale of the held seats and, when it stands, the tickets (both idempotent). */
    sellAndIssue: async (a: { sessionId: string; reservationId: string; seatIds: string[]; reservation: Reservation; chargeId: string }) => {
      const sold = await sellSeats(a);
      if (!sold.ok) return { sold };
      return { sold, tickets: await issueTickets({ reservation: a.reservation, chargeId: a.chargeId }) };
    },

    releaseSeats: (a: { sessionId: string; reservationId: string }) =>
      call(() =>
        catalog.request<{ released: number }>('POST', `/internal/sessions/${a.sessionId}/releases`, {
          reservationId: a.reservationId,
        }),
      ),

    sellSeats,

    createPaymentIntent,
    /** The name histories recorded before payment intents use; the same call. */
    chargePayment: createPaymentIntent,

    getPaymentIntent: (a: { intentId: string }) => call(() => payment.request<PaymentIntent>('GET', `/internal/payment-intents/${a.intentId}`)),

    cancelPaymentIntent: (a: { intentId: string }) =>
      call(() => payment.request<PaymentIntent>('POST', `/internal/payment-intents/${a.intentId}/cancel`)),

    /** Every intent ever made for a reservation: the saga's ledger when outcomes were unknown. */
    paymentIntentsFor: (a: { reservationId: string }) =>
      call(async () =>
        (await payment.request<{ items: PaymentIntent[] }>('GET', `/internal/payment-intents?reference=${encodeURIComponent(a.reservationId)}`)).items,
      ),

    refundPayment: (a: { chargeId: string }) => call(() => payment.request<PaymentIntent>('POST', `/internal/payment-intents/${a.chargeId}/refunds`)),

    /**
     * Queues an email with the notification service (which owns delivery and
     * its retries); the recipient and the event are looked up here so the
     * workflow carries ids only.
     */
    notify: (a: { kind: NotificationKind; reservation: Reservation; tickets?: Ticket[] }) =>
      call(async () => {
        const [user, session] = await Promise.all([
          auth.request<{ email: string; name: string }>('GET', `/internal/users/${a.reservation.userId}`),
          catalog.request<{ eventId: string; eventTitle: string; startsAt: string; venue: string; hall: string }>(
            'GET',
            `/internal/sessions/${a.reservation.sessionId}`,
          ),
        ]);
        const r = a.reservation;
        await notification.request('POST', '/internal/notifications', {
          dedupeKey: `${r.id}:${a.kind}`,
          kind: a.kind,
          to: { email: user.email, name: user.name },
          reservation: { id: r.id, status: r.status, total: r.total, seats: r.seats, expiresAt: r.expiresAt },
          event: { id: session.eventId, title: session.eventTitle, sessionStartsAt: session.startsAt, venue: session.venue, hall: session.hall },
          ...(a.tickets ? { tickets: a.tickets.map((t) => ({ id: t.id, code: t.code, seat: t.seat })) } : {}),
        });
      }),

    recordReservation,

    issueTickets,
  };
}

export type BookingActivities = ReturnType<typeof createBookingActivities>;
