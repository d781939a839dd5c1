import type { Pool } from 'pg';
import { inTransaction } from '../shared/db';
import type { Db } from './layout';
import type { Logger } from '../shared/logger';
import type { HoldResult, Seat, SellResult } from '../../contracts/domain';
import type { SeatChange, StoredStatus } from '../../contracts/seat-view';
import type { SeatView } from './seat-view';
import { fromCents, toCents, type Money } from '../../contracts/money';

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
export const toSeat = (r: SeatRow): Seat => ({
  seatId: r.seat_id,
  section: r.section,
  row: r.row_label,
  number: r.number,
  tier: r.tier,
  price: { amount: r.price, currency: r.currency },
});

/** The columns a view change is made of. */
const CHANGE = 'seat_id, version, status, held_until, reservation_id';
interface ChangeRow {
  seat_id: string;
  version: string | number;
  status: StoredStatus;
  held_until: Date | null;
  reservation_id: string | null;
}
const toChange = (r: ChangeRow): SeatChange => ({
  seatId: r.seat_id,
  version: Number(r.version),
  status: r.status,
  heldUntil: r.held_until,
  reservationId: r.reservation_id,
});

// A seat can be held when it is free, when its hold has lapsed, or when this
// same reservation already holds it (a retried activity).
const HOLDABLE = `(status = 'available' OR (status = 'held' AND (held_until <= now() OR reservation_id = $3)))`;

/**
 * The seat-state rules. Every change locks the affected rows in seat-id
 * order (so overlapping requests queue instead of deadlocking) and re-checks
 * the rows after the lock (READ COMMITTED re-evaluates the WHERE on the
 * latest version), so a seat is held or sold by at most one reservation.
 */
