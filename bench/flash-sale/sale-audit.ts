/**
 * The audit after a sale, once every hold has lapsed: pass/fail lines
 * computed from the databases themselves (catalog.session_seats,
 * booking.reservations and tickets, payment.charges), the public seat map
 * (the Redis view) and Temporal's visibility store. A benchmark may read
 * every schema directly; services never do.
 */
import { decodeAvailability } from '../../contracts/availability';
import type { SeatAvailability, SessionLayout } from '../../contracts/catalog';
import type { Client } from '@temporalio/client';
import type { PoolClient } from 'pg';

/** A pool, or one client (e.g. inside a transaction the caller rolls back). */
export type Queryable = Pick<PoolClient, 'query'>;
import type { HttpClient } from './http-client';
import { json } from './http-client';
import type { Ledger } from './buyer';

export interface AuditLine {
  name: string;
  ok: boolean;
  detail: string;
}

export interface SaleTotals {
  seatsSold: number;
  ticketsIssued: number;
  holdsExpired: number;
  reservations: Record<string, number>;
  succeededCharges: number;
  rejectedWorkflows: number;
}

export interface AuditDeps {
  pool: Queryable;
  temporal: Client;
  /** Reads the public seat map (the buyers' client). */
  http: HttpClient;
  sessionId: string;
  ledger: Ledger;
  /** How long Temporal's visibility may take to catch up. */
  visibilityWaitMs?: number;
}

/** The workflow statuses (search attribute BookingStatus) that have a reservation row. */
const RESERVATION_STATUSES = ['active', 'confirmed', 'cancelled', 'expired', 'refunded'] as const;

