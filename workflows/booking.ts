import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { BookingActivities, NotificationKind } from '../activities/booking';
import type { PaymentIntent } from '../services/payment/schemas';
import {
  BookingFailure,
  type BookingInput,
  type BookingPhase,
  type BookingState,
  type Confirmation,
  type ConfirmInput,
  type HoldOutcome,
  type PaymentOutcome,
  type Reservation,
  type Ticket,
} from './types';

export const holdUpdate = defineUpdate<HoldOutcome>('hold');
export const confirmUpdate = defineUpdate<Confirmation, [ConfirmInput]>('confirm');
export const cancelUpdate = defineUpdate<Reservation>('cancel');
export const stateQuery = defineQuery<BookingState>('state');
/** Sent by the booking API when the provider's webhook announces a settled payment. */
export const paymentSettledSignal = defineSignal<[PaymentOutcome]>('paymentSettled');

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
const CHARGE = {
  startToCloseTimeout: '15s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 5 },
} as const;
// Email is queued with the notification service; a failure there never fails a booking.
const EMAIL = {
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
} as const;
const payments = proxyActivities<BookingActivities>(CHARGE);
const notifications = proxyActivities<BookingActivities>(EMAIL);
// lean-confirm patch: the same calls, with the same bounds, as local
// activities: each is one quick, idempotent call, and run inside the
// workflow task they spare the server a round trip each.
const localPayments = proxyLocalActivities<BookingActivities>(CHARGE);
const localNotifications = proxyLocalActivities<BookingActivities>(EMAIL);
// Refunds, cancellations and lookups of money already moving: nobody waits
// on them, and they must land, so they are retried until they do.
const settlement = proxyActivities<BookingActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

