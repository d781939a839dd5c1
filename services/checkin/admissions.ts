import type { Pool } from 'pg';
import { inTransaction } from '../shared/db';

export type ScanResult = 'admitted' | 'already_checked_in' | 'invalid' | 'forbidden';

export interface Admission {
  ticketId: string;
  eventId: string;
  sessionId: string;
  admittedAt: string;
  door: string | null;
  staffId: string;
}

export interface ScanEntry {
  ticketId?: string;
  eventId?: string;
  door?: string;
  staffId: string;
  result: ScanResult;
  reason?: string;
}

const admissionView = (r: any): Admission => ({
  ticketId: r.ticket_id,
  eventId: r.event_id,
  sessionId: r.session_id,
  admittedAt: r.admitted_at.toISOString(),
  door: r.door,
  staffId: r.staff_id,
});

const LOG_SCAN = `INSERT INTO checkin.scans (ticket_id, event_id, door, staff_id, result, reason) VALUES ($1, $2, $3, $4, $5, $6)`;
const scanArgs = (s: ScanEntry) => [s.ticketId ?? null, s.eventId ?? null, s.door ?? null, s.staffId, s.result, s.reason ?? null];

/** The data layer of the checkin schema: admissions (one per ticket) and the scan log. */
export function createAdmissions(pool: Pool) {
  return {
    logScan: (s: ScanEntry) => pool.query(LOG_SCAN, scanArgs(s)).then(() => undefined),

    /**
     * Admits the ticket unless it was admitted before. Concurrent callers
     * queue on the primary key; exactly one inserts, the others get the
     * winner's row. The scan is logged in the same transaction.
     */
    async admit(a: { ticketId: string; eventId: string; sessionId: string; door?: string; staffId: string }): Promise<{ admitted: boolean; admission: Admission }> {
      return inTransaction(pool, async (c) => {
        const inserted = await c.query(
          `INSERT INTO checkin.admissions (ticket_id, event_id, session_id, door, staff_id) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (ticket_id) DO NOTHING RETURNING *`,
          [a.ticketId, a.eventId, a.sessionId, a.door ?? null, a.staffId],
        );
        const admitted = inserted.rowCount === 1;
        // After a conflict the winner has committed: a fresh statement sees its row (READ COMMITTED).
        const row = admitted ? inserted.rows[0] : (await c.query('SELECT * FROM checkin.admissions WHERE ticket_id = $1', [a.ticketId])).rows[0];
        const first = admissionView(row);
        await c.query(
          LOG_SCAN,
          scanArgs({
            ...a,
            result: admitted ? 'admitted' : 'already_checked_in',
            reason: admitted ? undefined : `first admitted at ${first.admittedAt}`,
          }),
        );
        return { admitted, admission: first };
      });
    },

    async admittedTicketIds(eventId: string): Promise<string[]> {
      const { rows } = await pool.query('SELECT ticket_id FROM checkin.admissions WHERE event_id = $1 ORDER BY admitted_at, ticket_id', [eventId]);
      return rows.map((r) => r.ticket_id as string);
    },

    async countsBySession(eventId: string): Promise<{ sessionId: string; admitted: number }[]> {
      const { rows } = await pool.query(
        'SELECT session_id, count(*)::int AS admitted FROM checkin.admissions WHERE event_id = $1 GROUP BY session_id ORDER BY session_id',
        [eventId],
      );
      return rows.map((r) => ({ sessionId: r.session_id, admitted: r.admitted }));
    },

    async totals(): Promise<{ admissions: number; scans: number }> {
      const { rows } = await pool.query(
        'SELECT (SELECT count(*)::int FROM checkin.admissions) AS admissions, (SELECT count(*)::int FROM checkin.scans) AS scans',
      );
      return rows[0];
    },
  };
}
export type Admissions = ReturnType<typeof createAdmissions>;