const count = async (pool: Queryable, sql: string, params: unknown[]) => Number((await pool.query<{ n: string }>(sql, params)).rows[0]!.n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function auditSale(d: AuditDeps): Promise<{ lines: AuditLine[]; totals: SaleTotals }> {
  const { pool, sessionId: sid } = d;
  const lines: AuditLine[] = [];
  const line = (name: string, ok: boolean, detail: string) => lines.push({ name, ok, detail });

  // 1. No seat sold twice.
  const seatsSold = await count(pool, `SELECT count(*) AS n FROM catalog.session_seats WHERE session_id = $1 AND status = 'sold'`, [sid]);
  const twoTickets = await count(
    pool,
    `SELECT count(*) AS n FROM (SELECT seat_id FROM booking.tickets WHERE session_id = $1 AND status = 'valid' GROUP BY seat_id HAVING count(*) > 1) x`,
    [sid],
  );
  const twoBookings = await count(
    pool,
    `SELECT count(*) AS n FROM (
       SELECT s->>'seatId' FROM booking.reservations r, jsonb_array_elements(r.seats) s
        WHERE r.session_id = $1 AND r.status = 'confirmed' GROUP BY 1 HAVING count(*) > 1) x`,
    [sid],
  );
  line('no seat sold twice', twoTickets === 0 && twoBookings === 0, `${seatsSold} seats sold; ${twoTickets} seats with 2+ valid tickets; ${twoBookings} seats in 2+ confirmed reservations`);

  // 2. Every sold seat: exactly one valid ticket (of the reservation that bought it) and one successful charge.
  const { rows: sold } = await pool.query<{ tickets: string; own: string; charges: string }>(
    `SELECT (SELECT count(*) FROM booking.tickets t WHERE t.session_id = ss.session_id AND t.seat_id = ss.seat_id AND t.status = 'valid') AS tickets,
            (SELECT count(*) FROM booking.tickets t WHERE t.session_id = ss.session_id AND t.seat_id = ss.seat_id AND t.status = 'valid'
                AND t.reservation_id = ss.reservation_id) AS own,
            (SELECT count(*) FROM payment.charges c WHERE c.reference = ss.reservation_id::text
                AND c.status = 'succeeded' AND c.refunded_at IS NULL) AS charges
       FROM catalog.session_seats ss WHERE ss.session_id = $1 AND ss.status = 'sold'`,
    [sid],
  );
  const badTicket = sold.filter((r) => r.tickets !== '1' || r.own !== '1').length;
  const badCharge = sold.filter((r) => r.charges !== '1').length;
  const strayTickets = await count(
    pool,
    `SELECT count(*) AS n FROM booking.tickets t
       LEFT JOIN catalog.session_seats ss ON ss.session_id = t.session_id AND ss.seat_id = t.seat_id
      WHERE t.session_id = $1 AND t.status = 'valid'
        AND (ss.status IS DISTINCT FROM 'sold' OR ss.reservation_id IS DISTINCT FROM t.reservation_id)`,
    [sid],
  );
  line(
    'every sold seat has exactly one valid ticket',
    badTicket === 0 && strayTickets === 0,
    `${badTicket} sold seats without exactly one ticket of their reservation; ${strayTickets} valid tickets for seats not sold to their reservation`,
  );
  line('every sold seat has exactly one successful charge', badCharge === 0, `${badCharge} of ${seatsSold} sold seats without exactly one unrefunded successful charge`);

  // 3. No charge without a ticket or a refund.
  const chargeRows = await pool.query<{ status: string; refunded: boolean; ticketed: boolean }>(
    `SELECT c.status, c.refunded_at IS NOT NULL AS refunded,
            EXISTS (SELECT 1 FROM booking.tickets t WHERE t.reservation_id = r.id AND t.status = 'valid') AS ticketed
       FROM payment.charges c JOIN booking.reservations r ON c.reference = r.id::text
      WHERE r.session_id = $1`,
    [sid],
  );
  const succeeded = chargeRows.rows.filter((c) => c.status === 'succeeded');
  const orphans = succeeded.filter((c) => !c.refunded && !c.ticketed).length;
  const refunded = succeeded.filter((c) => c.refunded).length;
  const processing = chargeRows.rows.filter((c) => c.status === 'processing').length;
  line(
    'no charge without a ticket or a refund',
    orphans === 0,
    `${succeeded.length} successful charges: ${orphans} without ticket or refund, ${refunded} refunded; ${processing} still processing`,
  );

  // 4. No hold alive after HOLD_TTL (the database, the read model and the seat view).
  const liveHolds = await count(pool, `SELECT count(*) AS n FROM catalog.session_seats WHERE session_id = $1 AND status = 'held' AND held_until > now()`, [sid]);
  const activeReservations = await count(pool, `SELECT count(*) AS n FROM booking.reservations WHERE session_id = $1 AND status = 'active'`, [sid]);
  const mapAnswer = await d.http.request('GET', `/api/v1/sessions/${sid}/seat-map`);
  const map = json<{ seats: { seatId: string; status: string }[]; counts: Record<string, number> }>(mapAnswer);
  if (mapAnswer.status !== 200 || !map) throw new Error(`audit: GET seat-map answered ${mapAnswer.status}`);
  line(
    'no hold alive after HOLD_TTL',
    liveHolds === 0 && activeReservations === 0 && map.counts.reserved === 0,
    `${liveHolds} seats held past now in PostgreSQL; ${activeReservations} reservations still active; seat map counts ${map.counts.reserved} reserved`,
  );

  // 5. The seat map (Redis view) equals the database.
  const { rows: truth } = await pool.query<{ seat_id: string; status: string; live: boolean }>(
    `SELECT seat_id, status, held_until > now() AS live FROM catalog.session_seats WHERE session_id = $1`,
    [sid],
  );
  const expected = new Map(truth.map((r) => [r.seat_id, r.status === 'sold' ? 'sold' : r.status === 'held' && r.live ? 'reserved' : 'available']));
  const wrong = map.seats.filter((s) => expected.get(s.seatId) !== s.status).length;
  const want = { available: 0, reserved: 0, sold: 0 } as Record<string, number>;
  for (const s of expected.values()) want[s]!++;
  const countsOk = ['available', 'reserved', 'sold'].every((k) => map.counts[k] === want[k]);
  // What the buyers read: the availability, decoded in the layout's order.
  const layout = json<SessionLayout>(await d.http.request('GET', `/api/v1/sessions/${sid}/layout`));
  const availability = json<SeatAvailability>(await d.http.request('GET', `/api/v1/sessions/${sid}/availability`));
  if (!layout || !availability) throw new Error('audit: no layout or availability');
  const order = layout.sections.flatMap((s) => s.rows.flatMap((r) => r.seatIds));
  const bits = decodeAvailability(availability.seats, order.length);
  const wrongBits = order.filter((seatId, i) => expected.get(seatId) !== bits[i]).length;
  line(
    'the seat map and the availability equal the database',
    wrong === 0 && map.seats.length === expected.size && countsOk && wrongBits === 0 && availability.layoutVersion === layout.layoutVersion,
    `${map.seats.length} seats on the map, ${expected.size} in PostgreSQL, ${wrong} with another status; counts ${JSON.stringify(map.counts)} vs ${JSON.stringify(want)}; availability: ${wrongBits} of ${order.length} seats with another status`,
  );

  // 6. Temporal's booking workflows per final status equal the database's reservations.
  const { rows: byStatus } = await pool.query<{ status: string; n: string }>(
    `SELECT status, count(*) AS n FROM booking.reservations WHERE session_id = $1 GROUP BY status`,
    [sid],
  );
  const db = Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])) as Record<string, number>;
  const temporalCount = async (status: string, type = 'BookingWorkflow') =>
    (await d.temporal.workflow.count(`WorkflowType = "${type}" AND BookingSessionId = "${sid}" AND BookingStatus = "${status}"`)).count;
  const compare = async () => {
    const t: Record<string, number> = {};
    for (const s of [...RESERVATION_STATUSES, 'holding']) t[s] = await temporalCount(s);
    // A refunded booking's workflow closed as confirmed; its refund is a workflow of its own.
    t.refunded = await temporalCount('refunded', 'RefundBookingWorkflow');
    t.confirmed! -= t.refunded;
    const ok = RESERVATION_STATUSES.every((s) => t[s] === (db[s] ?? 0)) && t.holding === 0;
    return { t, ok };
  };
  // Visibility is eventually consistent: ask again until it agrees or time runs out.
  const deadline = Date.now() + (d.visibilityWaitMs ?? 30_000);
  let cmp = await compare();
  while (!cmp.ok && Date.now() < deadline) {
    await sleep(1_000);
    cmp = await compare();
  }
  const rejectedWorkflows = await temporalCount('rejected');
  line(
    "Temporal's booking workflows per status equal the database's",
    cmp.ok,
    RESERVATION_STATUSES.map((s) => `${s} ${cmp.t[s]}/${db[s] ?? 0}`).join(', ') + ` (Temporal/PostgreSQL); holding ${cmp.t.holding}; ${rejectedWorkflows} workflows refused their seats (no reservation)`,
  );

  // 7. What the buyers were told matches the database.
  const { rows: reservations } = await pool.query<{ id: string; status: string }>('SELECT id, status FROM booking.reservations WHERE session_id = $1', [sid]);
  const dbStatus = new Map(reservations.map((r) => [r.id, r.status]));
  const expectedStatus = { confirmed: 'confirmed', cancelled: 'cancelled', 'walked-away': 'expired' } as Record<string, string>;
  let missing = 0;
  let differing = 0;
  for (const [id, fate] of d.ledger.holds) {
    const status = dbStatus.get(id);
    if (status === undefined) missing++;
    else if (expectedStatus[fate] !== undefined && expectedStatus[fate] !== status) differing++;
  }
  const unannounced = reservations.filter((r) => !d.ledger.holds.has(r.id)).length;
  line(
    "the buyers' answers match the database",
    missing === 0 && differing === 0 && unannounced <= d.ledger.unknownReserves,
    `${d.ledger.holds.size} holds answered 201: ${missing} missing, ${differing} in another final state than the buyer was told; ` +
      `${unannounced} reservations nobody got a 201 for (${d.ledger.unknownReserves} requests without an answer)`,
  );

  const ticketsIssued = await count(pool, `SELECT count(*) AS n FROM booking.tickets WHERE session_id = $1 AND status = 'valid'`, [sid]);
  return {
    lines,
    totals: {
      seatsSold,
      ticketsIssued,
      holdsExpired: db.expired ?? 0,
      reservations: db,
      succeededCharges: succeeded.length,
      rejectedWorkflows,
    },
  };
}
