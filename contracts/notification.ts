import { z } from 'zod';
import { NOTIFICATION_KINDS, type NotificationKind } from './domain';
import { Money } from './money';

/** The notification service's contract: what may be mailed, and its delivery log. */

const text = (max: number) => z.string().trim().min(1).max(max);

export const NotificationSeat = z.object({
  seatId: text(200),
  section: text(200),
  row: text(50),
  number: z.number().int().nonnegative(),
  tier: text(100),
  price: Money,
});

export const NotificationTicket = z.object({
  id: text(200),
  /** The signed code printed as the ticket's QR. */
  code: text(4_000),
  seat: NotificationSeat,
});

/**
 * What the booking side asks to be mailed. `dedupeKey` is the caller's
 * idempotency key (e.g. `confirmed:<reservationId>`): posting it again
 * returns the first message and sends nothing.
 */
export const NotificationRequest = z
  .object({
    dedupeKey: text(300),
    kind: z.enum(NOTIFICATION_KINDS),
    to: z.object({ email: z.email().max(320), name: text(200) }),
    reservation: z.object({
      id: text(200),
      status: text(50),
      total: Money,
      seats: z.array(NotificationSeat).max(100),
      expiresAt: z.iso.datetime({ offset: true }),
    }),
    event: z.object({
      id: text(200),
      title: text(300),
      sessionStartsAt: z.iso.datetime({ offset: true }),
      venue: text(300).optional(),
      hall: text(300).optional(),
    }),
    tickets: z.array(NotificationTicket).max(100).optional(),
  })
  // The confirmation carries the tickets as a PDF: one without tickets would promise a PDF it cannot attach.
  .refine((r) => r.kind !== 'confirmed' || (r.tickets?.length ?? 0) > 0, {
    path: ['tickets'],
    message: 'a confirmed notification needs its tickets',
  });
export type NotificationRequest = z.infer<typeof NotificationRequest>;

export type DeliveryStatus = 'queued' | 'sent' | 'failed';

/** One message and its delivery log, as GET /internal/notifications lists it. */
export interface NotificationView {
  id: string;
  dedupeKey: string;
  kind: NotificationKind;
  to: string;
  reservationId: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  smtpMessageId: string | null;
  createdAt: string;
}

export const ListQuery = z.object({ reservationId: text(200) });
