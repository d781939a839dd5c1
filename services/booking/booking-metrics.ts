import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Reservation } from '../../contracts/domain';

/**
 * The booking funnel, counted where booking learns each step (README,
 * Observability): holds and their refusals at POST /api/v1/reservations,
 * confirm attempts by how they were answered, and each reservation's final
 * status when the read model records it (exactly once per booking, whoever
 * retried: the workflow's expiries and late payments are known there).
 */
export function createBookingMetrics(registry: Registry, openRooms: () => Promise<{ sessionId: string; waiting: number }[]>) {
  const holds = new Counter({ name: 'booking_holds_total', help: 'Holds made (201 to POST /api/v1/reservations)', registers: [registry] });
  const conflicts = new Counter({
    name: 'booking_hold_conflicts_total',
    help: 'Holds refused with 409, by problem code (SEAT_UNAVAILABLE, SOLD_OUT, SESSION_NOT_ON_SALE...)',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const confirms = new Counter({
    name: 'booking_confirm_attempts_total',
    help: 'Answers to POST /api/v1/reservations/{id}/confirm by outcome (confirmed, pending, declined, expired, conflict, error)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'booking_reservation_outcomes_total',
    help: 'Reservations reaching a final status in the read model (confirmed, cancelled, expired), once each',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const latePayments = new Counter({
    name: 'booking_late_payments_total',
    help: 'Payments that settled after their hold ended and still bought the seats (the others are refunded: payment_refunds_total)',
    registers: [registry],
  });
  const holdToPay = new Histogram({
    name: 'booking_hold_to_pay_seconds',
    help: 'From the hold to the confirmed sale',
    buckets: [5, 15, 30, 60, 120, 180, 300, 450, 600, 900],
    registers: [registry],
  });
  const joins = new Counter({ name: 'waiting_room_joins_total', help: 'Queue joins answered (POST /api/v1/sessions/{id}/queue)', registers: [registry] });
  const admissions = new Counter({
    name: 'waiting_room_admissions_total',
    help: 'Reservation requests made with a valid admission: buyers the gate let through to booking',
    registers: [registry],
  });
  new Gauge({
    name: 'waiting_room_queue_length',
    help: 'Buyers in an open waiting room not yet reached by its gate, by session (every replica reports the same: take max)',
    labelNames: ['session'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await openRooms()) this.set({ session: r.sessionId }, r.waiting);
    },
  });

  return {
    held: () => holds.inc(),
    refused: (code: string) => conflicts.inc({ code }),
    confirmAnswered: (outcome: string) => confirms.inc({ outcome }),
    joined: () => joins.inc(),
    admitted: () => admissions.inc(),
    /** The read model moved a reservation to `r.status`. */
    recorded(r: Reservation, now = Date.now()): void {
      if (r.status === 'active') return;
      outcomes.inc({ status: r.status });
      if (r.status !== 'confirmed') return;
      holdToPay.observe((now - Date.parse(r.createdAt)) / 1000);
      if (now > Date.parse(r.expiresAt)) latePayments.inc();
    },
  };
}
export type BookingMetrics = ReturnType<typeof createBookingMetrics>;
