import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { BookingActivities } from '../activities/booking';
import {
  BookingFailure,
  type BookingInput,
  type BookingPhase,
  type BookingState,
  type Confirmation,
  type ConfirmInput,
  type HoldOutcome,
  type Reservation,
} from './types';

export const holdUpdate = defineUpdate<HoldOutcome>('hold');
export const confirmUpdate = defineUpdate<Confirmation, [ConfirmInput]>('confirm');
export const cancelUpdate = defineUpdate<Reservation>('cancel');
export const stateQuery = defineQuery<BookingState>('state');

export const BookingStatusKey = defineSearchAttributeKey('BookingStatus', 'KEYWORD');
export const BookingSessionIdKey = defineSearchAttributeKey('BookingSessionId', 'KEYWORD');
export const BookingUserIdKey = defineSearchAttributeKey('BookingUserId', 'KEYWORD');
export const BookingExpiresAtKey = defineSearchAttributeKey('BookingExpiresAt', 'DATETIME');

// Seat and read-model calls are quick and idempotent: local activities run
// them inside the workflow task (no round trips through the server per
// call), retried until they land.
const seats = proxyLocalActivities<BookingActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s' },
});
// A charge is answered within bounds or fails: the buyer is waiting on it.
const payments = proxyActivities<BookingActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 5 },
});

/**
 * One booking: hold the seats, keep them for holdTtlMs (the durable timer),
 * then sell them against a successful charge or give them back.
 */
