import { randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { v5 as uuidv5 } from 'uuid';
import {
  BOOKING_WORKFLOW,
  BookingFailure,
  bookingWorkflowId,
  cancelUpdate,
  confirmUpdate,
  holdUpdate,
  type BookingWorkflowType,
  type HoldOutcome,
} from '../../contracts/booking-workflow';
import type { GeneralAdmission, Reservation, Ticket } from '../../contracts/domain';
import { BookingExpiresAtKey, BookingSessionIdKey, BookingStatusKey, BookingUserIdKey } from '../../contracts/search-attributes';
import { hasRole, type Principal } from '../shared/auth';
import { badRequest, conflict, HttpError, notFound } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { setReservationId } from '../shared/request-context';
import type { SeatClaims } from './seat-claims';
import type { SessionPlacesOf } from './session-places';
import type { BookingStore } from './store';
import type { CallOptions, TemporalBulkhead } from './flow-control/temporal-bulkhead';

// Namespace for reservation ids derived from (user, Idempotency-Key).
const IDEMPOTENCY_NAMESPACE = '0b6f1c1e-3f0a-4f57-9a39-6f1c8f4a2d10';

/** The reservation a buyer's Idempotency-Key stands for: the same key of the same buyer, the same reservation. */
export const reservationIdFor = (userId: string, idempotencyKey: string) => uuidv5(`${userId}\n${idempotencyKey}`, IDEMPOTENCY_NAMESPACE);

export interface BookingSettings {
  taskQueue: string;
  holdTtlMs: number;
  /** How long a confirm waits on a slow payment before answering 202. */
  paymentWaitMs: number;
  maxSeats: number;
  temporalTimeoutMs: number;
  /** How long a reservation's seat claims last: past any answer its workflow can give. */
  claimTtlMs: number;
}

const seatUnavailable = (seatIds: string[]) =>
  conflict('SEAT_UNAVAILABLE', `${seatIds.length} of the requested seats are not available`, { unavailableSeats: seatIds });

export type ReserveAnswer = { status: 201; reservation: Reservation };
export type ConfirmAnswer = {
  status: 200 | 202;
  body: Reservation & { tickets: Ticket[]; payment?: { status: 'processing' } };
};

/**
 * The booking API's rules: who may touch a reservation, and how its
 * workflow's answers become HTTP answers. Every state change goes through
 * the workflow; reads come from the read model.
 */
export function createBookings(
  client: Client,
  store: BookingStore,
  s: BookingSettings,
  seatClaims: SeatClaims,
  places: SessionPlacesOf,
  bulkhead: TemporalBulkhead,
  logger: Logger,
) {
  /**
   * Claims the seats in the catalog's Redis view before a workflow starts.
   * Seats the view knows to be taken (or not in the session), or that another
   * reservation claimed a moment ago, cannot be had: such a request is
   * refused without a workflow, so of many buyers racing for a seat only one
   * reaches Temporal. Without Redis every request goes on to PostgreSQL,
   * which decides either way.
   */
  async function claim(sessionId: string, seatIds: string[], reservationId: string): Promise<{ refused: string[]; claimed: boolean }> {
    try {
      const refused = await seatClaims.claim(sessionId, seatIds, reservationId, s.claimTtlMs);
      return { refused: refused.sort(), claimed: refused.length === 0 };
    } catch (err) {
      logger.warn({ err, sessionId }, 'seat view unavailable; no fast reject');
      return { refused: [], claimed: false };
    }
  }

  /** Temporal calls wait their turn (the bulkhead) and get a deadline, so a missing worker is a 503, never a hang. */
  const withDeadline = <T>(fn: () => Promise<T>, c?: CallOptions) =>
    bulkhead.run(() =>
      client.withDeadline(Date.now() + s.temporalTimeoutMs, fn).catch((err: unknown) => {
        const deadlineExceeded = (e: unknown) => (e as { code?: number } | undefined)?.code === 4; /* DEADLINE_EXCEEDED */
        // An update's deadline surfaces wrapped (WorkflowUpdateRPCTimeoutOrCancelledError, the gRPC status as its cause).
        if (deadlineExceeded(err) || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || deadlineExceeded((err as Error).cause)) {
          throw new HttpError(503, 'BOOKING_UNAVAILABLE', 'booking is temporarily unavailable; retry with the same Idempotency-Key');
        }
        throw err;
      }),
    c);

  /** Starts the booking workflow with its hold update (or joins the one this id already started). */
  async function hold(user: Principal, id: string, sessionId: string, seatIds: string[], generalAdmission: GeneralAdmission | undefined, c: CallOptions): Promise<HoldOutcome> {
    const workflowId = bookingWorkflowId(id);
    const start = new WithStartWorkflowOperation<BookingWorkflowType>(BOOKING_WORKFLOW, {
      workflowId,
      taskQueue: s.taskQueue,
      args: [
        {
          reservationId: id,
          userId: user.userId,
          sessionId,
          seatIds,
          holdTtlMs: s.holdTtlMs,
          paymentWaitMs: s.paymentWaitMs,
          ...(generalAdmission ? { generalAdmission } : {}),
        },
      ],
      // A retried key joins the running workflow; a finished one is never started again.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: BookingStatusKey, value: 'holding' },
        { key: BookingSessionIdKey, value: sessionId },
        { key: BookingUserIdKey, value: user.userId },
        { key: BookingExpiresAtKey, value: new Date(Date.now() + s.holdTtlMs) },
      ],
    });
    let outcome: HoldOutcome;
    try {
      outcome = await withDeadline(() =>
        client.workflow.executeUpdateWithStart(holdUpdate, { updateId: 'hold', startWorkflowOperation: start }),
      c);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Same key, workflow already finished: answer what it answered then.
      const state = await withDeadline(() => client.workflow.getHandle(workflowId).result());
      const current = await store.reservation(id);
      outcome = current ? { ok: true, reservation: current } : state.hold!;
    }
    return outcome;
  }

  async function owned(user: Principal, id: string, adminMayRead = false): Promise<Reservation> {
    const r = await store.reservation(id);
    // Someone else's reservation is indistinguishable from a missing one.
    if (!r || (r.userId !== user.userId && !(adminMayRead && hasRole(user, 'admin')))) throw notFound('reservation');
    return r;
  }

  function holdAnswer(outcome: HoldOutcome, sessionId: string, seatIds: string[], ga?: GeneralAdmission): Reservation {
    if (outcome.ok) {
      const seats = outcome.reservation.seats;
      const same =
        outcome.reservation.sessionId === sessionId &&
        (ga
          ? seats.length === ga.quantity && seats.every((seat) => seat.section === ga.area && seat.row === 'GA')
          : seats.length === seatIds.length && seats.every((seat) => seatIds.includes(seat.seatId)));
      if (!same) throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request');
      return outcome.reservation;
    }
    if (outcome.code === 'SEAT_UNAVAILABLE') throw seatUnavailable(outcome.unavailable);
    if (outcome.code === 'SOLD_OUT') {
      throw conflict('SOLD_OUT', `only ${outcome.available} places of this area are available`, { available: outcome.available });
    }
    if (outcome.code === 'UNKNOWN_AREA') throw notFound('standing area');
    throw conflict('SESSION_NOT_ON_SALE', 'this session is not on sale');
  }

  /** A workflow that closed while the read model still shows its booking active (it is about to change). */
  function notActive(r: Reservation): never {
    throw conflict(BookingFailure.notReady, `the reservation is ${r.status}`);
  }

  function finalStatusError(r: Reservation): HttpError | undefined {
    if (r.status === 'expired' || (r.status === 'active' && Date.parse(r.expiresAt) <= Date.now())) {
      return conflict(BookingFailure.expired, 'the reservation has expired; its seats were released');
    }
    if (r.status === 'cancelled') return conflict(BookingFailure.cancelled, 'the reservation was cancelled');
    return undefined;
  }

  /** Maps a failed update to the HTTP answer its failure type stands for. */
  function updateError(err: unknown): HttpError {
    if (!(err instanceof WorkflowUpdateFailedError)) return err as HttpError;
    let cause: unknown = err.cause;
    while (cause && !(cause instanceof ApplicationFailure && cause.type)) cause = (cause as Error).cause;
    const failure = cause as ApplicationFailure | undefined;
    switch (failure?.type) {
      case BookingFailure.declined:
        return new HttpError(402, 'PAYMENT_DECLINED', failure.message);
      case BookingFailure.paymentPending:
      case BookingFailure.expired:
      case BookingFailure.cancelled:
      case BookingFailure.confirmed:
      case BookingFailure.inProgress:
      case BookingFailure.notReady:
        return conflict(failure.type, failure.message);
      default:
        return new HttpError(503, 'PAYMENT_UNAVAILABLE', 'the payment could not be completed; please retry');
    }
  }

  return {
    /**
     * Holds numbered seats (seatIds) or, with generalAdmission, that many
     * places of a standing area (seatIds is then absent or empty).
     */
    async reserve(
      user: Principal,
      sessionId: string,
      seatIdsIn: string[] | undefined,
      idempotencyKey?: string,
      generalAdmission?: GeneralAdmission,
      c: CallOptions = {},
    ): Promise<ReserveAnswer> {
      const seatIds = generalAdmission ? [] : (seatIdsIn ?? []);
      if (!generalAdmission && seatIds.length === 0) throw badRequest('give exactly one of seatIds and generalAdmission');
      if (generalAdmission && seatIdsIn?.length) throw badRequest('give exactly one of seatIds and generalAdmission');
      if (Math.max(seatIds.length, generalAdmission?.quantity ?? 0) > s.maxSeats) throw badRequest(`at most ${s.maxSeats} seats per reservation`);
      const id = idempotencyKey ? reservationIdFor(user.userId, idempotencyKey) : randomUUID();
      // From here on, every log line, call and the workflow's headers name the reservation.
      setReservationId(id);
      if (idempotencyKey) {
        // A booking that has ended answers from the read model. One recorded active may still be
        // refused by its workflow (a hold attempt that recorded it, lost its answer, and was
        // refused on retry once its seats went to someone else): its workflow answers.
        const existing = await store.reservation(id);
        if (existing && existing.status !== 'active') return { status: 201, reservation: holdAnswer({ ok: true, reservation: existing }, sessionId, seatIds, generalAdmission) };
      }
      if (generalAdmission) {
        // An area the catalog's seat map shows with fewer places left than asked is refused here, as
        // its hold would refuse it, without a workflow (PostgreSQL still decides every hold that starts).
        const area = (await places(sessionId))?.areas.find((a) => a.area === generalAdmission.area);
        if (area && area.available < generalAdmission.quantity) {
          throw conflict('SOLD_OUT', `only ${area.available} places of this area are available`, { available: area.available });
        }
      }
      const claimed = generalAdmission ? { refused: [], claimed: false } : await claim(sessionId, seatIds, id);
      if (claimed.refused.length) throw seatUnavailable(claimed.refused);
      try {
        return { status: 201, reservation: holdAnswer(await hold(user, id, sessionId, seatIds, generalAdmission, c), sessionId, seatIds, generalAdmission) };
      } finally {
        // Held, the seats show as taken in the view; refused or failed, they are free for others at once.
        if (claimed.claimed) {
          await seatClaims.releaseClaims(sessionId, seatIds, id).catch((err: unknown) => logger.warn({ err, sessionId }, 'seat claims not released; they lapse'));
        }
      }
    },

    get: (user: Principal, id: string) => owned(user, id, true),

    list: (user: Principal) => store.reservationsOf(user.userId),

    /**
     * 200 with the tickets; or 202 while a slow payment is processing (the
     * booking completes when it settles: poll the reservation).
     */
    async confirm(user: Principal, id: string, paymentToken: string): Promise<ConfirmAnswer> {
      setReservationId(id);
      const done = async (): Promise<ConfirmAnswer> => ({ status: 200, body: { ...(await owned(user, id)), tickets: await store.ticketsOfReservation(id) } });
      /** What a booking that is no longer active answers; undefined while it is. */
      const ended = (r: Reservation) => {
        if (r.status === 'confirmed') return done();
        const final = finalStatusError(r);
        if (final) throw final;
        return undefined;
      };
      const early = ended(await owned(user, id));
      if (early) return early;
      try {
        const { reservation, tickets } = await withDeadline(() =>
          client.workflow.getHandle(bookingWorkflowId(id)).executeUpdate(confirmUpdate, { args: [{ paymentToken }] }),
        );
        return { status: 200, body: { ...reservation, tickets } };
      } catch (err) {
        // The booking ended while this call was on its way (a concurrent confirm sold it, or the
        // hold ended): the read model has its final state.
        if (err instanceof WorkflowNotFoundError) {
          const now = await owned(user, id);
          return (await ended(now)) ?? notActive(now);
        }
        const e = updateError(err);
        if (e.code === BookingFailure.confirmed) return done();
        if (e.code === BookingFailure.paymentPending) return { status: 202, body: { ...(await owned(user, id)), tickets: [], payment: { status: 'processing' } } };
        throw e;
      }
    },

    async cancel(user: Principal, id: string): Promise<Reservation> {
      setReservationId(id);
      /** What a booking that is no longer active answers; undefined while it is. */
      const ended = (r: Reservation) => {
        if (r.status === 'cancelled') return r;
        if (r.status === 'confirmed') throw conflict(BookingFailure.confirmed, 'a confirmed reservation cannot be cancelled');
        const final = finalStatusError(r);
        if (final) throw final;
        return undefined;
      };
      const early = ended(await owned(user, id));
      if (early) return early;
      try {
        return await withDeadline(() => client.workflow.getHandle(bookingWorkflowId(id)).executeUpdate(cancelUpdate));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          const now = await owned(user, id);
          return ended(now) ?? notActive(now);
        }
        throw updateError(err);
      }
    },
  };
}
export type Bookings = ReturnType<typeof createBookings>;
