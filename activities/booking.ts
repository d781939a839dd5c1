import { ApplicationFailure } from '@temporalio/activity';
import { HttpError } from '../services/shared/errors';
import type { ServiceClient } from '../services/shared/service-client';
import type { HoldResult, SellResult } from '../services/catalog/seat-holds';
import type { Charge } from '../services/payment/schemas';
import type { GeneralAdmission, Money, Reservation, Ticket } from '../workflows/types';

export interface BookingActivityDeps {
  catalog: ServiceClient;
  booking: ServiceClient;
  payment: ServiceClient;
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

/** Thin, idempotent calls to the services; the workflow holds the logic. */
export function createBookingActivities({ catalog, booking, payment }: BookingActivityDeps) {
  return {
    /** Numbered seats by id, or (generalAdmission set) that many free places of an area. */
    holdSeats: (a: { sessionId: string; reservationId: string; seatIds: string[]; heldUntil: string; generalAdmission?: GeneralAdmission }) =>
      call(() =>
        catalog.request<HoldResult>(
          'POST',
          `/internal/sessions/${a.sessionId}/holds`,
          a.generalAdmission
            ? { reservationId: a.reservationId, generalAdmission: a.generalAdmission, heldUntil: a.heldUntil }
            : { reservationId: a.reservationId, seatIds: a.seatIds, heldUntil: a.heldUntil },
        ),
      ),

    releaseSeats: (a: { sessionId: string; reservationId: string }) =>
      call(() =>
        catalog.request<{ released: number }>('POST', `/internal/sessions/${a.sessionId}/releases`, {
          reservationId: a.reservationId,
        }),
      ),

    sellSeats: (a: { sessionId: string; reservationId: string; seatIds: string[] }) =>
      call(() =>
        catalog.request<SellResult>('POST', `/internal/sessions/${a.sessionId}/sales`, {
          reservationId: a.reservationId,
          seatIds: a.seatIds,
        }),
      ),

    chargePayment: (a: { idempotencyKey: string; reservationId: string; amount: Money; token: string }) =>
      call(() =>
        payment.request<Charge>('POST', '/internal/charges', {
          idempotencyKey: a.idempotencyKey,
          reference: a.reservationId,
          amount: a.amount,
          token: a.token,
        }),
      ),

    refundPayment: (a: { chargeId: string }) =>
      call(() => payment.request<Charge>('POST', `/internal/charges/${a.chargeId}/refunds`)),

    recordReservation: (r: Reservation) =>
      call(() => booking.request<Reservation>('PUT', `/internal/reservations/${r.id}`, r)),

    issueTickets: (a: { reservation: Reservation; chargeId: string }) =>
      call(() =>
        booking.request<Ticket[]>('POST', `/internal/reservations/${a.reservation.id}/tickets`, {
          reservation: a.reservation,
          chargeId: a.chargeId,
        }),
      ),
  };
}

export type BookingActivities = ReturnType<typeof createBookingActivities>;
