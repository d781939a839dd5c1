import { DEMO_ADMIN } from '../../contracts/platform';
import { auditSale, prepareSale, runSale, signInBuyers, waitForHoldsToLapse, type SaleEnv, type SaleOptions } from '../../bench/flash-sale/scenario';
import type { Queryable } from '../../bench/flash-sale/sale-audit';
import { startStack, type Stack } from '../support/stack';

// The flash-sale benchmark's scenario (bench/flash-sale), small, inside npm
// test: only its audit lines are checked, never speed.
//
// 250 buyers share 20 accounts: a buyer is a behaviour, not an identity
// (nothing audited depends on who holds a seat), and each account costs the
// auth service two argon2 hashes. The concurrency stays modest because the
// whole stack (services, worker, notifications) shares this one process.
describe('flash sale (small)', () => {
  const HOLD_TTL_SECONDS = 10;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ holdTtlSeconds: HOLD_TTL_SECONDS });
  });
  afterAll(() => stack.close());

  it('sells 50 seats to 250 buyers with every audit line passing, and the audit sees a missing ticket', async () => {
    const env: SaleEnv = { gatewayUrl: stack.api.baseUrl, admin: DEMO_ADMIN, pool: stack.pool, temporal: stack.temporal };
    const o: SaleOptions = { seats: 50, buyers: 250, concurrency: 8, seed: 7, timeoutMs: 60_000, patienceSeconds: 30 };
    const sale = await prepareSale(env, o);
    try {
      expect(sale.holdTtlMs).toBe(HOLD_TTL_SECONDS * 1000);
      const accounts = await signInBuyers(env, o, { accounts: 20, parallel: 4, prefix: `flash-test-${Date.now().toString(36)}` });
      const run = await runSale(env, sale, accounts, o);
      expect(run.crashes).toEqual([]);
      // The sale happened: seats were held, and buyers lost races.
      expect(run.results.get('held')).toBeGreaterThan(10);
      expect(run.recorder.count('POST /reservations', 409)).toBeGreaterThan(0);

      await waitForHoldsToLapse(env, sale, 1_000, 90_000);
      const audit = (pool: Queryable = stack.pool) => auditSale({ pool, temporal: stack.temporal, http: sale.http, sessionId: sale.sessionId, ledger: sale.ledger });
      const { lines, totals } = await audit();
      expect(lines.filter((l) => !l.ok)).toEqual([]);
      expect(lines.map((l) => l.name)).toEqual([
        'no seat sold twice',
        'every sold seat has exactly one valid ticket',
        'every sold seat has exactly one successful charge',
        'no charge without a ticket or a refund',
        'no hold alive after HOLD_TTL',
        'the seat map and the availability equal the database',
        "Temporal's booking workflows per status equal the database's",
        "the buyers' answers match the database",
      ]);
      expect(totals.seatsSold).toBeGreaterThan(0);
      expect(totals.ticketsIssued).toBe(totals.seatsSold);
      expect(totals.holdsExpired).toBeGreaterThan(0);

      // The audit can fail: one ticket row gone (inside a transaction rolled back after).
      const c = await stack.pool.connect();
      try {
        await c.query('BEGIN');
        const gone = await c.query(`DELETE FROM booking.tickets WHERE id = (SELECT id FROM booking.tickets WHERE session_id = $1 AND status = 'valid' LIMIT 1)`, [sale.sessionId]);
        expect(gone.rowCount).toBe(1);
        const broken = await audit(c);
        const failed = broken.lines.filter((l) => !l.ok).map((l) => l.name);
        // The charge line fails too when that ticket was its reservation's only one.
        expect(failed.filter((n) => n !== 'no charge without a ticket or a refund')).toEqual(['every sold seat has exactly one valid ticket']);
      } finally {
        await c.query('ROLLBACK');
        c.release();
      }

      // The event is cancelled: every booking is refunded, and Temporal still agrees with the database
      // (a refunded booking's workflow closed as confirmed; its refund workflow says refunded).
      const cancelled = await stack.api.expect(200, 'POST', `/api/v1/events/${sale.eventId}/cancel`, { token: sale.organizer.token });
      expect(await stack.temporal.workflow.getHandle(cancelled.refunds.workflowId).result()).toEqual({ refunded: totals.reservations.confirmed });
      const afterRefunds = (await audit()).lines.find((l) => l.name === "Temporal's booking workflows per status equal the database's")!;
      expect(afterRefunds).toMatchObject({ ok: true });
      expect(afterRefunds.detail).toContain(`confirmed 0/0`);
      expect(afterRefunds.detail).toContain(`refunded ${totals.reservations.confirmed}/${totals.reservations.confirmed}`);
    } finally {
      sale.http.close();
    }
  }, 240_000);
});

// The same sale with two booking API replicas behind the gateway and two workers on the task
// queue: nothing may assume a single process (claims, bulkheads, caches, the waiting room).
describe('flash sale (small) on two booking replicas and two workers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ holdTtlSeconds: 10, replicas: { booking: 2, workers: 2 } });
  });
  afterAll(() => stack.close());

  it('sells with every audit line passing, the gateway sharing the reservations between the replicas', async () => {
    const env: SaleEnv = { gatewayUrl: stack.api.baseUrl, admin: DEMO_ADMIN, pool: stack.pool, temporal: stack.temporal };
    const o: SaleOptions = { seats: 40, buyers: 160, concurrency: 8, seed: 11, timeoutMs: 60_000, patienceSeconds: 30 };
    const sale = await prepareSale(env, o);
    try {
      const accounts = await signInBuyers(env, o, { accounts: 16, parallel: 4, prefix: `flash-replicas-${Date.now().toString(36)}` });
      const run = await runSale(env, sale, accounts, o);
      expect(run.crashes).toEqual([]);
      expect(run.results.get('held')).toBeGreaterThan(5);
      await waitForHoldsToLapse(env, sale, 1_000, 90_000);
      const { lines } = await auditSale({ pool: stack.pool, temporal: stack.temporal, http: sale.http, sessionId: sale.sessionId, ledger: sale.ledger });
      expect(lines.filter((l) => !l.ok)).toEqual([]);
      expect(lines).toHaveLength(8);

      // Both replicas answered reservations.
      expect(stack.bookingReplicas).toHaveLength(2);
      for (const replica of stack.bookingReplicas) {
        const metrics = await (await fetch(`${replica}/metrics`)).text();
        const served = [...metrics.matchAll(/^http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/reservations"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
        expect(served).toBeGreaterThan(5);
      }
    } finally {
      sale.http.close();
    }
  }, 240_000);
});