const DEFAULT_PAYMENT_WAIT_MS = 10_000;
/** A payment still processing after the hold ended is polled this often (in case its webhook is lost)... */
const LATE_PAYMENT_POLL_MS = 60_000;
/** ...and cancelled at the provider after this long. */
const LATE_PAYMENT_MAX_MS = 30 * 60_000;
/** How long seats re-held for a late payment stay held while they are sold. */
const REHOLD_MS = 60_000;

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
  // lean-confirm patch: a confirmed booking costs the server one workflow
  // task, not four, and the worker fewer activations. The charge and the email
  // run as local activities, the hold records its reservation and the sale
  // issues its tickets in the same local activity, and the provider's ledger
  // is looked up at the end only when a charge's outcome was ever in doubt (a
  // call that failed, a payment that was processing): otherwise every
  // intent's answer is known here and handled already. It implies the two
  // patches before it, which it then need not record: every patch marker also
  // costs the server a search-attribute upsert (TemporalChangeVersion).
  const lean = patched('lean-confirm');
  // payment-saga patch: payments may settle late (webhooks), late money is
  // re-sold or refunded, the ledger is reconciled, and the buyer is emailed.
  // Histories recorded before it keep the plain charge of v1.
  const saga = lean || patched('payment-saga');
  /** A charge whose outcome this workflow may not know: the ledger must be reconciled at the end. */
  let paymentInDoubt = false;
  /** Settled outcomes of processing payments, by intent id (webhook signals and polls). */
  const outcomes = new Map<string, PaymentOutcome['status']>();
  /** The processing payment this booking waits on, if any. */
  let pending: PaymentIntent | undefined;
  let paymentAttempted = false;
  let tickets: Ticket[] = [];
  /** The payment the tickets were sold against. */
  let paidWith: string | undefined;
  const state = (): BookingState => ({
    phase,
    confirming,
    hold: holdOutcome,
    reservation,
    declinedPayments,
    ...(saga ? { paymentPending: pending !== undefined } : {}),
  });

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

  setHandler(paymentSettledSignal, ({ intentId, status }) => {
    // A webhook delivered twice settles once.
    if (!outcomes.has(intentId)) outcomes.set(intentId, status);
  });

  const chargeKey = () =>
    // The key moves on only after a definite decline, so another card can be
    // tried; a confirm retried after an unknown outcome (provider down,
    // timeout) reuses the key and can never charge twice.
    `${input.reservationId}:${declinedPayments + 1}`;

  /**
   * Paid: sell the held seats and issue the tickets, or (the seats were
   * lost, or the event went off sale) give the money back. `rehold` first
   * takes the seats again for a payment that settled after the hold ended.
   */
  async function sellPaid(intent: PaymentIntent, rehold: boolean): Promise<Confirmation | undefined> {
    const ids = heldIds();
    const again = rehold
      ? await seats.holdSeats({
          sessionId: input.sessionId,
          reservationId: input.reservationId,
          seatIds: ids,
          heldUntil: new Date(Date.now() + REHOLD_MS).toISOString(),
        })
      : { ok: true };
    const confirmed: Reservation = { ...reservation!, status: 'confirmed' };
    let sold: { ok: boolean } = again;
    if (again.ok && lean) {
      const done = await seats.sellAndIssue({ sessionId: input.sessionId, reservationId: input.reservationId, seatIds: ids, reservation: confirmed, chargeId: intent.id });
      sold = done.sold;
      if (done.tickets) tickets = done.tickets;
    } else if (again.ok) {
      sold = await seats.sellSeats({ sessionId: input.sessionId, reservationId: input.reservationId, seatIds: ids });
    }
    if (!sold.ok) {
      await settlement.refundPayment({ chargeId: intent.id });
      await seats.releaseSeats({ sessionId: input.sessionId, reservationId: input.reservationId });
      setPhase('expired');
      await record('expired');
      return undefined;
    }
    if (!lean) tickets = await seats.issueTickets({ reservation: confirmed, chargeId: intent.id });
    paidWith = intent.id;
    reservation = confirmed;
    setPhase('confirmed');
    return { reservation, tickets };
  }

  const settledPending = () => (pending && outcomes.has(pending.id) ? { ...pending, status: outcomes.get(pending.id)! } : undefined);

  const confirmV2 = async ({ paymentToken }: ConfirmInput): Promise<Confirmation> => {
    confirming = true;
    try {
      paymentAttempted = true;
      let intent = await (lean ? localPayments : payments)
        .createPaymentIntent({
          idempotencyKey: chargeKey(),
          reservationId: input.reservationId,
          amount: reservation!.total,
          token: paymentToken,
        })
        .catch((err: unknown) => {
          paymentInDoubt = true;
          throw err;
        });
      if (intent.status === 'processing') {
        paymentInDoubt = true;
        // A slow provider: wait a bounded time, then tell the buyer it is pending; the booking keeps waiting.
        pending = intent;
        const settled = await condition(() => outcomes.has(intent.id), input.paymentWaitMs ?? DEFAULT_PAYMENT_WAIT_MS);
        if (!settled) throw failure(BookingFailure.paymentPending, 'the payment is still processing; the booking completes when it settles');
        intent = settledPending()!;
        pending = undefined;
      }
      if (intent.status !== 'succeeded') {
        declinedPayments += 1;
        throw failure(BookingFailure.declined, `payment declined: ${intent.declineReason ?? intent.status}`);
      }
      const confirmed = await sellPaid(intent, false);
      if (!confirmed) throw failure(BookingFailure.expired, 'the seats were lost during payment; the charge was refunded');
      return confirmed;
    } finally {
      confirming = false;
    }
  };

  const confirmV1 = async ({ paymentToken }: ConfirmInput): Promise<Confirmation> => {
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
    };

  setHandler(confirmUpdate, (i) => (saga ? confirmV2(i) : confirmV1(i)), {
    validator: (_input: ConfirmInput) => {
      if (phase === 'active' && confirming) throw failure(BookingFailure.inProgress, 'a payment for this reservation is in progress');
      if (phase === 'active' && pending) throw failure(BookingFailure.paymentPending, 'a payment for this reservation is processing');
      if (phase === 'active' && Date.now() >= Date.parse(reservation!.expiresAt)) throw failure(BookingFailure.expired, 'the reservation has expired');
      if (phase !== 'active') throw failureFor(phase);
    },
  });

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
        if (phase === 'active' && pending) throw failure(BookingFailure.paymentPending, 'a payment for this reservation is processing');
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
  const unitsFromHold = lean || patched('general-admission');
  const holding = {
    sessionId: input.sessionId,
    reservationId: input.reservationId,
    seatIds: input.seatIds,
    heldUntil: expiresAt,
    ...(unitsFromHold && input.generalAdmission ? { generalAdmission: input.generalAdmission } : {}),
  };
  const draft = {
    id: input.reservationId,
    userId: input.userId,
    sessionId: input.sessionId,
    status: 'active' as const,
    expiresAt,
    createdAt: new Date(startedAt).toISOString(),
  };
  // lean-confirm: the reservation is recorded by the hold's own local activity.
  const held = lean ? await seats.holdAndRecord({ ...holding, reservation: draft }) : await seats.holdSeats(holding);
  if (!held.ok) {
    holdOutcome = held;
    setPhase('rejected');
    await condition(allHandlersFinished);
    return state();
  }
  reservation = { ...draft, seats: held.seats, total: held.total };
  if (unitsFromHold) {
    const ids = held.seats.map((seat) => seat.seatId);
    heldIds = () => ids;
  }
  if (!lean) await seats.recordReservation(reservation);
  phase = 'active';
  if (input.searchAttributes !== false) {
    upsertSearchAttributes([
      { key: BookingStatusKey, value: 'active' },
      { key: BookingExpiresAtKey, value: new Date(expiresAt) },
    ]);
  }
  holdOutcome = { ok: true, reservation };

  // 2. Wait for a payment, a cancellation or the end of the hold: the durable timer.
  if (!saga) {
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

  for (;;) {
    const woke = await condition(() => phase !== 'active' || (!confirming && settledPending() !== undefined), Math.max(1, Date.parse(expiresAt) - Date.now()));
    if (phase !== 'active') break;
    const late = !confirming && settledPending();
    if (late) {
      // A payment the buyer was told is pending settled while the hold lasts.
      pending = undefined;
      if (late.status === 'succeeded') await sellPaid(late, false);
      else declinedPayments += 1;
      continue;
    }
    if (!woke) break;
  }
  // A payment under way when the hold ends finishes first: its charge must end in tickets or a refund.
  await condition(() => !confirming);

  // 3. Expire: the seats go back on sale on time, even with a payment still processing.
  if (phase === 'active') {
    await seats.releaseSeats({ sessionId: input.sessionId, reservationId: input.reservationId });
    if (pending) {
      const outcome = await latePayment(pending);
      pending = undefined;
      // Paid after the hold ended: a sale if the seats are still free, else a refund.
      if (outcome.status === 'succeeded') await sellPaid(outcome, true);
    }
    if (phase === 'active') {
      setPhase('expired');
      await record('expired');
    }
  }

  // 4. Money that ended in no ticket goes back (an answer lost to a timeout, a late success).
  if (paymentAttempted && (!lean || paymentInDoubt)) {
    for (const intent of await settlement.paymentIntentsFor({ reservationId: input.reservationId })) {
      if (intent.status === 'succeeded' && !intent.refundedAt && intent.id !== paidWith) await settlement.refundPayment({ chargeId: intent.id });
    }
  }
  await notify();
  await condition(allHandlersFinished);
  return state();

  /** Waits for a processing payment to settle: by webhook, by polling, or by cancelling it after LATE_PAYMENT_MAX_MS. */
  async function latePayment(intent: PaymentIntent): Promise<PaymentIntent> {
    const giveUpAt = Date.now() + LATE_PAYMENT_MAX_MS;
    for (;;) {
      if (await condition(() => outcomes.has(intent.id), Math.min(LATE_PAYMENT_POLL_MS, Math.max(1, giveUpAt - Date.now())))) {
        return { ...intent, status: outcomes.get(intent.id)! };
      }
      const now = Date.now() >= giveUpAt ? await settlement.cancelPaymentIntent({ intentId: intent.id }) : await settlement.getPaymentIntent({ intentId: intent.id });
      if (now.status !== 'processing') return now;
    }
  }

  async function notify(): Promise<void> {
    const final: BookingPhase = phase;
    const kind: NotificationKind | undefined =
      final === 'confirmed' ? 'confirmed' : final === 'expired' ? 'expired' : final === 'cancelled' ? 'cancelled' : undefined;
    if (!kind || !reservation) return;
    try {
      await (lean ? localNotifications : notifications).notify({ kind, reservation, ...(kind === 'confirmed' ? { tickets } : {}) });
    } catch {
      // The booking stands without its email; the notification service's log shows what was not sent.
    }
  }
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
