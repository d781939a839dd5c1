import { randomUUID } from 'node:crypto';
import { brotliDecompressSync } from 'node:zlib';
import { request } from 'undici';
import { decodeAvailability } from '../../contracts/availability';
import type { SeatAvailability, SessionLayout } from '../../contracts/catalog';
import { smallSession } from '../support/catalog';
import { postCatalogInternal, seatStatusesInPostgres } from '../support/organizer';
import { gaSession } from '../support/general-admission';
import { seeded } from '../support/random';
import { openEventStream } from '../support/sse';
import { startStack, type Stack } from '../support/stack';

/** The layout's seats in bitmap order, with what each is. */
const seatsOf = (layout: SessionLayout) =>
  layout.sections.flatMap((s) => s.rows.flatMap((r) => r.seatIds.map((seatId, k) => ({ seatId, section: s.name, row: r.label, number: k + 1, tier: layout.tiers[r.tier]!.name, price: layout.tiers[r.tier]!.price }))));

// The seat map in two parts, through the gateway: an immutable layout and a compact availability.
describe('seat layout and availability', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const get = (path: string, headers: Record<string, string> = {}) => request(`${stack.api.baseUrl}${path}`, { headers });
  const internal = (path: string, body: unknown) => postCatalogInternal(stack, `/internal${path}`, body);
  /** Each seat's status as PostgreSQL alone says. */
  const truth = (sessionId: string) => seatStatusesInPostgres(stack, sessionId);

  it('serves a layout with every seat of the seat map, in order, immutable under its version and precompressed', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const layout = (await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/layout`)) as SessionLayout;
    expect(layout.seatCount).toBe(seats.length);
    expect(seatsOf(layout)).toEqual(seats.map(({ status: _s, ...s }) => s));
    expect(layout.tiers).toEqual([
      { name: 'VIP', price: { amount: '120.00', currency: 'EUR' } },
      { name: 'Normal', price: { amount: '30.50', currency: 'EUR' } },
    ]);
    // Rows centred (all five seats wide) and sections a row apart.
    expect(layout.sections.map((s) => s.rows.map((r) => [r.x, r.y]))).toEqual([
      [[0, 0], [0, 1]],
      [[0, 3], [0, 4], [0, 5]],
    ]);

    const unversioned = await get(`/api/v1/sessions/${sessionId}/layout`);
    await unversioned.body.dump();
    expect(unversioned.headers.etag).toBe(`"${layout.layoutVersion}"`);
    expect(unversioned.headers['cache-control']).toBe('public, no-cache');
    const versioned = await get(`/api/v1/sessions/${sessionId}/layout?version=${layout.layoutVersion}`, { 'accept-encoding': 'br, gzip' });
    expect(versioned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(versioned.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(Buffer.from(await versioned.body.arrayBuffer())).toString())).toEqual(layout);
    const again = await get(`/api/v1/sessions/${sessionId}/layout?version=${layout.layoutVersion}`, { 'if-none-match': `"${layout.layoutVersion}"` });
    await again.body.dump();
    expect(again.statusCode).toBe(304);
    expect((await stack.api.call('GET', `/api/v1/sessions/${sessionId}/layout?version=stale`)).status).toBe(404);
  });

  it('answers 304 while nothing changed, and a new version once a seat does', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const first = await get(`/api/v1/sessions/${sessionId}/availability`);
    const a1 = (await first.body.json()) as SeatAvailability;
    expect(first.headers.etag).toBe(`"${a1.version}"`);
    expect(Number(first.headers['content-length'])).toBeLessThan(1_000);
    const unchanged = await get(`/api/v1/sessions/${sessionId}/availability`, { 'if-none-match': first.headers.etag as string });
    await unchanged.body.dump();
    expect(unchanged.statusCode).toBe(304);

    await internal(`/sessions/${sessionId}/holds`, { reservationId: randomUUID(), seatIds: [seats[3]!.seatId], heldUntil: new Date(Date.now() + 60_000).toISOString() });
    const changed = await get(`/api/v1/sessions/${sessionId}/availability`, { 'if-none-match': first.headers.etag as string });
    const a2 = (await changed.body.json()) as SeatAvailability;
    expect(changed.statusCode).toBe(200);
    expect(a2.version).not.toBe(a1.version);
    expect(decodeAvailability(a2.seats, seats.length)[3]).toBe('reserved');
    expect(a2.counts).toEqual({ available: seats.length - 1, reserved: 1, sold: 0 });
  });

  it('decodes to exactly the database seat states after a randomized run of holds, sales, releases and lapses', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId } = await smallSession(stack.api, organizer.token, 12);
    const layout = (await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/layout`)) as SessionLayout;
    const order = seatsOf(layout).map((s) => s.seatId);
    const seed = Number(process.env.SEAT_RUN_SEED ?? Date.now() % 1e9);
    const { int: rand } = seeded(seed);
    console.log(`seat run seed ${seed} (SEAT_RUN_SEED=${seed} replays it)`);
    const holds: { id: string; seatIds: string[] }[] = [];
    const seen = new Set<string>();
    for (let step = 0; step < 60; step++) {
      const dice = rand(10);
      if (dice < 5 || holds.length === 0) {
        const start = rand(order.length - 2);
        const seatIds = order.slice(start, start + 1 + rand(2));
        const id = randomUUID();
        // Some holds lapse during the run: a lapse is a change nobody commits.
        const ms = rand(4) === 0 ? 300 : 600_000;
        const held = await internal(`/sessions/${sessionId}/holds`, { reservationId: id, seatIds, heldUntil: new Date(Date.now() + ms).toISOString() });
        if (held.ok) holds.push({ id, seatIds });
      } else {
        const h = holds.splice(rand(holds.length), 1)[0]!;
        if (dice < 8) await internal(`/sessions/${sessionId}/sales`, { reservationId: h.id, seatIds: h.seatIds });
        else await internal(`/sessions/${sessionId}/releases`, { reservationId: h.id });
      }
      if (step % 15 === 14) {
        await new Promise((r) => setTimeout(r, 350));
        const [availability, expected] = [(await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/availability`)) as SeatAvailability, await truth(sessionId)];
        if (availability.counts.reserved > 0) seen.add('reserved');
        if (availability.counts.sold > 0) seen.add('sold');
        expect(availability.layoutVersion).toBe(layout.layoutVersion);
        const decoded = decodeAvailability(availability.seats, layout.seatCount);
        expect(order.map((id, i) => [id, decoded[i]])).toEqual(order.map((id) => [id, expected.get(id)]));
        const count = (s: string) => decoded.filter((x) => x === s).length;
        expect(availability.counts).toEqual({ available: count('available'), reserved: count('reserved'), sold: count('sold') });
      }
    }
    // Not vacuous: the checks saw seats held and seats sold.
    expect([...seen].sort()).toEqual(['reserved', 'sold']);
  });

  it('a layout change before any sale changes the layout version', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, hallId, venueId } = await smallSession(stack.api, organizer.token);
    const before = (await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/layout`)) as SessionLayout;
    await stack.api.expect(200, 'PUT', `/api/v1/venues/${venueId}/halls/${hallId}`, {
      token: organizer.token,
      body: { name: 'Test Hall', sections: [{ name: 'Front', rows: [{ label: '1', seats: 6 }] }, { name: 'Back', rows: [{ label: '1', seats: 4 }] }] },
    });
    const after = (await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/layout`)) as SessionLayout;
    expect(after.layoutVersion).not.toBe(before.layoutVersion);
    expect(after.seatCount).toBe(10);
    const availability = (await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/availability`)) as SeatAvailability;
    expect(availability.layoutVersion).toBe(after.layoutVersion);
    expect((await stack.api.call('GET', `/api/v1/sessions/${sessionId}/layout?version=${before.layoutVersion}`)).status).toBe(404);
  });

  it('streams the availability, then deltas by seat index that keep it equal to the database, standing areas included', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId } = await gaSession(stack.api, organizer.token, 5);
    const layout = (await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/layout`)) as SessionLayout;
    const order = seatsOf(layout).map((s) => s.seatId);
    const live = await openEventStream(`${stack.api.baseUrl}/api/v1/sessions/${sessionId}/seat-map/live?format=availability`);
    try {
      await live.waitFor((e) => e.some((x) => x.event === 'availability'));
      const start = live.events[0]!.data as SeatAvailability;
      expect(start).toMatchObject({ layoutVersion: layout.layoutVersion, areas: [{ area: 'Floor', available: 5, reserved: 0, sold: 0 }] });
      const buyer = await stack.newCustomer();
      const seat = await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds: [order[2]] } });
      await stack.api.expect(200, 'POST', `/api/v1/reservations/${seat.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } });
      await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, generalAdmission: { area: 'Floor', quantity: 2 } } });

      const codes = decodeAvailability(start.seats, layout.seatCount).map((s) => s as string);
      let areas = start.areas;
      await live.waitFor((events) => {
        const changes = events.filter((e) => e.event === 'changes').map((e) => e.data as { changes: [number, number][]; areas?: typeof areas });
        const now = [...codes];
        let area = areas;
        for (const c of changes) {
          for (const [i, code] of c.changes) now[i] = ['available', 'reserved', 'sold'][code]!;
          if (c.areas) area = c.areas;
        }
        return now[2] === 'sold' && area[0]!.reserved === 2;
      });
      const expected = await truth(sessionId);
      for (const e of live.events.filter((x) => x.event === 'changes')) {
        for (const [i, code] of (e.data as { changes: [number, number][] }).changes) codes[i] = ['available', 'reserved', 'sold'][code]!;
        if (e.data.areas) areas = e.data.areas;
      }
      expect(order.map((id, i) => [id, codes[i]])).toEqual(order.map((id) => [id, expected.get(id)]));
      expect(areas).toEqual([{ area: 'Floor', available: 3, reserved: 2, sold: 0 }]);
    } finally {
      live.close();
    }
  });
});
