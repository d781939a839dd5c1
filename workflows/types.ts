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

export type ReservationStatus = 'active' | 'confirmed' | 'expired' | 'cancelled';

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
  seat: HeldSeat;
  code: string;
  status: 'valid' | 'void';
  issuedAt: string;
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
  notReady: 'RESERVATION_NOT_ACTIVE',
} as const;
