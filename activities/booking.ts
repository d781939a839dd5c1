import { ApplicationFailure } from '@temporalio/activity';
import type { AuthClient, BookingClient, CatalogClient, NotificationClient, PaymentClient } from '../contracts/clients';
import type { GeneralAdmission, NotificationKind, Reservation, Ticket } from '../contracts/domain';
import type { Money } from '../contracts/money';
import { HttpError } from '../services/shared/errors';

export interface BookingActivityDeps {
  catalog: CatalogClient;
  booking: BookingClient;
  payment: PaymentClient;
  notification: NotificationClient;
  auth: AuthClient;
}

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

interface HoldInput {
  sessionId: string;
  reservationId: string;
  seatIds: string[];
  heldUntil: string;
  generalAdmission?: GeneralAdmission;
}

/** Thin, idempotent calls to the services; the workflow holds the logic. */
export function createBookingActivities({ catalog, booking, payment, notification, auth }: BookingActivityDeps) {
  const holdSeats = (a: HoldInput) =>
    call(() =>
      catalog.holdSeats(
        a.sessionId,
        a.generalAdmission
          ? { reservationId: a.reservationId, generalAdmission: a.generalAdmission, heldUntil: a.heldUntil }
          : { reservationId: a.reservationId, seatIds: a.seatIds, heldUntil: a.heldUntil },
      ),
    );
  const recordReservation = (r: Reservation) => call(() => booking.recordReservation(r));

  return {
    /** Numbered seats by id, or (generalAdmission set) that many free places of an area. */
    holdSeats,

    /**
     * The hold and, when it succeeds, the reservation it makes recorded in
     * the read model: one activity, so one activation of the workflow instead
     * of two. Both calls are idempotent: a retry holds the same seats for the
     * same reservation again.
     */
    holdAndRecord: async (a: HoldInput & { reservation: Omit<Reservation, 'seats' | 'total'> }) => {
      const held = await holdSeats(a);
      if (held.ok) await recordReservation({ ...a.reservation, seats: held.seats, total: held.total });
      // An earlier attempt may have held and recorded, then failed to answer (a store down, a
      // timeout, a worker killed); its hold lapsed meanwhile and another buyer took a seat. The
      // booking ends refused: the reservation that attempt recorded must not stay behind, active.
      // (Attempts are counted anew in a replayed task, so every refusal clears; seat claims keep
      // refused holds rare.)
      else await call(() => booking.discardReservation(a.reservation.id));
      return held;
    },

    /** The sale of the held seats and, when it stands, the tickets (both idempotent). */
    sellAndIssue: async (a: { sessionId: string; reservationId: string; seatIds: string[]; reservation: Reservation; chargeId: string }) => {
      const sold = await call(() => catalog.sellSeats(a.sessionId, a.reservationId, a.seatIds));
      if (!sold.ok) return { sold };
      return { sold, tickets: await call(() => booking.issueTickets(a.reservation, a.chargeId)) };
    },

    releaseSeats: (a: { sessionId: string; reservationId: string }) => call(() => catalog.releaseSeats(a.sessionId, a.reservationId)),

    recordReservation,

    createPaymentIntent: (a: { idempotencyKey: string; reservationId: string; amount: Money; token: string }) =>
      call(() => payment.createIntent({ idempotencyKey: a.idempotencyKey, reference: a.reservationId, amount: a.amount, token: a.token })),

    getPaymentIntent: (a: { intentId: string }) => call(() => payment.intent(a.intentId)),

    cancelPaymentIntent: (a: { intentId: string }) => call(() => payment.cancelIntent(a.intentId)),

    /** Every intent ever made for a reservation: the saga's ledger when outcomes were unknown. */
    paymentIntentsFor: (a: { reservationId: string }) => call(() => payment.intentsFor(a.reservationId)),

    refundPayment: (a: { chargeId: string }) => call(() => payment.refund(a.chargeId)),

    /**
     * Queues an email with the notification service (which owns delivery and
     * its retries); the recipient and the event are looked up here so the
     * workflow carries ids only.
     */
    notify: (a: { kind: NotificationKind; reservation: Reservation; tickets?: Ticket[] }) =>
      call(async () => {
        const [user, session] = await Promise.all([auth.user(a.reservation.userId), catalog.session(a.reservation.sessionId)]);
        const r = a.reservation;
        await notification.queue({
          dedupeKey: `${r.id}:${a.kind}`,
          kind: a.kind,
          to: { email: user.email, name: user.name },
          reservation: { id: r.id, status: r.status, total: r.total, seats: r.seats, expiresAt: r.expiresAt },
          event: { id: session.eventId, title: session.eventTitle, sessionStartsAt: session.startsAt, venue: session.venue, hall: session.hall },
          ...(a.tickets ? { tickets: a.tickets.map((t) => ({ id: t.id, code: t.code, seat: t.seat })) } : {}),
        });
      }),
  };
}

export type BookingActivities = ReturnType<typeof createBookingActivities>;
