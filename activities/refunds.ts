import { ApplicationFailure } from '@temporalio/activity';
import type { RefundableReservation } from '../contracts/booking';
import type { BookingClient, CatalogClient } from '../contracts/clients';

export interface RefundActivityDeps {
  catalog: CatalogClient;
  booking: BookingClient;
}

/** Thin calls for event cancellation: who bought, and marking a booking refunded. */
export function createRefundActivities({ catalog, booking }: RefundActivityDeps) {
  return {
    /** A page of the reservations that bought seats of the event (the catalog's sold seats are the truth of sales). */
    soldReservations: (a: { eventId: string; after?: string; limit: number }) => catalog.soldReservations(a.eventId, { after: a.after, limit: a.limit }),

    /**
     * The booking to refund, once its confirmation has landed: a sale that
     * committed just before the cancellation may still be issuing tickets, so
     * "active" is retried (retryable failure) until it is confirmed.
     */
    async confirmedReservation(a: { reservationId: string }): Promise<RefundableReservation> {
      const r = await booking.reservation(a.reservationId);
      if (r.status === 'active') throw ApplicationFailure.retryable('the booking is still being confirmed', 'BOOKING_NOT_SETTLED');
      return r;
    },

    /** Voids the tickets and marks the booking refunded, once. */
    markRefunded: (a: { reservationId: string; reason: string }) => booking.markRefunded(a.reservationId, a.reason),
  };
}
export type RefundActivities = ReturnType<typeof createRefundActivities>;
