import { startStack, type Stack } from '../support/stack';
import { smallSession } from '../support/catalog';
import type { SignedIn } from '../../devstack/api-client';

// No seat is ever held or sold twice, whatever arrives at once.
describe('concurrent reservations', () => {
  let stack: Stack;
  let buyers: SignedIn[];
  let organizer: SignedIn;
  beforeAll(async () => {
    stack = await startStack();
    organizer = await stack.newUserWithRole('organizer');
    buyers = [];
    for (let i = 0; i < 10; i++) buyers.push(...(await Promise.all(Array.from({ length: 10 }, () => stack.newCustomer('buyer')))));
  }, 180_000);
  afterAll(() => stack.close());

  it('100 simultaneous reservations of one seat: exactly one 201, 99 409 SEAT_UNAVAILABLE', async () => {
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const seatId = seats[0]!.seatId;
    const results = await Promise.all(
      buyers.map((b) => stack.api.call('POST', '/api/v1/reservations', { token: b.token, body: { sessionId, seatIds: [seatId] } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.body.code).toBe('SEAT_UNAVAILABLE');
      expect(r.body.unavailableSeats).toEqual([seatId]);
    }
    const winner = results.find((r) => r.status === 201)!.body;
    const { rows } = await stack.pool.query(
      'SELECT status, reservation_id FROM catalog.session_seats WHERE session_id = $1 AND seat_id = $2',
      [sessionId, seatId],
    );
    expect(rows).toEqual([{ status: 'held', reservation_id: winner.id }]);
  }, 120_000);

  it('50 overlapping multi-seat requests never leave a partial hold nor sell a seat twice', async () => {
    const { sessionId, seats } = await smallSession(stack.api, organizer.token, 10); // 50 seats
    // Each buyer wants 2–4 adjacent seats in a window that overlaps its neighbours'.
    const requests = buyers.slice(0, 50).map((b, i) => {
      const start = (i * 7) % 46;
      const size = 2 + (i % 3);
      return { buyer: b, seatIds: seats.slice(start, start + size).map((s) => s.seatId) };
    });
    const results = await Promise.all(
      requests.map((r) => stack.api.call('POST', '/api/v1/reservations', { token: r.buyer.token, body: { sessionId, seatIds: r.seatIds } })),
    );
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const won = results.map((r, i) => ({ r, req: requests[i]! })).filter((x) => x.r.status === 201);
    expect(won.length).toBeGreaterThan(0);

    // Pay for every winning hold, all at once.
    const confirmations = await Promise.all(
      won.map((w) =>
        stack.api.call('POST', `/api/v1/reservations/${w.r.body.id}/confirm`, { token: w.req.buyer.token, body: { paymentToken: 'tok_visa' } }),
      ),
    );
    expect(confirmations.every((c) => c.status === 200)).toBe(true);

    const { rows } = await stack.pool.query<{ seat_id: string; status: string; reservation_id: string | null }>(
      'SELECT seat_id, status, reservation_id FROM catalog.session_seats WHERE session_id = $1',
      [sessionId],
    );
    const bySeat = new Map(rows.map((r) => [r.seat_id, r]));
    // Every winner got all of its seats, every loser none of them.
    for (const w of won) {
      for (const id of w.req.seatIds) expect(bySeat.get(id)).toMatchObject({ status: 'sold', reservation_id: w.r.body.id });
    }
    const winners = new Set(won.map((w) => w.r.body.id));
    for (const r of rows) if (r.reservation_id) expect(winners.has(r.reservation_id)).toBe(true);
    // The read model agrees: one valid ticket per sold seat, none elsewhere.
    const tickets = await stack.pool.query<{ seat_id: string; n: number }>(
      `SELECT seat_id, count(*)::int AS n FROM booking.tickets WHERE session_id = $1 AND status = 'valid' GROUP BY seat_id`,
      [sessionId],
    );
    const sold = rows.filter((r) => r.status === 'sold').map((r) => r.seat_id).sort();
    expect(tickets.rows.map((t) => t.seat_id).sort()).toEqual(sold);
    expect(tickets.rows.every((t) => t.n === 1)).toBe(true);
  }, 120_000);
});
