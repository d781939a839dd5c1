import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { AlongWith } from '../shared/audit-trail';
import { inTransaction } from '../shared/db';
import type { Reservation, Ticket } from '../../contracts/domain';
import { signTicketCode } from './tickets/ticket-code';
import type { TicketKeys } from './tickets/ticket-keys';

const reservationView = (r: any): Reservation => ({
  id: r.id,
  userId: r.user_id,
  sessionId: r.session_id,
  status: r.status,
  seats: r.seats,
  total: { amount: r.total_amount, currency: r.currency },
  expiresAt: r.expires_at.toISOString(),
  createdAt: r.created_at.toISOString(),
});

const ticketView = (r: any): Ticket => ({
  id: r.id,
  reservationId: r.reservation_id,
  userId: r.user_id,
  sessionId: r.session_id,
  seat: r.seat,
  eventId: r.event_id ?? undefined,
  code: r.code,
  status: r.status,
  issuedAt: r.issued_at.toISOString(),
  ...(r.voided_at ? { voidedAt: r.voided_at.toISOString(), voidReason: r.void_reason } : {}),
});

const RESERVATION = 'SELECT *, total_amount::text AS total_amount FROM booking.reservations';

/** The data layer of the booking read model. */
export function createBookingStore(pool: Pool, ticketKeys: TicketKeys) {
  /**
   * Inserts or moves a reservation on; a final status never goes back to
   * active. True when this call changed its status (the funnel counts each
   * change once, however often the workflow's activity is retried): `before`
   * reads the row as it was when the statement began.
   */
  async function upsert(q: Pick<Pool, 'query'>, r: Reservation, chargeId: string | null = null): Promise<boolean> {
    const { rows } = await q.query(
      `WITH before AS (SELECT status FROM booking.reservations WHERE id = $1)
       INSERT INTO booking.reservations (id, user_id, session_id, status, seats, total_amount, currency, expires_at, created_at, charge_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, updated_at = now(),
         charge_id = coalesce(EXCLUDED.charge_id, booking.reservations.charge_id)
       WHERE booking.reservations.status = 'active' OR booking.reservations.status = EXCLUDED.status
       RETURNING (SELECT status FROM before) AS before`,
      [r.id, r.userId, r.sessionId, r.status, JSON.stringify(r.seats), r.total.amount, r.total.currency, r.expiresAt, r.createdAt, chargeId],
    );
    return rows.length > 0 && rows[0].before !== r.status;
  }

  return {
    record: (r: Reservation) => upsert(pool, r),

    /** Removes a reservation recorded active whose booking never held its seats; one with tickets, or ended, stays. */
    async discard(id: string): Promise<void> {
      await pool.query(
        `DELETE FROM booking.reservations r WHERE r.id = $1 AND r.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM booking.tickets t WHERE t.reservation_id = r.id)`,
        [id],
      );
    },

    async reservation(id: string): Promise<Reservation | undefined> {
      const { rows } = await pool.query(`${RESERVATION} WHERE id = $1`, [id]);
      return rows[0] && reservationView(rows[0]);
    },

    async reservationsOf(userId: string, limit = 100): Promise<Reservation[]> {
      const { rows } = await pool.query(`${RESERVATION} WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2`, [userId, limit]);
      return rows.map(reservationView);
    },

    /** Marks the reservation confirmed and issues one ticket per seat, once, in one transaction; `confirmedNow` is false for a repeat. */
    async issueTickets(r: Reservation, chargeId: string, eventId: string): Promise<{ tickets: Ticket[]; confirmedNow: boolean }> {
      return inTransaction(pool, async (c) => {
        const confirmedNow = await upsert(c, { ...r, status: 'confirmed' }, chargeId);
        await c.query('UPDATE booking.reservations SET event_id = $2 WHERE id = $1', [r.id, eventId]);
        for (const seat of r.seats) {
          const id = randomUUID();
          await c.query(
            `INSERT INTO booking.tickets (id, reservation_id, user_id, session_id, event_id, seat_id, seat, code)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (reservation_id, seat_id) DO NOTHING`,
            [id, r.id, r.userId, r.sessionId, eventId, seat.seatId, JSON.stringify(seat), signTicketCode(ticketKeys, { ticketId: id, eventId, sessionId: r.sessionId })],
          );
        }
        const { rows } = await c.query('SELECT * FROM booking.tickets WHERE reservation_id = $1 ORDER BY issued_at, id', [r.id]);
        return { tickets: rows.map(ticketView), confirmedNow };
      });
    },

    /** The reservation and the payment its tickets were sold against (for refunds). */
    async reservationWithCharge(id: string): Promise<(Reservation & { chargeId: string | null }) | undefined> {
      const { rows } = await pool.query(`${RESERVATION} WHERE id = $1`, [id]);
      return rows[0] && { ...reservationView(rows[0]), chargeId: rows[0].charge_id };
    },

    /**
     * Confirmed → refunded, its tickets void; again: a no-op. Undefined when
     * not confirmed (or refunded). `alongWith` runs in the same transaction,
     * only when this call did the refund.
     */
    async markRefunded(id: string, reason: string, alongWith?: AlongWith<Reservation & { chargeId: string | null; eventId: string | null }>) {
      return inTransaction(pool, async (c): Promise<Reservation | undefined> => {
        // Locked first, so of two refunds racing only the one that finds it confirmed does the refund.
        const before = await c.query<{ status: string }>('SELECT status FROM booking.reservations WHERE id = $1 FOR UPDATE', [id]);
        const { rows } = await c.query(
          `UPDATE booking.reservations SET status = 'refunded', refunded_at = coalesce(refunded_at, now()), updated_at = now()
           WHERE id = $1 AND status IN ('confirmed', 'refunded') RETURNING *, total_amount::text AS total_amount`,
          [id],
        );
        if (!rows[0]) return undefined;
        const refunded = reservationView(rows[0]);
        if (before.rows[0]?.status === 'confirmed') await alongWith?.(c, { ...refunded, chargeId: rows[0].charge_id, eventId: rows[0].event_id });
        await c.query(
          `UPDATE booking.tickets SET status = 'void', voided_at = coalesce(voided_at, now()), void_reason = coalesce(void_reason, $2)
           WHERE reservation_id = $1`,
          [id, reason],
        );
        return refunded;
      });
    },

    /** Remembers who cancelled an event (the first to ask), for the audit entries of its refunds. */
    async recordEventCancellation(eventId: string, requestedBy: string | null): Promise<void> {
      await pool.query(
        `INSERT INTO booking.event_cancellations (event_id, requested_by) VALUES ($1, $2)
         ON CONFLICT (event_id) DO UPDATE SET requested_by = coalesce(booking.event_cancellations.requested_by, EXCLUDED.requested_by)`,
        [eventId, requestedBy],
      );
    },

    async eventCancelledBy(db: Pick<Pool, 'query'>, eventId: string | null): Promise<string | null> {
      if (!eventId) return null;
      const { rows } = await db.query('SELECT requested_by FROM booking.event_cancellations WHERE event_id = $1', [eventId]);
      return rows[0]?.requested_by ?? null;
    },

    async ticketsOfReservation(reservationId: string): Promise<Ticket[]> {
      const { rows } = await pool.query('SELECT * FROM booking.tickets WHERE reservation_id = $1 ORDER BY issued_at, id', [reservationId]);
      return rows.map(ticketView);
    },

    async ticketsOf(userId: string): Promise<Ticket[]> {
      const { rows } = await pool.query('SELECT * FROM booking.tickets WHERE user_id = $1 ORDER BY issued_at DESC, id', [userId]);
      return rows.map(ticketView);
    },

    async ticket(id: string): Promise<Ticket | undefined> {
      const { rows } = await pool.query('SELECT * FROM booking.tickets WHERE id = $1', [id]);
      return rows[0] && ticketView(rows[0]);
    },
  };
}
export type BookingStore = ReturnType<typeof createBookingStore>;
