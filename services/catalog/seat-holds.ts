import type { Pool } from 'pg';
import { inTransaction } from '../shared/db';
import type { HeldSeat } from '../../workflows/types';
import { fromCents, toCents, type Money } from '../shared/money';

export interface SeatRow {
  seat_id: string;
  section: string;
  row_label: string;
  number: number;
  tier: string;
  price: string;
  currency: string;
}

/** A seat row (joined with its tier) as the API shows it. */
export const toSeat = (r: SeatRow): HeldSeat => ({
  seatId: r.seat_id,
  section: r.section,
  row: r.row_label,
  number: r.number,
  tier: r.tier,
  price: { amount: r.price, currency: r.currency },
});

export type HoldResult =
  | { ok: true; seats: HeldSeat[]; total: Money; heldUntil: string }
  | { ok: false; code: 'SEAT_UNAVAILABLE'; unavailable: string[] }
  | { ok: false; code: 'SESSION_NOT_ON_SALE' };

export type SellResult = { ok: true } | { ok: false; code: 'HOLD_LOST'; lost: string[] };

// A seat can be held when it is free, when its hold has lapsed, or when this
// same reservation already holds it (a retried activity).
const HOLDABLE = `(status = 'available' OR (status = 'held' AND (held_until <= now() OR reservation_id = $3)))`;

/**
 * The seat-state rules. Every change locks the affected rows in seat-id
 * order (so overlapping requests queue instead of deadlocking) and re-checks
 * the rows after the lock (READ COMMITTED re-evaluates the WHERE on the
 * latest version), so a seat is held or sold by at most one reservation.
 */
export function createSeatHolds(pool: Pool) {
  return {
    /** All requested seats or none. Idempotent for the same reservation. */
    async hold(sessionId: string, reservationId: string, seatIds: string[], heldUntil: string): Promise<HoldResult> {
      const ids = [...new Set(seatIds)].sort();
      return inTransaction(pool, async (c) => {
        const onSale = await c.query(
          `SELECT 1 FROM catalog.sessions s JOIN catalog.events e ON e.id = s.event_id
           WHERE s.id = $1 AND e.status = 'published' AND s.starts_at > now()`,
          [sessionId],
        );
        if (onSale.rowCount === 0) return { ok: false, code: 'SESSION_NOT_ON_SALE' } as const;
        const locked = await c.query<{ seat_id: string }>(
          `SELECT seat_id FROM catalog.session_seats
           WHERE session_id = $1 AND seat_id = ANY($2::uuid[]) AND ${HOLDABLE}
           ORDER BY seat_id FOR UPDATE`,
          [sessionId, ids, reservationId],
        );
        if (locked.rowCount !== ids.length) {
          const got = new Set(locked.rows.map((r) => r.seat_id));
          return { ok: false, code: 'SEAT_UNAVAILABLE', unavailable: ids.filter((id) => !got.has(id)) } as const;
        }
        const held = await c.query<SeatRow & { ordinal: number }>(
          `UPDATE catalog.session_seats ss
           SET status = 'held', reservation_id = $3, held_until = $4
           FROM catalog.seats st, catalog.price_tiers t
           WHERE ss.session_id = $1 AND ss.seat_id = ANY($2::uuid[]) AND st.id = ss.seat_id AND t.id = ss.tier_id
           RETURNING ss.seat_id, st.section, st.row_label, st.number, st.ordinal, t.name AS tier, t.price::text AS price, t.currency`,
          [sessionId, ids, reservationId, heldUntil],
        );
        const rows = held.rows.sort((a, b) => a.ordinal - b.ordinal);
        const currency = rows[0]!.currency;
        const cents = rows.reduce((sum, r) => sum + toCents(r.price), 0);
        return {
          ok: true,
          heldUntil: new Date(heldUntil).toISOString(),
          total: { amount: fromCents(cents), currency },
          seats: rows.map(toSeat),
        } as const;
      });
    },

    /** Frees whatever this reservation still holds. Idempotent; never touches sold seats. */
    async release(sessionId: string, reservationId: string): Promise<number> {
      const res = await pool.query(
        `UPDATE catalog.session_seats SET status = 'available', reservation_id = NULL, held_until = NULL
         WHERE session_id = $1 AND reservation_id = $2 AND status = 'held'`,
        [sessionId, reservationId],
      );
      return res.rowCount ?? 0;
    },

    /**
     * Sells the reservation's seats, all or none. A lapsed hold still sells
     * if nobody else took the seat meanwhile; one taken by another
     * reservation is reported as lost. Idempotent.
     */
    async sell(sessionId: string, reservationId: string, seatIds: string[]): Promise<SellResult> {
      const ids = [...new Set(seatIds)].sort();
      return inTransaction(pool, async (c) => {
        const mine = await c.query<{ seat_id: string }>(
          `SELECT seat_id FROM catalog.session_seats
           WHERE session_id = $1 AND seat_id = ANY($2::uuid[]) AND reservation_id = $3 AND status IN ('held', 'sold')
           ORDER BY seat_id FOR UPDATE`,
          [sessionId, ids, reservationId],
        );
        if (mine.rowCount !== ids.length) {
          const got = new Set(mine.rows.map((r) => r.seat_id));
          return { ok: false, code: 'HOLD_LOST', lost: ids.filter((id) => !got.has(id)) } as const;
        }
        await c.query(
          `UPDATE catalog.session_seats SET status = 'sold', held_until = NULL, sold_at = coalesce(sold_at, now())
           WHERE session_id = $1 AND seat_id = ANY($2::uuid[]) AND reservation_id = $3`,
          [sessionId, ids, reservationId],
        );
        return { ok: true } as const;
      });
    },
  };
}
export type SeatHolds = ReturnType<typeof createSeatHolds>;
