import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import Redis from 'ioredis';
import { createSeatClaims } from '../../services/booking/seat-claims';
import { eventually } from '../support/eventually';
import { testInfra } from '../infra-env';
import { smallSession } from '../support/catalog';
import { postCatalogInternal, seatStatusesInPostgres } from '../support/organizer';
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

  const internal = (path: string, body: unknown) => postCatalogInternal(stack, `/internal${path}`, body);

  /** The seat map as PostgreSQL alone would give it. */
  const truth = async (sessionId: string) => Object.fromEntries(await seatStatusesInPostgres(stack, sessionId));
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
    /** When the last short hold lapses: a check waits past it, or a hold lapsing between its two reads would show in one and not the other. */
    let shortUntil = 0;
    const check = async () => {
      const wait = shortUntil + 20 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
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
        const heldUntil = Date.now() + (shortHold ? 150 : 600_000);
        if (shortHold) shortUntil = heldUntil;
        const res = await internal(`/sessions/${sessionId}/holds`, {
          reservationId: id,
          seatIds,
          heldUntil: new Date(heldUntil).toISOString(),
        });
        if (res.ok) live.push({ id, seatIds });
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
  /** A raw GET through the gateway (fetch would decompress and hide the encoding). */
  const rawGet = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .get(`${stack.api.baseUrl}${path}`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });

  it('serves one serialized map per change: an ETag that answers 304 until a seat changes, gzip to clients that accept it', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const path = `/api/v1/sessions/${sessionId}/seat-map`;
    const first = await rawGet(path);
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBeUndefined();
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await rawGet(path, { 'if-none-match': etag })).status).toBe(304);

    const zipped = await rawGet(path, { 'accept-encoding': 'gzip, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
    expect(zipped.body.length).toBeLessThan(first.body.length);
    expect(gunzipSync(zipped.body).equals(first.body)).toBe(true);

    // A hold that lands is seen by the next read, with a new ETag.
    await internal(`/sessions/${sessionId}/holds`, { reservationId: randomUUID(), seatIds: [seats[0]!.seatId], heldUntil: new Date(Date.now() + 600_000).toISOString() });
    const changed = await rawGet(path, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    const seat = JSON.parse(changed.body.toString()).seats.find((x: { seatId: string }) => x.seatId === seats[0]!.seatId);
    expect(seat.status).toBe('reserved');
  });

  it('shows a hold as ended once its time is up, with no change in between', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    await served(sessionId);
    await internal(`/sessions/${sessionId}/holds`, { reservationId: randomUUID(), seatIds: [seats[4]!.seatId], heldUntil: new Date(Date.now() + 700).toISOString() });
    expect((await served(sessionId))[seats[4]!.seatId]).toBe('reserved');
    expect((await served(sessionId))[seats[4]!.seatId]).toBe('reserved'); // the cached map
    await new Promise((r) => setTimeout(r, 800));
    expect((await served(sessionId))[seats[4]!.seatId]).toBe('available');
  });

  it('claims seats for one reservation at a time: others are refused until the claim is released or lapses', async () => {
    const claims = createSeatClaims(redis);
    const sessionId = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const [r1, r2] = [randomUUID(), randomUUID()];
    expect(await claims.claim(sessionId, [a, b], r1, 10_000)).toEqual([]);
    expect(await claims.claim(sessionId, [a, b], r1, 10_000)).toEqual([]); // the same reservation again
    expect((await claims.claim(sessionId, [b, c], r2, 10_000)).sort()).toEqual([b]);
    // Refused means nothing claimed: c is still free for a third reservation.
    expect(await claims.claim(sessionId, [c], randomUUID(), 10_000)).toEqual([]);
    await claims.releaseClaims(sessionId, [a, b], r2); // not r2's: nothing happens
    expect(await claims.claim(sessionId, [a], r2, 10_000)).toEqual([a]);
    await claims.releaseClaims(sessionId, [a, b], r1);
    expect(await claims.claim(sessionId, [a, b], r2, 80)).toEqual([]);
    await new Promise((r) => setTimeout(r, 150));
    expect(await claims.claim(sessionId, [a, b], r1, 10_000)).toEqual([]);
  });

  it('refuses, in a built view, seats taken or unknown, and lets the holder claim its own held seats', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    await served(sessionId); // builds the view
    const claims = createSeatClaims(redis);
    const holder = randomUUID();
    await internal(`/sessions/${sessionId}/holds`, { reservationId: holder, seatIds: [seats[5]!.seatId], heldUntil: new Date(Date.now() + 600_000).toISOString() });
    const unknown = randomUUID();
    expect((await claims.claim(sessionId, [seats[5]!.seatId, seats[6]!.seatId, unknown], randomUUID(), 10_000)).sort()).toEqual([seats[5]!.seatId, unknown].sort());
    expect(await claims.claim(sessionId, [seats[5]!.seatId], holder, 10_000)).toEqual([]);
  });

  it('of buyers racing for the same seat, one holds it and only one workflow starts', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    await served(sessionId);
    const buyers = await Promise.all(Array.from({ length: 12 }, () => stack.newCustomer()));
    const answers = await Promise.all(
      buyers.map((b) => stack.api.call('POST', '/api/v1/reservations', { token: b.token, body: { sessionId, seatIds: [seats[7]!.seatId] } })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(11).fill(409)]);
    const count = async () => (await stack.temporal.workflow.count(`BookingSessionId = "${sessionId}"`)).count;
    await eventually(async () => expect(await count()).toBe(1));
    await new Promise((r) => setTimeout(r, 1_000)); // visibility lags; a second workflow would have shown by now
    expect(await count()).toBe(1);
  });
});
