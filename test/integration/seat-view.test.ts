import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { testInfra } from '../infra-env';
import { smallSession } from '../support/catalog';
import { startStack, type Stack } from '../support/stack';

// The seat map is served from a Redis view; PostgreSQL is the truth it must equal.
describe('seat-map view in Redis', () => {
  let stack: Stack;
  let redis: Redis;
  beforeAll(async () => {
    stack = await startStack();
    redis = new Redis(testInfra().redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await stack.close();
  });

  const internal = (path: string, body: unknown) =>
    fetch(`${stack.urls.catalog}/internal${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-service-token': stack.secrets.serviceToken },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  /** The seat map as PostgreSQL alone would give it. */
  const truth = async (sessionId: string) => {
    const { rows } = await stack.pool.query<{ seat_id: string; status: string }>(
      `SELECT seat_id, CASE WHEN status = 'sold' THEN 'sold' WHEN status = 'held' AND held_until > now() THEN 'reserved' ELSE 'available' END AS status
       FROM catalog.session_seats WHERE session_id = $1`,
      [sessionId],
    );
    return Object.fromEntries(rows.map((r) => [r.seat_id, r.status]));
  };
  const served = async (sessionId: string) => {
    const map = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    return Object.fromEntries(map.seats.map((s: { seatId: string; status: string }) => [s.seatId, s.status]));
  };

  it('equals the database, seat by seat, after a randomized run of holds, releases, sales and expiries', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    await served(sessionId); // builds the view before the run, so every change below goes through it
    // A seeded generator: a failure can be replayed.
    let seed = 20261124;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const live: { id: string; seatIds: string[] }[] = [];
    const seen = new Set<string>();
    const check = async () => {
      const expected = await truth(sessionId);
      expect(await served(sessionId)).toEqual(expected);
      for (const s of Object.values(expected)) seen.add(s);
    };
    for (let step = 0; step < 300; step++) {
      const op = rand(10);
      if (op < 5) {
        const start = rand(seats.length - 3);
        const seatIds = seats.slice(start, start + 1 + rand(3)).map((s) => s.seatId);
        const shortHold = rand(3) === 0; // some holds lapse during the run
        const id = randomUUID();
        const res = await internal(`/sessions/${sessionId}/holds`, {
          reservationId: id,
          seatIds,
          heldUntil: new Date(Date.now() + (shortHold ? 150 : 600_000)).toISOString(),
        });
        if (res.body.ok) live.push({ id, seatIds });
      } else if (op < 7 && live.length) {
        const [r] = live.splice(rand(live.length), 1);
        await internal(`/sessions/${sessionId}/releases`, { reservationId: r!.id });
      } else if (op < 9 && live.length) {
        const [r] = live.splice(rand(live.length), 1);
        await internal(`/sessions/${sessionId}/sales`, { reservationId: r!.id, seatIds: r!.seatIds });
      } else {
        await new Promise((r) => setTimeout(r, 60));
      }
      if (step % 25 === 24) await check();
    }
    await new Promise((r) => setTimeout(r, 200)); // let the short holds lapse
    await check();
    // The run went through every state the map can show.
    expect([...seen].sort()).toEqual(['available', 'reserved', 'sold']);
  }, 60_000);

  it('is rebuilt from the database when Redis lost it', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    await internal(`/sessions/${sessionId}/holds`, { reservationId: randomUUID(), seatIds: [seats[0]!.seatId], heldUntil: new Date(Date.now() + 600_000).toISOString() });
    await redis.del(`seatview:${sessionId}`, `seatview:${sessionId}:ready`);
    const map = await served(sessionId);
    expect(map[seats[0]!.seatId]).toBe('reserved');
    expect(map).toEqual(await truth(sessionId));
  });

  it('refuses seats known to be taken without starting a workflow, even with no worker running', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const buyer = await stack.newCustomer();
    const seatIds = [seats[1]!.seatId, seats[2]!.seatId];
    const held = await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds } });

    await stack.stopWorker();
    try {
      const other = await stack.newCustomer();
      const started = Date.now();
      const res = await stack.api.call('POST', '/api/v1/reservations', { token: other.token, body: { sessionId, seatIds: [seatIds[1], seats[3]!.seatId] } });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'SEAT_UNAVAILABLE', unavailableSeats: [seatIds[1]] });
      expect(Date.now() - started).toBeLessThan(2_000); // no workflow waited for a worker
      const unknown = await stack.api.call('POST', '/api/v1/reservations', { token: other.token, body: { sessionId, seatIds: [randomUUID()] } });
      expect(unknown.status).toBe(409);
    } finally {
      await stack.startWorker();
    }
    let workflows = 0;
    for await (const _ of stack.temporal.workflow.list({ query: `WorkflowId STARTS_WITH "booking-" AND TaskQueue = "${stack.taskQueue}"` })) workflows++;
    // Only the first buyer's booking ever became a workflow (visibility may lag, never exceed).
    expect(workflows).toBeLessThanOrEqual(1);
    expect((await stack.api.expect(200, 'GET', `/api/v1/reservations/${held.id}`, { token: buyer.token })).status).toBe('active');
  });
});
