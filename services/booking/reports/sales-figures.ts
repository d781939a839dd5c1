import type { Pool } from 'pg';
import { fromCents, toCents, type Money } from '../../../contracts/money';

export interface SessionSales {
  sessionId: string;
  /** Valid tickets: a voided (refunded) ticket is not a sale. */
  sold: number;
  /** Totals of confirmed reservations; refunded ones are excluded. */
  revenue: Money[];
}

/** Amounts summed per currency (in integer cents), in currency order. */
export const sumByCurrency = (rows: Money[]): Money[] => {
  const cents = new Map<string, number>();
  for (const r of rows) cents.set(r.currency, (cents.get(r.currency) ?? 0) + toCents(r.amount));
  return [...cents.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, c]) => ({ amount: fromCents(c), currency }));
};

/** Sales figures from booking's own tables (the read model of confirmed bookings and their tickets). */
export function createSalesFigures(pool: Pool) {
  return {
    async ofSessions(sessionIds: string[]): Promise<Map<string, SessionSales>> {
      const [tickets, revenue] = await Promise.all([
        pool.query(
          `SELECT session_id, count(*)::int AS sold FROM booking.tickets
            WHERE session_id = ANY($1::uuid[]) AND status = 'valid' GROUP BY session_id`,
          [sessionIds],
        ),
        pool.query(
          `SELECT session_id, currency, sum(total_amount)::text AS amount FROM booking.reservations
            WHERE session_id = ANY($1::uuid[]) AND status = 'confirmed' GROUP BY session_id, currency`,
          [sessionIds],
        ),
      ]);
      const out = new Map<string, SessionSales>(sessionIds.map((id) => [id, { sessionId: id, sold: 0, revenue: [] }]));
      for (const r of tickets.rows) out.get(r.session_id)!.sold = r.sold;
      for (const id of sessionIds) out.get(id)!.revenue = sumByCurrency(revenue.rows.filter((r) => r.session_id === id));
      return out;
    },

    async platformTotals() {
      const [tickets, revenue, reservations] = await Promise.all([
        pool.query(`SELECT count(*)::int AS sold FROM booking.tickets WHERE status = 'valid'`),
        pool.query(`SELECT currency, sum(total_amount)::text AS amount FROM booking.reservations WHERE status = 'confirmed' GROUP BY currency`),
        pool.query('SELECT status, count(*)::int AS n FROM booking.reservations GROUP BY status'),
      ]);
      return {
        ticketsSold: tickets.rows[0].sold as number,
        revenue: sumByCurrency(revenue.rows),
        reservations: Object.fromEntries(reservations.rows.map((r) => [r.status, r.n])) as Record<string, number>,
      };
    },
  };
}
export type SalesFigures = ReturnType<typeof createSalesFigures>;
