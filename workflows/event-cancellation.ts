import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, continueAsNew, executeChild, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { BookingActivities } from '../activities/booking';
import type { RefundActivities } from '../activities/refunds';
import { refundWorkflowId, type EventCancellationInput, type RefundInput } from '../contracts/booking-workflow';
import { BookingSessionIdKey, BookingStatusKey, BookingUserIdKey } from '../contracts/search-attributes';

// Everything here must land eventually (money goes back): retried until it does.
const acts = proxyActivities<RefundActivities & Pick<BookingActivities, 'refundPayment'>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});
const notifications = proxyActivities<Pick<BookingActivities, 'notify'>>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
});

const PAGE = 100;
/** Pages per run before continuing as new: keeps each run's history small. */
const PAGES_PER_RUN = 5;

/**
 * An organizer cancelled the event: every booking that bought seats of it is
 * refunded and its tickets voided, one child workflow per booking
 * (`refund-<reservationId>`), a page at a time. Safe to re-run: a booking
 * already refunded has a completed child, which is not started again, and
 * every step of a refund is idempotent anyway.
 */
export async function EventCancellationWorkflow(input: EventCancellationInput): Promise<{ refunded: number }> {
  let after = input.after;
  let refunded = input.refunded ?? 0;
  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const { items } = await acts.soldReservations({ eventId: input.eventId, after, limit: PAGE });
    if (items.length === 0) return { refunded };
    await Promise.all(
      items.map(async (reservationId) => {
        try {
          const { refundedNow } = await executeChild(RefundBookingWorkflow, {
            workflowId: refundWorkflowId(reservationId),
            args: [{ reservationId, reason: 'event cancelled' }],
            taskQueue: workflowInfo().taskQueue,
            // A completed refund is not run again; one cut short by an interrupted run is.
            workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
            parentClosePolicy: ParentClosePolicy.TERMINATE,
          });
          if (refundedNow) refunded += 1;
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          // Refunded by an earlier run.
        }
      }),
    );
    after = items[items.length - 1];
  }
  return continueAsNew<typeof EventCancellationWorkflow>({ eventId: input.eventId, after, refunded });
}

/**
 * One booking of a cancelled event: money back, tickets void, buyer told.
 * Each step is idempotent; a booking found refunded already is left alone.
 *
 * The booking's own workflow closed when it was confirmed, and a closed
 * workflow's search attributes cannot change, so the refund is what an
 * operator finds: this workflow carries the booking's session and user and
 * BookingStatus "refunded".
 */
export async function RefundBookingWorkflow(input: RefundInput): Promise<{ refundedNow: boolean }> {
  const reservation = await acts.confirmedReservation({ reservationId: input.reservationId });
  if (reservation.status !== 'confirmed') return { refundedNow: false };
  if (reservation.chargeId) await acts.refundPayment({ chargeId: reservation.chargeId });
  const refunded = await acts.markRefunded({ reservationId: input.reservationId, reason: input.reason });
  upsertSearchAttributes([
    { key: BookingStatusKey, value: 'refunded' },
    { key: BookingSessionIdKey, value: refunded.sessionId },
    { key: BookingUserIdKey, value: refunded.userId },
  ]);
  try {
    await notifications.notify({ kind: 'refunded', reservation: refunded });
  } catch {
    // The refund stands without its email; the notification log shows what was not sent.
  }
  return { refundedNow: true };
}
