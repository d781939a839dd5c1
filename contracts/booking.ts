import { z } from 'zod';
import { GeneralAdmission, Reservation, type Ticket } from './domain';
import { Money } from './money';

/** The booking service's contract: reservations and tickets, the waiting room, and what other services ask of it. */

/** Numbered seats by id, or general admission: exactly one of seatIds and generalAdmission. */
export const ReserveBody = z
  .strictObject({
    sessionId: z.uuid(),
    seatIds: z
      .array(z.uuid())
      .min(1, 'choose at least one seat')
      .refine((ids) => new Set(ids).size === ids.length, 'a seat is listed twice')
      .optional(),
    generalAdmission: GeneralAdmission.optional(),
  })
  .refine((b) => (b.seatIds === undefined) !== (b.generalAdmission === undefined), {
    message: 'give exactly one of seatIds and generalAdmission',
    path: ['seatIds'],
  });

export const ConfirmBody = z.strictObject({ paymentToken: z.string().trim().min(1).max(100) });

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
// ---- the waiting room --------------------------------------------------------

export const RoomBody = z.strictObject({
  enabled: z.boolean(),
  admissionsPerMinute: z.number().int().min(1).max(100_000),
});

export const RoomView = z.object({
  sessionId: z.uuid(),
  enabled: z.boolean(),
  /** Opened by the booking service because booking was at capacity, not by the organizer. */
  openedOnOverflow: z.boolean(),
  admissionsPerMinute: z.number().int().nullable(),
  initialBurst: z.number().int().nullable(),
  waiting: z.number().int(),
  admitted: z.number().int(),
});

/** When to ask for the place's status again (GET /api/v1/queue/{token}): sooner only costs the line. */
const pollAfterSeconds = z.number().int().min(1);

export const QueuePlace = z.object({ token: z.string(), position: z.number().int(), etaSeconds: z.number().int(), pollAfterSeconds });

export const QueueStatus = z.union([
  z.object({ status: z.literal('waiting'), position: z.number().int(), etaSeconds: z.number().int(), pollAfterSeconds }),
  z.object({ status: z.literal('admitted'), admissionToken: z.string(), expiresAt: z.iso.datetime() }),
  z.object({ status: z.literal('expired'), expiredAt: z.iso.datetime() }),
  /** Every place is sold: no turn will bring a seat, stop asking. */
  z.object({ status: z.literal('soldOut') }),
]);

// ---- internal (service to service) ------------------------------------------

/** PUT /internal/reservations/:id: the workflow records its reservation; a refund is marked by its own route. */
export const RecordedReservation = Reservation.extend({ status: z.enum(['active', 'confirmed', 'expired', 'cancelled']) });

/** POST /internal/reservations/:id/tickets: the sale stands, against this payment. */
export const IssueTicketsBody = z.object({ reservation: RecordedReservation, chargeId: z.uuid() });

/** POST /internal/events/:id/cancellation: who cancelled the event (the refunds are audited on their behalf). */
export const EventCancellationRequest = z.strictObject({ requestedBy: z.uuid().nullable().default(null) });
export type EventCancellationRequest = z.infer<typeof EventCancellationRequest>;

/** GET /internal/events/:id/ticket-key: the Ed25519 public key of an event's ticket codes, raw 32 bytes, base64url (RFC 8032). */
export interface EventTicketKey {
  eventId: string;
  algorithm: 'Ed25519';
  publicKey: string;
}

/** POST /internal/reservations/:id/refund */
export const RefundBody = z.object({ reason: z.string().min(1).max(200) });

/** GET /internal/reservations/:id: the reservation with the payment its tickets were sold against. */
export type RefundableReservation = Reservation & { chargeId: string | null };

/** GET /internal/tickets/:id: a ticket's state for the door (its code is the door's already). */
export type TicketState = Omit<Ticket, 'code'>;

/** GET /internal/events/:id/voided-tickets: the revocation list of offline scanners. */
export interface VoidedTickets {
  eventId: string;
  ticketIds: string[];
}

/**
 * POST /internal/ticket-documents: what one printed ticket shows. Booking
 * renders the PDF; the notification service asks for it to attach to the
 * confirmation email, with the holder and date of that email.
 */
export const TicketDocument = z.object({
  ticketId: z.string().min(1).max(200),
  /** The signed payload the door scanner reads; printed as a QR code. */
  code: z.string().min(1).max(4_000),
  eventTitle: z.string().min(1).max(300),
  /** ISO 8601 instant the session starts. */
  sessionStartsAt: z.string().min(1).max(100),
  venue: z.string().max(300).optional(),
  hall: z.string().max(300).optional(),
  seat: z.object({ section: z.string(), row: z.string(), number: z.number().int(), tier: z.string(), price: Money }),
  holderName: z.string().min(1).max(200),
  /** Stamped as the PDF's creation date, so the same tickets render the same document. */
  issuedAt: z.string().max(100).optional(),
});
export type TicketDocument = z.infer<typeof TicketDocument>;
export const TicketDocumentsBody = z.object({ tickets: z.array(TicketDocument).min(1).max(100) });
