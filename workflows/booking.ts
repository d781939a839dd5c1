import { allHandlersFinished, condition, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  BookingFailure,
  cancelUpdate,
  confirmUpdate,
  holdUpdate,
  paymentSettledSignal,
  stateQuery,
  type BookingInput,
  type BookingPhase,
  type BookingState,
  type Confirmation,
  type ConfirmInput,
  type HoldOutcome,
  type PaymentOutcome,
} from '../contracts/booking-workflow';
import type { NotificationKind, PaymentIntent, Reservation, Ticket } from '../contracts/domain';
import { BookingExpiresAtKey, BookingStatusKey } from '../contracts/search-attributes';
import { notifications, payments, seats, settlement } from './booking-activities';
import { failure, failureFor } from './booking-failures';

const DEFAULT_PAYMENT_WAIT_MS = 10_000;
/** A payment still processing after the hold ended is polled this often (in case its webhook is lost)... */
const LATE_PAYMENT_POLL_MS = 60_000;
/** ...and cancelled at the provider after this long. */
const LATE_PAYMENT_MAX_MS = 30 * 60_000;
/** How long seats re-held for a late payment stay held while they are sold. */
const REHOLD_MS = 60_000;
/** Before a booking expires or is cancelled, it looks for a payment it never saw (adoptUnseenPayment). */
const UNSEEN_PAYMENT_PATCH = 'unseen-payment';

/**
 * One booking: hold the seats → wait for a payment, a cancellation or the end
 * of the hold (the durable timer) → confirm, cancel or expire → settle money
 * that bought nothing → tell the buyer.
 */
