import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction } from '../shared/db';
import type { Reservation, Ticket } from '../../contracts/domain';
import { signTicketCode } from './tickets/ticket-code';

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
export function createBookingStore(pool: Pool, ticketKey: string) {
  /** Inserts or moves a reservation on; a final status never goes back to active. */
  async function upsert(q: Pick<Pool, 'query'>, r: Reservation, chargeId: string | null = null) {
    await q.query(
      `INSERT INTO booking.reservations (id, user_id, session_id, status, seats, total_amount, currency, expires_at, created_at, charge_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, updated_at = now(),
         charge_id = coalesce(EXCLUDED.charge_id, booking.reservations.charge_id)
       WHERE booking.reservations.status = 'active' OR booking.reservations.status = EXCLUDED.status`,
      [r.id, r.userId, r.sessionId, r.status, JSON.stringify(r.seats), r.total.amount, r.total.currency, r.expiresAt, r.createdAt, chargeId],
    );
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

    /** Marks the reservation confirmed and issues one ticket per seat, once, in one transaction. */
    async issueTickets(r: Reservation, chargeId: string, eventId: string): Promise<Ticket[]> {
      return inTransaction(pool, async (c) => {
        await upsert(c, { ...r, status: 'confirmed' }, chargeId);
        await c.query('UPDATE booking.reservations SET event_id = $2 WHERE id = $1', [r.id, eventId]);
        for (const seat of r.seats) {
          const id = randomUUID();
          await c.query(
            `INSERT INTO booking.tickets (id, reservation_id, user_id, session_id, event_id, seat_id, seat, code)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (reservation_id, seat_id) DO NOTHING`,
            [id, r.id, r.userId, r.sessionId, eventId, seat.seatId, JSON.stringify(seat), signTicketCode(ticketKey, { ticketId: id, eventId, sessionId: r.sessionId })],
          );
        }
        const { rows } = await c.query('SELECT * FROM booking.tickets WHERE reservation_id = $1 ORDER BY issued_at, id', [r.id]);
        return rows.map(ticketView);
      });
    },

    /** The reservation and the payment its tickets were sold against (for refunds). */
    async reservationWithCharge(id: string): Promise<(Reservation & { chargeId: string | null }) | undefined> {
      const { rows } = await pool.query(`${RESERVATION} WHERE id = $1`, [id]);
      return rows[0] && { ...reservationView(rows[0]), chargeId: rows[0].charge_id };
    },

    /** Confirmed → refunded, its tickets void; again: a no-op. Undefined when not confirmed (or refunded). */
    async markRefunded(id: string, reason: string): Promise<Reservation | undefined> {
      return inTransaction(pool, async (c) => {
        const { rows } = await c.query(
          `UPDATE booking.reservations SET status = 'refunded', refunded_at = coalesce(refunded_at, now()), updated_at = now()
           WHERE id = $1 AND status IN ('confirmed', 'refunded') RETURNING *, total_amount::text AS total_amount`,
          [id],
        );
        if (!rows[0]) return undefined;
        await c.query(
          `UPDATE booking.tickets SET status = 'void', voided_at = coalesce(voided_at, now()), void_reason = coalesce(void_reason, $2)
           WHERE reservation_id = $1`,
          [id, reason],
        );
        return reservationView(rows[0]);
      });
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