export async function BookingWorkflow(input: BookingInput): Promise<BookingState> {
  let phase: BookingPhase = 'holding';
  let confirming = false;
  let declinedPayments = 0;
  let reservation: Reservation | undefined;
  let holdOutcome: HoldOutcome | undefined;
  const state = (): BookingState => ({ phase, confirming, hold: holdOutcome, reservation, declinedPayments });

  const setPhase = (next: BookingPhase) => {
    phase = next;
    if (input.searchAttributes !== false) upsertSearchAttributes([{ key: BookingStatusKey, value: next }]);
  };
  const record = async (status: Reservation['status']) => {
    reservation = { ...reservation!, status };
    await seats.recordReservation(reservation);
  };

  /** The units this booking holds: from the hold result (GA places are picked there), or the input's seat ids before the patch. */
  let heldIds = (): string[] => input.seatIds;

  setHandler(stateQuery, state);
  setHandler(holdUpdate, async () => {
    await condition(() => holdOutcome !== undefined);
    return holdOutcome!;
  });

  setHandler(
    confirmUpdate,
    async ({ paymentToken }) => {
      confirming = true;
      try {
        const charge = await payments.chargePayment({
          // The key moves on only after a definite decline, so another card can
          // be tried; a confirm retried after an unknown outcome (provider down,
          // timeout) reuses the key and can never charge twice.
          idempotencyKey: `${input.reservationId}:${declinedPayments + 1}`,
          reservationId: input.reservationId,
          amount: reservation!.total,
          token: paymentToken,
        });
        if (charge.status !== 'succeeded') {
          declinedPayments += 1;
          throw ApplicationFailure.create({
            type: BookingFailure.declined,
            message: `payment declined: ${charge.declineReason ?? 'declined'}`,
            nonRetryable: true,
          });
        }
        const sold = await seats.sellSeats({ sessionId: input.sessionId, reservationId: input.reservationId, seatIds: heldIds() });
        if (!sold.ok) {
          // The hold lapsed and someone else took a seat while the charge ran: give the money back.
          await seats.refundPayment({ chargeId: charge.id });
          await seats.releaseSeats({ sessionId: input.sessionId, reservationId: input.reservationId });
          setPhase('expired');
          await record('expired');
          throw ApplicationFailure.create({ type: BookingFailure.expired, message: 'the hold expired during payment; the charge was refunded', nonRetryable: true });
        }
        const tickets = await seats.issueTickets({ reservation: { ...reservation!, status: 'confirmed' }, chargeId: charge.id });
        reservation = { ...reservation!, status: 'confirmed' };
        setPhase('confirmed');
        return { reservation, tickets };
      } finally {
        confirming = false;
      }
    },
    {
      validator: (_input: ConfirmInput) => {
        if (phase === 'active' && confirming) throw failure(BookingFailure.inProgress, 'a payment for this reservation is in progress');
        if (phase === 'active' && Date.now() >= Date.parse(reservation!.expiresAt)) throw failure(BookingFailure.expired, 'the reservation has expired');
        if (phase !== 'active') throw failureFor(phase);
      },
    },
  );

  setHandler(
    cancelUpdate,
    async () => {
      setPhase('cancelled');
      await seats.releaseSeats({ sessionId: input.sessionId, reservationId: input.reservationId });
      await record('cancelled');
      return reservation!;
    },
    {
      validator: () => {
        if (phase === 'active' && confirming) throw failure(BookingFailure.inProgress, 'a payment for this reservation is in progress');
        if (phase !== 'active') throw failureFor(phase);
      },
    },
  );

  // 1. Hold: all seats or none, until exactly holdTtlMs after the start.
  const startedAt = workflowInfo().startTime.getTime();
  const expiresAt = new Date(startedAt + input.holdTtlMs).toISOString();
  // general-admission patch: the hold may pick the units (GA places), so the
  // units sold are the held ones, not the input's. Histories recorded before
  // the patch (seated only) keep selling input.seatIds.
  const unitsFromHold = patched('general-admission');
  const held = await seats.holdSeats({
    sessionId: input.sessionId,
    reservationId: input.reservationId,
    seatIds: input.seatIds,
    heldUntil: expiresAt,
    ...(unitsFromHold && input.generalAdmission ? { generalAdmission: input.generalAdmission } : {}),
  });
  if (!held.ok) {
    holdOutcome = held;
    setPhase('rejected');
    await condition(allHandlersFinished);
    return state();
  }
  reservation = {
    id: input.reservationId,
    userId: input.userId,
    sessionId: input.sessionId,
    status: 'active',
    seats: held.seats,
    total: held.total,
    expiresAt,
    createdAt: new Date(startedAt).toISOString(),
  };
  if (unitsFromHold) {
    const ids = held.seats.map((seat) => seat.seatId);
    heldIds = () => ids;
  }
  await seats.recordReservation(reservation);
  phase = 'active';
  if (input.searchAttributes !== false) {
    upsertSearchAttributes([
      { key: BookingStatusKey, value: 'active' },
      { key: BookingExpiresAtKey, value: new Date(expiresAt) },
    ]);
  }
  holdOutcome = { ok: true, reservation };

  // 2. Wait for a payment, a cancellation or the end of the hold: the durable timer.
  const settled = await condition(() => phase !== 'active', Math.max(1, Date.parse(expiresAt) - Date.now()));
  if (!settled) {
    // A payment already under way when the hold ends finishes first: its charge must end in tickets or a refund.
    await condition(() => !confirming);
  }
  // 3. Expire: the seats go back on sale.
  if (phase === 'active') {
    setPhase('expired');
    await seats.releaseSeats({ sessionId: input.sessionId, reservationId: input.reservationId });
    await record('expired');
  }
  await condition(allHandlersFinished);
  return state();
}

function failure(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

function failureFor(phase: BookingPhase): ApplicationFailure {
  switch (phase) {
    case 'expired':
      return failure(BookingFailure.expired, 'the reservation has expired');
    case 'cancelled':
      return failure(BookingFailure.cancelled, 'the reservation was cancelled');
    case 'confirmed':
      return failure(BookingFailure.confirmed, 'the reservation is already confirmed');
    default:
      return failure(BookingFailure.notReady, `the reservation is not active (${phase})`);
  }
}