export async function BookingWorkflow(input: BookingInput): Promise<BookingState> {
  let phase: BookingPhase = 'holding';
  let hold: HoldOutcome | undefined;
  let reservation: Reservation | undefined;
  /** The places held: the input's seats, or the standing places the hold picked. */
  let heldIds = input.seatIds;
  let confirming = false;
  let declinedPayments = 0;
  /** The processing payment the buyer was told is pending, and the outcomes of such payments as they settle. */
  let pending: PaymentIntent | undefined;
  const outcomes = new Map<string, PaymentOutcome['status']>();
  /** A charge whose outcome this workflow may not know (a call that failed, a payment that was processing). */
  let paymentInDoubt = false;
  let tickets: Ticket[] = [];
  /** The payment the tickets were sold against. */
  let paidWith: string | undefined;

  const state = (): BookingState => ({ phase, confirming, hold, reservation, declinedPayments, paymentPending: pending !== undefined });
  const setPhase = (next: BookingPhase) => {
    phase = next;
    if (input.searchAttributes !== false) upsertSearchAttributes([{ key: BookingStatusKey, value: next }]);
  };
  const record = async (status: Reservation['status']) => {
    reservation = { ...reservation!, status };
    await seats.recordReservation(reservation);
  };
  const settledPending = () => (pending && outcomes.has(pending.id) ? { ...pending, status: outcomes.get(pending.id)! } : undefined);
  const seatsOfThis = { sessionId: input.sessionId, reservationId: input.reservationId };

  setHandler(stateQuery, state);
  setHandler(holdUpdate, async () => {
    await condition(() => hold !== undefined);
    return hold!;
  });
  setHandler(paymentSettledSignal, ({ intentId, status }) => {
    // A webhook delivered twice settles once.
    if (!outcomes.has(intentId)) outcomes.set(intentId, status);
  });
  setHandler(confirmUpdate, ({ paymentToken }) => confirm(paymentToken), {
    validator: (_input: ConfirmInput) => {
      refuseWhileMoneyMoves();
      if (phase === 'active' && Date.now() >= Date.parse(reservation!.expiresAt)) throw failure(BookingFailure.expired, 'the reservation has expired');
      if (phase !== 'active') throw failureFor(phase);
    },
  });
  setHandler(
    cancelUpdate,
    async () => {
      if (patched(UNSEEN_PAYMENT_PATCH)) {
        // Nothing else moves money meanwhile (refuseWhileMoneyMoves); a paid booking is not cancelled.
        confirming = true;
        try {
          await adoptUnseenPayment();
        } finally {
          confirming = false;
        }
        if (phase !== 'active') throw failureFor(phase);
      }
      setPhase('cancelled');
      await seats.releaseSeats(seatsOfThis);
      await record('cancelled');
      return reservation!;
    },
    {
      validator: () => {
        refuseWhileMoneyMoves();
        if (phase !== 'active') throw failureFor(phase);
      },
    },
  );

  // 1. Hold: all seats or none, until exactly holdTtlMs after the start.
  const startedAt = workflowInfo().startTime.getTime();
  const expiresAt = new Date(startedAt + input.holdTtlMs).toISOString();
  const draft = { id: input.reservationId, userId: input.userId, sessionId: input.sessionId, status: 'active' as const, expiresAt, createdAt: new Date(startedAt).toISOString() };
  const held = await seats.holdAndRecord({
    ...seatsOfThis,
    seatIds: input.seatIds,
    heldUntil: expiresAt,
    ...(input.generalAdmission ? { generalAdmission: input.generalAdmission } : {}),
    reservation: draft,
  });
  if (!held.ok) {
    hold = held;
    setPhase('rejected');
    await condition(allHandlersFinished);
    return state();
  }
  reservation = { ...draft, seats: held.seats, total: held.total };
  heldIds = held.seats.map((seat) => seat.seatId);
  phase = 'active';
  if (input.searchAttributes !== false) {
    upsertSearchAttributes([
      { key: BookingStatusKey, value: 'active' },
      { key: BookingExpiresAtKey, value: new Date(expiresAt) },
    ]);
  }
  hold = { ok: true, reservation };

  // 2. Wait for a confirm, a cancel, a pending payment that settles, or the end of the hold.
  for (;;) {
    const woke = await condition(() => phase !== 'active' || (!confirming && settledPending() !== undefined), Math.max(1, Date.parse(expiresAt) - Date.now()));
    if (phase !== 'active') break;
    const late = !confirming && settledPending();
    if (late) {
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
  // A payment this history never saw ends the booking first, as a late payment would.
  if (phase === 'active' && !pending && patched(UNSEEN_PAYMENT_PATCH)) await adoptUnseenPayment();
  if (phase === 'active') {
    await seats.releaseSeats(seatsOfThis);
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

  // 4. Settle: money that ended in no ticket goes back (an answer lost to a timeout, a late success).
  if (paymentInDoubt) {
    for (const intent of await settlement.paymentIntentsFor({ reservationId: input.reservationId })) {
      if (intent.status === 'succeeded' && !intent.refundedAt && intent.id !== paidWith) await settlement.refundPayment({ chargeId: intent.id });
    }
  }

  // 5. Tell the buyer.
  await notify();
  await condition(allHandlersFinished);
  return state();

  /** Charges the buyer's card; a definite decline keeps the hold, so another card can be tried. */
  async function confirm(paymentToken: string): Promise<Confirmation> {
    confirming = true;
    try {
      let intent = await payments
        .createPaymentIntent({
          // The key moves on only after a definite decline, so another card can be
          // tried; a confirm retried after an unknown outcome (provider down,
          // timeout) reuses the key and can never charge twice.
          idempotencyKey: `${input.reservationId}:${declinedPayments + 1}`,
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
  }

  /**
   * Paid: sell the held seats and issue the tickets, or (the seats were lost,
   * or the event went off sale) give the money back. `rehold` first takes the
   * seats again for a payment that settled after the hold ended.
   */
  async function sellPaid(intent: PaymentIntent, rehold: boolean): Promise<Confirmation | undefined> {
    const confirmed: Reservation = { ...reservation!, status: 'confirmed' };
    const again = rehold ? await seats.holdSeats({ ...seatsOfThis, seatIds: heldIds, heldUntil: new Date(Date.now() + REHOLD_MS).toISOString() }) : { ok: true };
    const sale = again.ok ? await seats.sellAndIssue({ ...seatsOfThis, seatIds: heldIds, reservation: confirmed, chargeId: intent.id }) : undefined;
    // Tickets come only with a sale that stood.
    if (!sale?.tickets) {
      await settlement.refundPayment({ chargeId: intent.id });
      await seats.releaseSeats(seatsOfThis);
      setPhase('expired');
      await record('expired');
      return undefined;
    }
    tickets = sale.tickets;
    paidWith = intent.id;
    reservation = confirmed;
    setPhase('confirmed');
    return { reservation, tickets };
  }

  /**
   * A confirm whose workflow task was lost (its worker killed, or the
   * Temporal server stopped, while the charge's local activity ran) may
   * have charged the card, and even sold the seats and issued the tickets,
   * yet left no trace in this history: the buyer was told 503. Before the
   * booking ends unsold, the provider's ledger says whether it was paid;
   * a payment found is used as a late one is: the sale goes through if the
   * seats are still this booking's (sold to it, or a lapsed hold nobody
   * took), else it is refunded (sellPaid). Any other charge is refunded at
   * the end (step 4). True when the booking is confirmed by it.
   */
  async function adoptUnseenPayment(): Promise<boolean> {
    const paid = (await seats.paymentIntentsFor({ reservationId: input.reservationId })).filter((i) => i.status === 'succeeded' && !i.refundedAt);
    if (paid.length === 0) return false;
    paymentInDoubt = true;
    return (await sellPaid(paid[0]!, false)) !== undefined;
  }

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
    const kinds: Partial<Record<BookingPhase, NotificationKind>> = { confirmed: 'confirmed', expired: 'expired', cancelled: 'cancelled' };
    const kind = kinds[phase];
    if (!kind || !reservation) return;
    try {
      await notifications.notify({ kind, reservation, ...(kind === 'confirmed' ? { tickets } : {}) });
    } catch {
      // The booking stands without its email; the notification service's log shows what was not sent.
    }
  }

  /** While a payment is being taken or is processing, nothing else may change the booking. */
  function refuseWhileMoneyMoves(): void {
    if (phase === 'active' && confirming) throw failure(BookingFailure.inProgress, 'a payment for this reservation is in progress');
    if (phase === 'active' && pending) throw failure(BookingFailure.paymentPending, 'a payment for this reservation is processing');
  }
}
