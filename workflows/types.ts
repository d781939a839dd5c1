// Messages and views shared by the booking workflow, its activities and the
// booking API. Types only: workflow code must stay free of runtime imports.

export interface Money {
  amount: string;
  currency: string;
}

export interface HeldSeat {
  seatId: string;
  section: string;
  row: string;
  number: number;
  tier: string;
  price: Money;
}

export type ReservationStatus = 'active' | 'confirmed' | 'expired' | 'cancelled' | 'refunded';

export interface Reservation {
  id: string;
  userId: string;
  sessionId: string;
  status: ReservationStatus;
  seats: HeldSeat[];
  total: Money;
  expiresAt: string;
  createdAt: string;
}

export interface Ticket {
  id: string;
  reservationId: string;
  userId: string;
  sessionId: string;
  /** Absent only on tickets issued before tickets carried their event. */
  eventId?: string;
  seat: HeldSeat;
  code: string;
  status: 'valid' | 'void';
  issuedAt: string;
  voidedAt?: string;
  voidReason?: string;
}

/** A request for unnumbered places of a standing area. */
export interface GeneralAdmission {
  area: string;
  quantity: number;
}

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

export type HoldOutcome =
  | { ok: true; reservation: Reservation }
  | { ok: false; code: 'SEAT_UNAVAILABLE'; unavailable: string[] }
  | { ok: false; code: 'SESSION_NOT_ON_SALE' }
  | { ok: false; code: 'SOLD_OUT'; available: number }
  | { ok: false; code: 'UNKNOWN_AREA' };

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

/** A processing payment settled: what the provider's webhook (or a poll) says. */
export interface PaymentOutcome {
  intentId: string;
  status: 'succeeded' | 'declined' | 'canceled';
}
