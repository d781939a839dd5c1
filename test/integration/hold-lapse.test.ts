import { startStack, type Stack } from '../support/stack';
import { smallSession } from '../support/catalog';
import { postCatalogInternal } from '../support/organizer';

// Correctness never waits for a timer: a lapsed hold is free in the database itself.
describe('a hold whose time has passed', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ holdTtlSeconds: 3 });
  });
  afterAll(() => stack.close());

  it('is bookable by someone else while no worker runs, and its owner can no longer confirm', async () => {
    const { api } = stack;
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(api, organizer.token);
    const first = await stack.newCustomer();
    const second = await stack.newCustomer();
    const seatIds = [seats[3]!.seatId];
    const held = await api.expect(201, 'POST', '/api/v1/reservations', { token: first.token, body: { sessionId, seatIds } });

    await stack.stopWorker();
    await new Promise((r) => setTimeout(r, Date.parse(held.expiresAt) - Date.now() + 200));
    const map = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    expect(map.seats.find((s: any) => s.seatId === seatIds[0]).status).toBe('available');
    // The database row still says 'held': the hold lapsed without anyone releasing it.
    const { rows } = await stack.pool.query('SELECT status FROM catalog.session_seats WHERE session_id = $1 AND seat_id = $2', [sessionId, seatIds[0]]);
    expect(rows[0].status).toBe('held');

    const late = await api.call('POST', `/api/v1/reservations/${held.id}/confirm`, { token: first.token, body: { paymentToken: 'tok_visa' } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('RESERVATION_EXPIRED');

    // With no worker at all, the catalog (the truth of seat state) lets another reservation hold the seat.
    const intruder = '00000000-0000-4000-8000-000000000001';
    const direct = await postCatalogInternal(stack, `/internal/sessions/${sessionId}/holds`, { reservationId: intruder, seatIds, heldUntil: new Date(Date.now() + 1_000).toISOString() });
    expect(direct).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 1_200));

    // And through the API, once a worker runs again, the next buyer gets it.
    await stack.startWorker();
    const taken = await api.expect(201, 'POST', '/api/v1/reservations', { token: second.token, body: { sessionId, seatIds } });
    const after = await stack.pool.query('SELECT reservation_id FROM catalog.session_seats WHERE session_id = $1 AND seat_id = $2', [sessionId, seatIds[0]]);
    expect(after.rows[0].reservation_id).toBe(taken.id);
    // The first workflow, running again, expires its reservation without touching the new hold.
    const handle = stack.temporal.workflow.getHandle(`booking-${held.id}`);
    const final = await handle.result();
    expect(final.phase).toBe('expired');
    const still = await stack.pool.query('SELECT status, reservation_id FROM catalog.session_seats WHERE session_id = $1 AND seat_id = $2', [sessionId, seatIds[0]]);
    expect(still.rows[0]).toEqual({ status: 'held', reservation_id: taken.id });
  }, 60_000);
});
