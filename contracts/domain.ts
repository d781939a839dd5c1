import { z } from 'zod';
import { Money } from './money';

/**
 * The things every room talks about: a seat (or a standing place), a
 * reservation, a ticket, a payment. Each has one definition here; a service
 * keeps its own rows and maps them to these at its door.
 */

/** A place as a reservation holds it: a numbered seat, or a standing place (row "GA"). */
export const Seat = z.object({ seatId: z.uuid(), section: z.string(), row: z.string(), number: z.number().int(), tier: z.string(), price: Money });
export type Seat = z.infer<typeof Seat>;

/** Standing areas are sold as row 'GA': the place number is not a seat anyone looks for. */
export const isGeneralAdmission = (seat: Pick<Seat, 'row'>) => seat.row === 'GA';

/** How a place is named to its holder (tickets, emails). */
export function seatLabel(seat: Pick<Seat, 'section' | 'row' | 'number'>): string {
  return isGeneralAdmission(seat)
    ? `Standing area ${seat.section} (general admission, place ${seat.number})`
    : `Section ${seat.section}, Row ${seat.row}, Seat ${seat.number}`;
}

/** A request for unnumbered places of a standing area: the catalog picks the places. */
export const GeneralAdmission = z.strictObject({
  area: z.string().trim().min(1).max(60),
  quantity: z.number().int().min(1).max(10),
});
export type GeneralAdmission = z.infer<typeof GeneralAdmission>;

export const RESERVATION_STATUSES = ['active', 'confirmed', 'expired', 'cancelled', 'refunded'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

export const Reservation = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  sessionId: z.uuid(),
  status: z.enum(RESERVATION_STATUSES),
  seats: z.array(Seat).min(1),
  total: Money,
  expiresAt: z.iso.datetime({ offset: true }),
  createdAt: z.iso.datetime({ offset: true }),
});
export type Reservation = z.infer<typeof Reservation>;

export interface Ticket {
  id: string;
  reservationId: string;
  userId: string;
  sessionId: string;
  /** Absent only on tickets issued before tickets carried their event. */
  eventId?: string;
  seat: Seat;
  /** The signed code the QR carries (contracts/ticket-code.ts). */
  code: string;
  status: 'valid' | 'void';
  issuedAt: string;
  voidedAt?: string;
  voidReason?: string;
}

export type IntentStatus = 'processing' | 'succeeded' | 'declined' | 'canceled';

/** A payment intent: one attempt to take money, under one idempotency key. */
export interface PaymentIntent {
  id: string;
  /** What the money is for: the reservation id. */
  reference: string;
  amount: Money;
  status: IntentStatus;
  declineReason: string | null;
  createdAt: string;
  settledAt: string | null;
  refundedAt: string | null;
}

export const NOTIFICATION_KINDS = ['confirmed', 'expired', 'cancelled', 'refunded'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Why the catalog refused a hold (the same answers reach the buyer as 409s). */
export type HoldRefusal =
  | { ok: false; code: 'SEAT_UNAVAILABLE'; unavailable: string[] }
  | { ok: false; code: 'SESSION_NOT_ON_SALE' }
  | { ok: false; code: 'SOLD_OUT'; available: number }
  | { ok: false; code: 'UNKNOWN_AREA' };

/** A hold's answer: what was held (`T`), or why not. The catalog answers the seats; the booking workflow, the reservation. */
export type HoldAnswer<T> = ({ ok: true } & T) | HoldRefusal;
export type HoldResult = HoldAnswer<{ seats: Seat[]; total: Money; heldUntil: string }>;

export type SellResult = { ok: true } | { ok: false; code: 'HOLD_LOST'; lost: string[] } | { ok: false; code: 'SESSION_NOT_ON_SALE' };
