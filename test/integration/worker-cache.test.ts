import { smallSession } from '../support/catalog';
import { startStack, type Stack } from '../support/stack';

// A worker whose workflow cache is full evicts a booking; its next task (the
// confirm, the cancel) replays its history first, and must end the same.
describe('a worker whose workflow cache holds one booking', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { worker: { WORKER_MAX_CACHED_WORKFLOWS: '1' } } });
  });
  afterAll(() => stack.close());

  const gauge = async (name: string) => {
    const text = await (await fetch(`${stack.urls.worker}/metrics`)).text();
    return Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
  };
  const seatStatus = async (sessionId: string, seatId: string) =>
    (await stack.pool.query('SELECT status FROM catalog.session_seats WHERE session_id = $1 AND seat_id = $2', [sessionId, seatId])).rows[0].status;

  it('keeps no more than that in memory, and the bookings it evicted still confirm and cancel', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const buyers = await Promise.all([0, 1, 2, 3, 4].map(() => stack.newCustomer('cache')));
    const holds = [];
    for (const [i, buyer] of buyers.entries()) {
      holds.push(await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds: [seats[i]!.seatId] } }));
    }
    expect(await gauge('temporal_worker_max_cached_workflows')).toBe(1);
    // Five open bookings, one or two in memory (the SDK's core may keep one more while an eviction completes).
    // (A cache of 1,000 keeps all five.)
    expect(await gauge('temporal_worker_cached_workflows')).toBeLessThanOrEqual(2);

    const paid = await stack.api.expect(200, 'POST', `/api/v1/reservations/${holds[0].id}/confirm`, { token: buyers[0]!.token, body: { paymentToken: 'tok_visa' } });
    expect(paid.status).toBe('confirmed');
    expect(paid.tickets).toHaveLength(1);
    expect((await stack.api.expect(200, 'DELETE', `/api/v1/reservations/${holds[1].id}`, { token: buyers[1]!.token })).status).toBe('cancelled');
    expect([await seatStatus(sessionId, seats[0]!.seatId), await seatStatus(sessionId, seats[1]!.seatId), await seatStatus(sessionId, seats[2]!.seatId)]).toEqual([
      'sold',
      'available',
      'held',
    ]);
    expect(await gauge('temporal_worker_cached_workflows')).toBeLessThanOrEqual(2);
  });
});