export function createSeatHolds(
  pool: Pool,
  view: SeatView,
  logger: Logger,
  announce?: (sessionId: string, changes: SeatChange[]) => Promise<unknown>,
  viewMissed?: (sessionId: string) => void,
) {
  /**
   * Publishes committed changes to the Redis view, then to live seat maps.
   * A failed write is logged, never the request's failure: the session's
   * view is rebuilt once Redis answers (viewMissed, seat-view-repair.ts),
   * and a hold it let through meanwhile is still decided by PostgreSQL.
   */
  const publish = async (sessionId: string, changes: SeatChange[]) => {
    if (changes.length === 0) return;
    await view.apply(sessionId, changes).catch((err) => {
      logger.warn({ err, sessionId }, 'seat view update failed');
      viewMissed?.(sessionId);
    });
    await announce?.(sessionId, changes).catch((err) => logger.warn({ err, sessionId }, 'live seat map publish failed'));
  };

  /** The current rows of some seats, as view changes (repairs the view where it was wrong). */
  const current = async (sessionId: string, seatIds: string[]) => {
    const { rows } = await pool.query<ChangeRow>(`SELECT ${CHANGE} FROM catalog.session_seats WHERE session_id = $1 AND seat_id = ANY($2::uuid[])`, [
      sessionId,
      seatIds,
    ]);
    return rows.map(toChange);
  };

  const onSale = async (c: Db, sessionId: string) =>
    (
      await c.query(
        `SELECT 1 FROM catalog.sessions s JOIN catalog.events e ON e.id = s.event_id
         WHERE s.id = $1 AND e.status = 'published' AND s.starts_at > now()`,
        [sessionId],
      )
    ).rowCount !== 0;

  /** Holds seats whose rows this transaction has locked (and checked holdable). */
  const holdLocked = async (c: Db, sessionId: string, ids: string[], reservationId: string, heldUntil: string) => {
    const held = await c.query<SeatRow & ChangeRow & { ordinal: number }>(
      `UPDATE catalog.session_seats ss
       SET status = 'held', reservation_id = $3, held_until = $4, version = ss.version + 1
       FROM catalog.seats st, catalog.price_tiers t
       WHERE ss.session_id = $1 AND ss.seat_id = ANY($2::uuid[]) AND st.id = ss.seat_id AND t.id = ss.tier_id
       RETURNING ss.seat_id, st.section, st.row_label, st.number, st.ordinal, t.name AS tier, t.price::text AS price, t.currency,
         ss.version, ss.status, ss.held_until, ss.reservation_id`,
      [sessionId, ids, reservationId, heldUntil],
    );
    const rows = held.rows.sort((a, b) => a.ordinal - b.ordinal);
    const currency = rows[0]!.currency;
    const cents = rows.reduce((sum, r) => sum + toCents(r.price), 0);
    return {
      changes: rows.map(toChange),
      ok: true,
      heldUntil: new Date(heldUntil).toISOString(),
      total: { amount: fromCents(cents), currency },
      seats: rows.map(toSeat),
    } as const;
  };

  const allSeats = async (sessionId: string) => {
    const { rows } = await pool.query<ChangeRow>(`SELECT ${CHANGE} FROM catalog.session_seats WHERE session_id = $1`, [sessionId]);
    return rows.map(toChange);
  };

  return {
    /** Builds the Redis view of a session from the database, if it is not built yet. */
    ensureView: (sessionId: string) => view.ensure(sessionId, () => allSeats(sessionId)),

    /** Brings a built view up to the database (seat-view-repair.ts). */
    refreshView: (sessionId: string) => view.refresh(sessionId, () => allSeats(sessionId)),

    /** All requested seats or none. Idempotent for the same reservation. */
    async hold(sessionId: string, reservationId: string, seatIds: string[], heldUntil: string): Promise<HoldResult> {
      const ids = [...new Set(seatIds)].sort();
      const result = await inTransaction(pool, async (c) => {
        if (!(await onSale(c, sessionId))) return { ok: false, code: 'SESSION_NOT_ON_SALE' } as const;
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
        return holdLocked(c, sessionId, ids, reservationId, heldUntil);
      });
      if (result.ok) {
        const { changes, ...answer } = result;
        await publish(sessionId, changes);
        return answer;
      }
      // The view let a request through for seats it thought free: show it the truth.
      if (result.code === 'SEAT_UNAVAILABLE') await publish(sessionId, await current(sessionId, result.unavailable));
      return result;
    },

    /**
     * General admission: `quantity` free places of an area, all or none.
     * The free places are locked with SKIP LOCKED (buyers racing for one
     * area take different places instead of queueing on the same rows; a
     * place locked by another transaction counts as taken), and the hold
     * goes through only if enough were locked. A retried call of the same
     * reservation picks the places it already holds first, so it returns the
     * same places. The held places then behave exactly like held seats.
     */
    async holdArea(sessionId: string, reservationId: string, area: string, quantity: number, heldUntil: string): Promise<HoldResult> {
      const result = await inTransaction(pool, async (c) => {
        if (!(await onSale(c, sessionId))) return { ok: false, code: 'SESSION_NOT_ON_SALE' } as const;
        const locked = await c.query<{ seat_id: string }>(
          `SELECT ss.seat_id FROM catalog.session_seats ss JOIN catalog.seats st ON st.id = ss.seat_id
           WHERE ss.session_id = $1 AND st.session_id = $1 AND st.section = $2 AND ${HOLDABLE}
           ORDER BY (ss.reservation_id IS NOT DISTINCT FROM $3::uuid) DESC, st.number
           LIMIT $4 FOR UPDATE OF ss SKIP LOCKED`,
          [sessionId, area, reservationId, quantity],
        );
        if (locked.rowCount !== quantity) {
          const counts = await c.query<{ places: number; available: number }>(
            `SELECT count(*)::int AS places, count(*) FILTER (WHERE ${HOLDABLE})::int AS available
             FROM catalog.session_seats ss JOIN catalog.seats st ON st.id = ss.seat_id
             WHERE ss.session_id = $1 AND st.session_id = $1 AND st.section = $2 AND $3::uuid IS NOT NULL`,
            [sessionId, area, reservationId],
          );
          const { places, available } = counts.rows[0] ?? { places: 0, available: 0 };
          if (places === 0) return { ok: false, code: 'UNKNOWN_AREA' } as const;
          // Places locked by racing holds count as free here; never report more than can be had right now.
          return { ok: false, code: 'SOLD_OUT', available: Math.min(available, locked.rowCount ?? 0) } as const;
        }
        return holdLocked(c, sessionId, locked.rows.map((r) => r.seat_id).sort(), reservationId, heldUntil);
      });
      if (!result.ok) return result;
      const { changes, ...answer } = result;
      await publish(sessionId, changes);
      return answer;
    },

    /** Frees whatever this reservation still holds. Idempotent; never touches sold seats. */
    async release(sessionId: string, reservationId: string): Promise<number> {
      const res = await pool.query<ChangeRow>(
        `UPDATE catalog.session_seats SET status = 'available', reservation_id = NULL, held_until = NULL, version = version + 1
         WHERE session_id = $1 AND reservation_id = $2 AND status = 'held' RETURNING ${CHANGE}`,
        [sessionId, reservationId],
      );
      await publish(sessionId, res.rows.map(toChange));
      return res.rowCount ?? 0;
    },

    /**
     * Sells the reservation's seats, all or none. A lapsed hold still sells
     * if nobody else took the seat meanwhile; one taken by another
     * reservation is reported as lost. Nothing sells once the event is
     * cancelled: the event row is read FOR SHARE, so a cancellation either
     * commits first (and the sale is refused) or waits for the sale (and its
     * refund run sees it). Idempotent.
     */
    async sell(sessionId: string, reservationId: string, seatIds: string[]): Promise<SellResult> {
      const ids = [...new Set(seatIds)].sort();
      const result = await inTransaction(pool, async (c) => {
        const event = await c.query<{ status: string }>(
          `SELECT e.status FROM catalog.sessions s JOIN catalog.events e ON e.id = s.event_id WHERE s.id = $1 FOR SHARE OF e`,
          [sessionId],
        );
        if (event.rows[0]?.status !== 'published') return { ok: false, code: 'SESSION_NOT_ON_SALE' } as const;
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
        const sold = await c.query<ChangeRow>(
          `UPDATE catalog.session_seats SET status = 'sold', held_until = NULL, sold_at = coalesce(sold_at, now()),
             version = version + CASE WHEN status = 'sold' THEN 0 ELSE 1 END
           WHERE session_id = $1 AND seat_id = ANY($2::uuid[]) AND reservation_id = $3 RETURNING ${CHANGE}`,
          [sessionId, ids, reservationId],
        );
        return { ok: true, changes: sold.rows.map(toChange) } as const;
      });
      if (!result.ok) return result;
      await publish(sessionId, result.changes);
      return { ok: true } as const;
    },
  };
}
export type SeatHolds = ReturnType<typeof createSeatHolds>;
