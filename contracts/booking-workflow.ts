/**
 * The booking workflows' contract: their inputs, states and messages, the ids
 * they run under, and how their failures are named. The workflows (workflows/)
 * implement it; the booking API and tests call through it, never by string.
 *
 * Workflow code imports this module: it stays free of Node and of anything
 * but the Temporal workflow API (types from elsewhere are `import type`).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { GeneralAdmission, HoldAnswer, Reservation, ReservationStatus, Ticket } from './domain';

export const BOOKING_WORKFLOW = 'BookingWorkflow';
export const EVENT_CANCELLATION_WORKFLOW = 'EventCancellationWorkflow';
export const REFUND_BOOKING_WORKFLOW = 'RefundBookingWorkflow';

export const bookingWorkflowId = (reservationId: string) => `booking-${reservationId}`;
export const refundWorkflowId = (reservationId: string) => `refund-${reservationId}`;
export const eventCancellationWorkflowId = (eventId: string) => `event-cancellation-${eventId}`;

export interface BookingInput {
  reservationId: string;
  userId: string;
  sessionId: string;
  /** The numbered seats asked for; empty for a general-admission booking. */
  seatIds: string[];
  /** Set for a general-admission booking: the places are picked by the hold. */
  generalAdmission?: GeneralAdmission;
  holdTtlMs: number;
  /** How long a confirm waits for a slow payment before answering PAYMENT_PENDING (the booking keeps waiting). */
  paymentWaitMs?: number;
  /** Off only where the server cannot index custom attributes (the time-skipping test server). */
  searchAttributes?: boolean;
}

/** What the hold update answers: the reservation made, or why the seats could not be held. */
export type HoldOutcome = HoldAnswer<{ reservation: Reservation }>;

export interface ConfirmInput {
  paymentToken: string;
}

export interface Confirmation {
  reservation: Reservation;
  tickets: Ticket[];
}

export type BookingPhase = 'holding' | 'rejected' | ReservationStatus;

export interface BookingState {
  phase: BookingPhase;
  confirming: boolean;
  /** A payment is processing at the provider; its webhook (or a poll) settles it. */
  paymentPending?: boolean;
  hold?: HoldOutcome;
  reservation?: Reservation;
  declinedPayments: number;
}

/** A processing payment settled: what the provider's webhook (or a poll) says. */
export interface PaymentOutcome {
  intentId: string;
  status: 'succeeded' | 'declined' | 'canceled';
}

/** Failure types the workflow raises from updates; the API maps each to an HTTP answer. */
export const BookingFailure = {
  expired: 'RESERVATION_EXPIRED',
  cancelled: 'RESERVATION_CANCELLED',
  confirmed: 'RESERVATION_CONFIRMED',
  inProgress: 'CONFIRMATION_IN_PROGRESS',
  declined: 'PAYMENT_DECLINED',
  paymentPending: 'PAYMENT_PENDING',
  notReady: 'RESERVATION_NOT_ACTIVE',
} as const;

export const holdUpdate = defineUpdate<HoldOutcome>('hold');
export const confirmUpdate = defineUpdate<Confirmation, [ConfirmInput]>('confirm');
export const cancelUpdate = defineUpdate<Reservation>('cancel');
export const stateQuery = defineQuery<BookingState>('state');
/** Sent by the booking API when the provider's webhook announces a settled payment. */
export const paymentSettledSignal = defineSignal<[PaymentOutcome]>('paymentSettled');

/** The workflows' signatures, for starting them by name with typed arguments. */
export type BookingWorkflowType = (input: BookingInput) => Promise<BookingState>;

export interface EventCancellationInput {
  eventId: string;
  /** Resume point of a continued run: the last reservation id handled. */
  after?: string;
  refunded?: number;
}
export type EventCancellationWorkflowType = (input: EventCancellationInput) => Promise<{ refunded: number }>;

export interface RefundInput {
  reservationId: string;
  reason: string;
}
export type RefundBookingWorkflowType = (input: RefundInput) => Promise<{ refundedNow: boolean }>;
