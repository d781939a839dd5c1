/** How the booking workflow calls its activities: the bounds and retries of each kind of call. */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { BookingActivities } from '../activities/booking';

// Calls that are quick and idempotent run as local activities, inside the
// workflow task: no round trip through the server per call.
export const seats = proxyLocalActivities<BookingActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s' },
});
// A charge is answered within bounds or fails: the buyer is waiting on it.
export const payments = proxyLocalActivities<BookingActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 5 },
});
// Email is queued with the notification service; a failure there never fails a booking.
export const notifications = proxyLocalActivities<BookingActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
});
// Refunds, cancellations and lookups of money already moving: nobody waits
// on them, and they must land, so they are retried until they do.
export const settlement = proxyActivities<BookingActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});
