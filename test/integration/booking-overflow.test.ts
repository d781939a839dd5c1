import type { SignedIn } from '../../devstack/api-client';
import { smallSession } from '../support/catalog';
import { startStack, type Stack } from '../support/stack';

// Booking at capacity: a new hold that cannot get its turn at Temporal opens
// the session's waiting room (or, with overflow off, is answered 503).
// No worker runs at first, so the one call the bulkhead lets through stays in flight.
const AT_CAPACITY = { TEMPORAL_MAX_IN_FLIGHT: '1', TEMPORAL_SHED_AFTER_MS: '300', TEMPORAL_CALL_TIMEOUT_MS: '30000', TEMPORAL_QUEUE_TIMEOUT_MS: '30000' };

/** A stack whose booking lets one Temporal call through at a time, with no worker until a test starts one. */
function stackAtCapacity(booking: Record<string, string> = {}) {
  const s = {} as { stack: Stack; organizer: SignedIn };
  beforeAll(async () => {
    s.stack = await startStack({ worker: false, env: { booking: { ...AT_CAPACITY, ...booking } } });
    s.organizer = await s.stack.newUserWithRole('organizer');
  });
  afterAll(() => s.stack.close());
  return s;
}

describe('booking at capacity', () => {
  describe('with overflow to the waiting room (the default)', () => {
    const s = stackAtCapacity();

    const reserve = (buyer: SignedIn, sessionId: string, seatId: string, admission?: string) =>
      s.stack.api.call('POST', '/api/v1/reservations', {
        token: buyer.token,
        body: { sessionId, seatIds: [seatId] },
        ...(admission ? { headers: { 'x-admission-token': admission } } : {}),
      });

    it('sends the buyer to a waiting room it opens, serves the buyer already in line, and admits the queue', async () => {
      const { sessionId, seats } = await smallSession(s.stack.api, s.organizer.token);
      const [first, second, third] = await Promise.all([s.stack.newCustomer('of1'), s.stack.newCustomer('of2'), s.stack.newCustomer('of3')]);

      const firstHold = reserve(first, sessionId, seats[0]!.seatId); // in flight: no worker yet
      await new Promise((r) => setTimeout(r, 200));
      const refused = await reserve(second, sessionId, seats[1]!.seatId);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'ADMISSION_REQUIRED' });

      const room = await s.stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/waiting-room`);
      expect(room).toMatchObject({ enabled: true, openedOnOverflow: true, admissionsPerMinute: 60, initialBurst: 1 });
      // The refused hold started no workflow and left its seat free.
      expect((await s.stack.pool.query('SELECT count(*)::int AS n FROM booking.reservations WHERE session_id = $1', [sessionId])).rows[0].n).toBe(0);

      // Everyone now queues: a buyer without an admission is told so before any work.
      expect((await reserve(third, sessionId, seats[2]!.seatId)).body).toMatchObject({ code: 'ADMISSION_REQUIRED' });

      await s.stack.startWorker();
      const held = await firstHold;
      expect(held.status).toBe(201);

      const place = await s.stack.api.expect(201, 'POST', `/api/v1/sessions/${sessionId}/queue`, { token: second.token });
      expect(place.position).toBe(1);
      const admitted = await s.stack.api.expect(200, 'GET', `/api/v1/queue/${encodeURIComponent(place.token)}`, { token: second.token });
      expect(admitted.status).toBe('admitted');
      const secondHold = await reserve(second, sessionId, seats[1]!.seatId, admitted.admissionToken);
      expect(secondHold.status).toBe(201);

      // The organizer takes the room over and closes it: buyers reserve directly again.
      const closed = await s.stack.api.expect(200, 'PUT', `/api/v1/sessions/${sessionId}/waiting-room`, {
        token: s.organizer.token,
        body: { enabled: false, admissionsPerMinute: 60 },
      });
      expect(closed).toMatchObject({ enabled: false, openedOnOverflow: false });
      expect((await reserve(third, sessionId, seats[2]!.seatId)).status).toBe(201);
    });
  });

  describe('an overflow room after a busy spell', () => {
    const s = stackAtCapacity();

    it('opens at the buyers per minute booking has just served, not at the least rate', async () => {
      const { sessionId, seats } = await smallSession(s.stack.api, s.organizer.token);
      const [buyer, holder, opener] = await Promise.all([s.stack.newCustomer('obs1'), s.stack.newCustomer('obs2'), s.stack.newCustomer('obs3')]);
      await s.stack.startWorker();
      // 40 Temporal calls one after another: holds, each cancelled.
      for (let i = 0; i < 20; i++) {
        const held = await s.stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds: [seats[0]!.seatId] } });
        await s.stack.api.expect(200, 'DELETE', `/api/v1/reservations/${held.id}`, { token: buyer.token });
      }
      // Counts reach Redis within a second, and are read once their second is two seconds old.
      await new Promise((r) => setTimeout(r, 3_000));
      await s.stack.stopWorker();
      const stuck = s.stack.api.call('POST', '/api/v1/reservations', { token: holder.token, body: { sessionId, seatIds: [seats[1]!.seatId] } });
      await new Promise((r) => setTimeout(r, 200));
      const refused = await s.stack.api.call('POST', '/api/v1/reservations', { token: opener.token, body: { sessionId, seatIds: [seats[2]!.seatId] } });
      expect(refused.body).toMatchObject({ code: 'ADMISSION_REQUIRED' });
      const room = await s.stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/waiting-room`);
      // At least 40 calls within the last ten seconds: 4 or more per second, 2 per buyer.
      expect(room.admissionsPerMinute).toBeGreaterThanOrEqual(120);
      await s.stack.startWorker();
      expect((await stuck).status).toBe(201);
    });
  });

  describe('an overflow room whose buyers left', () => {
    const s = stackAtCapacity();

    it('skips their places once turns come quickly, so the buyer still waiting is admitted early', async () => {
      const { sessionId, seats } = await smallSession(s.stack.api, s.organizer.token);
      const [holder, opener, ...queued] = await Promise.all(Array.from({ length: 42 }, (_, i) => s.stack.newCustomer(`ol${i}`)));
      const reserve = (buyer: SignedIn, seatId: string) => s.stack.api.call('POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds: [seatId] } });

      const firstHold = reserve(holder!, seats[0]!.seatId); // in flight: no worker yet
      await new Promise((r) => setTimeout(r, 200));
      const openedAt = Date.now();
      expect((await reserve(opener!, seats[1]!.seatId)).body).toMatchObject({ code: 'ADMISSION_REQUIRED' });
      // The worker comes: the call in flight completes, and turns at Temporal come quickly again.
      await s.stack.startWorker();
      expect((await firstHold).status).toBe(201);
      const places: { token: string; position: number }[] = [];
      for (const b of queued) places.push(await s.stack.api.expect(201, 'POST', `/api/v1/sessions/${sessionId}/queue`, { token: b.token }));
      const last = places[places.length - 1]!;
      expect(last.position).toBe(queued.length);
      // A buyer counts as gone 15 s after they last showed up (joining included): on a slow machine the joins take seconds.
      const joinedAt = Date.now();

      // Only the last buyer keeps asking; everyone ahead has left.
      const poll = () => s.stack.api.expect(200, 'GET', `/api/v1/queue/${encodeURIComponent(last.token)}`, { token: queued[queued.length - 1]!.token });
      while (Date.now() - joinedAt < 16_000) {
        expect((await poll()).status).toBe('waiting');
        await new Promise((r) => setTimeout(r, 2_000));
      }
      // Any reservation lets the room re-tune.
      expect((await reserve(opener!, seats[1]!.seatId)).body).toMatchObject({ code: 'ADMISSION_REQUIRED' });
      const room = await s.stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/waiting-room`);
      // By the clock alone (the initial burst, then at most 75/min) the gate could not be this far.
      const byTheClock = 1 + Math.ceil(((Date.now() - openedAt) * 75) / 60_000);
      expect(room.admitted).toBeGreaterThanOrEqual(last.position - 1);
      expect(room.admitted).toBeGreaterThan(byTheClock);
      await new Promise((r) => setTimeout(r, 1_000));
      expect((await poll()).status).toBe('admitted');
    });
  });

  describe('with overflow off', () => {
    const s = stackAtCapacity({ WAITING_ROOM_ON_OVERFLOW: 'false' });

    it('answers 503 BOOKING_BUSY with Retry-After and leaves the room closed', async () => {
      const { sessionId, seats } = await smallSession(s.stack.api, s.organizer.token);
      const [first, second] = await Promise.all([s.stack.newCustomer('ob1'), s.stack.newCustomer('ob2')]);
      const firstHold = s.stack.api.call('POST', '/api/v1/reservations', { token: first.token, body: { sessionId, seatIds: [seats[0]!.seatId] } });
      await new Promise((r) => setTimeout(r, 200));
      const busy = await s.stack.api.call('POST', '/api/v1/reservations', { token: second.token, body: { sessionId, seatIds: [seats[1]!.seatId] } });
      expect(busy.status).toBe(503);
      expect(busy.body).toMatchObject({ code: 'BOOKING_BUSY' });
      expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await s.stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/waiting-room`)).toMatchObject({ enabled: false, openedOnOverflow: false });
      await s.stack.startWorker();
      expect((await firstHold).status).toBe(201);
    });
  });
});
