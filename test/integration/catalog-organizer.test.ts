import Redis from 'ioredis';
import { testInfra } from '../infra-env';
import { randomUUID } from 'node:crypto';
import { rows, signIn, type SignedIn } from '../../devstack/api-client';
import { smallSession } from '../support/catalog';
import { inDays, LAYOUT, organizerKit, seatState, sessionBody } from '../support/organizer';
import { startStack, type Stack } from '../support/stack';

// The organizer's side of the catalog, through the gateway: sessions, hall layouts, the event lifecycle, ownership.
describe('catalog: organizers', () => {
  let stack: Stack;
  let me: SignedIn;
  let kit: ReturnType<typeof organizerKit>;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
    me = await stack.newUserWithRole('organizer');
    kit = organizerKit(stack.api, me.token);
  });
  afterAll(() => stack.close());

  /** As `me` unless another token (or null: no token) is given. */
  const call = (method: string, path: string, body?: unknown, token: string | null = me.token) =>
    stack.api.call(method, path, { token: token ?? undefined, body });

  describe('sessions', () => {
    it('refuses one overlapping another in the hall (409 SESSION_OVERLAP) and allows one starting as the last ends', async () => {
      const { hallId } = await kit.venueWithHall();
      const eventId = await kit.draft();
      const start = inDays(3);
      const first = await kit.session(eventId, hallId, start, 120);

      const overlapping = await call('POST', `/api/v1/events/${eventId}/sessions`, sessionBody(hallId, new Date(start.getTime() + 60 * 60_000)));
      expect(overlapping.status).toBe(409);
      expect(overlapping.body).toMatchObject({ code: 'SESSION_OVERLAP', sessionId: first });
      const inside = await call('POST', `/api/v1/events/${eventId}/sessions`, sessionBody(hallId, new Date(start.getTime() + 30 * 60_000), 30));
      expect(inside.status).toBe(409);

      // Another event in the same hall is refused the same way: the hall is what is shared.
      const other = await kit.draft();
      expect((await call('POST', `/api/v1/events/${other}/sessions`, sessionBody(hallId, start))).status).toBe(409);

      const adjacent = await call('POST', `/api/v1/events/${eventId}/sessions`, sessionBody(hallId, new Date(start.getTime() + 120 * 60_000)));
      expect(adjacent.status).toBe(201);
      const before = await call('POST', `/api/v1/events/${eventId}/sessions`, sessionBody(hallId, new Date(start.getTime() - 60 * 60_000), 60));
      expect(before.status).toBe(201);
    });

    it('refuses a start in the past and an end before the start (400)', async () => {
      const { hallId } = await kit.venueWithHall();
      const eventId = await kit.draft();
      const past = await call('POST', `/api/v1/events/${eventId}/sessions`, sessionBody(hallId, new Date(Date.now() - 60_000)));
      expect(past.status).toBe(400);
      expect(past.body.detail).toMatch(/startsAt must be in the future/);
      const backwards = await call('POST', `/api/v1/events/${eventId}/sessions`, { ...sessionBody(hallId, inDays(2)), endsAt: inDays(1).toISOString() });
      expect(backwards.status).toBe(400);
      const unknownSection = await call('POST', `/api/v1/events/${eventId}/sessions`, {
        ...sessionBody(hallId, inDays(2)),
        tiers: [{ name: 'All', price: { amount: '10.00', currency: 'EUR' }, sections: ['Balcony'] }],
      });
      expect(unknownSection.status).toBe(400);
      expect(unknownSection.body.detail).toMatch(/Balcony/);
    });
  });

  describe('hall layouts', () => {
    const NEW_LAYOUT = {
      name: 'Main Hall',
      sections: [
        { name: 'Front', rows: rows(1, 4) },
        { name: 'Back', rows: [{ label: 'K', seats: 6 }, { label: 'L', seats: 6 }] },
        { name: 'Side', rows: rows(1, 3) },
      ],
    };

    it('is locked once a session in the hall has sold seats (409 LAYOUT_LOCKED); a rename still works', async () => {
      const { venueId, hallId, sessionId, seats } = await smallSession(stack.api, me.token);
      await seatState(stack).sell(sessionId, [seats[0]!.seatId]);

      const res = await call('PUT', `/api/v1/venues/${venueId}/halls/${hallId}`, NEW_LAYOUT);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'LAYOUT_LOCKED', sessionId });
      const map = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
      expect(map.seats.map((s: any) => s.seatId)).toEqual(seats.map((s) => s.seatId));

      // The same layout under another name changes no seat, so it is allowed.
      const layout = (await stack.api.expect(200, 'GET', `/api/v1/venues/${venueId}`, { token: me.token })).halls[0];
      const renamed = await call('PUT', `/api/v1/venues/${venueId}/halls/${hallId}`, { name: 'Renamed Hall', sections: layout.sections });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: hallId, name: 'Renamed Hall', seatCount: 25 });
    });

    it('is locked by a live hold, but not by a lapsed one', async () => {
      const held = await smallSession(stack.api, me.token);
      expect((await seatState(stack).hold(held.sessionId, [held.seats[3]!.seatId])).ok).toBe(true);
      const locked = await call('PUT', `/api/v1/venues/${held.venueId}/halls/${held.hallId}`, NEW_LAYOUT);
      expect(locked.status).toBe(409);
      expect(locked.body.code).toBe('LAYOUT_LOCKED');

      const lapsed = await smallSession(stack.api, me.token);
      const hold = await seatState(stack).hold(lapsed.sessionId, [lapsed.seats[3]!.seatId], new Date(Date.now() - 1_000));
      expect(hold.ok).toBe(true);
      expect((await call('PUT', `/api/v1/venues/${lapsed.venueId}/halls/${lapsed.hallId}`, NEW_LAYOUT)).status).toBe(200);
    });

    it('changes without sales: the seats are regenerated and the seat map follows', async () => {
      const { venueId, hallId } = await kit.venueWithHall();
      const eventId = await kit.draft();
      const sessionId = await kit.session(eventId, hallId, inDays(5));
      await kit.publish(eventId);
      // Read before the change: the cached layout and the Redis view must not outlive it.
      const before = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
      expect(before.seats.length).toBeGreaterThan(0);

      const res = await call('PUT', `/api/v1/venues/${venueId}/halls/${hallId}`, NEW_LAYOUT);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: hallId, venueId, name: 'Main Hall', seatCount: 19, sections: NEW_LAYOUT.sections });

      const map = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
      // Side has no tier in this session: not on sale, not on the map.
      expect(map.seats.map((s: any) => `${s.section}/${s.row}${s.number}/${s.tier}`)).toEqual([
        ...[1, 2, 3, 4].map((n) => `Front/A${n}/VIP`),
        ...['K', 'L'].flatMap((row) => [1, 2, 3, 4, 5, 6].map((n) => `Back/${row}${n}/Normal`)),
      ]);
      expect(map.counts).toEqual({ available: 16, reserved: 0, sold: 0 });
      // The new seats are sellable, and the booking API's fast reject knows them.
      expect((await seatState(stack).hold(sessionId, [map.seats[0].seatId])).ok).toBe(true);
      const redis = new Redis(testInfra().redisUrl);
      try {
        const viewed = Object.keys(await redis.hgetall(`seatview:${sessionId}`)).sort();
        expect(viewed).toEqual(map.seats.map((s: any) => s.seatId).sort());
      } finally {
        redis.disconnect();
      }

      const venue = await stack.api.expect(200, 'GET', `/api/v1/venues/${venueId}`, { token: me.token });
      expect(venue.halls).toEqual([res.body]);
      const { rows: seats } = await stack.pool.query('SELECT count(*)::int AS n FROM catalog.seats WHERE hall_id = $1', [hallId]);
      expect(seats[0].n).toBe(19);
    });

    it("refuses (400) a layout without a section some session's tier sells, and changes nothing", async () => {
      const { venueId, hallId } = await kit.venueWithHall();
      const eventId = await kit.draft();
      const sessionId = await kit.session(eventId, hallId, inDays(6));
      const res = await call('PUT', `/api/v1/venues/${venueId}/halls/${hallId}`, { name: 'Main Hall', sections: [{ name: 'Front', rows: rows(1, 3) }] });
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/"Back" \(tier "Normal"\)/);
      expect(res.body.sessions).toEqual([sessionId]);
      const { rows: n } = await stack.pool.query('SELECT count(*)::int AS n FROM catalog.session_seats WHERE session_id = $1', [sessionId]);
      expect(n[0].n).toBe(25);
    });

    it('validates the layout and finds the hall only in its venue', async () => {
      const { venueId, hallId } = await kit.venueWithHall();
      const other = await kit.venueWithHall();
      const twice = await call('PUT', `/api/v1/venues/${venueId}/halls/${hallId}`, {
        name: 'X',
        sections: [{ name: 'A', rows: rows(1, 2) }, { name: 'A', rows: rows(1, 2) }],
      });
      expect(twice.status).toBe(400);
      const extra = await call('PUT', `/api/v1/venues/${venueId}/halls/${hallId}`, { ...LAYOUT, capacity: 3 });
      expect(extra.status).toBe(400);
      expect(extra.body.detail).toMatch(/capacity/);
      expect((await call('PUT', `/api/v1/venues/${venueId}/halls/${other.hallId}`, LAYOUT)).status).toBe(404);
      expect((await call('PUT', `/api/v1/venues/${venueId}/halls/not-a-uuid`, LAYOUT)).status).toBe(400);
    });
  });

  describe('event lifecycle', () => {
    it('publishing needs a session (409 EVENT_HAS_NO_SESSIONS)', async () => {
      const eventId = await kit.draft();
      const res = await call('POST', `/api/v1/events/${eventId}/publish`);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('EVENT_HAS_NO_SESSIONS');
    });

    it('cancel: the event leaves the listing, its sessions go off sale, and it is final', async () => {
      const tag = `cx${randomUUID().slice(0, 8)}`;
      const { hallId } = await kit.venueWithHall();
      const eventId = await kit.draft(`${tag} Gala`);
      const sessionId = await kit.session(eventId, hallId, inDays(9));
      await kit.publish(eventId);
      const listed = await stack.api.expect(200, 'GET', `/api/v1/events?q=${tag}`);
      expect(listed.items.map((e: any) => e.id)).toEqual([eventId]);

      const cancelled = await stack.api.expect(200, 'POST', `/api/v1/events/${eventId}/cancel`, { token: me.token });
      expect(cancelled).toMatchObject({ id: eventId, status: 'cancelled' });
      expect(Date.parse(cancelled.cancelledAt)).toBeGreaterThan(Date.now() - 60_000);

      expect(await stack.api.expect(200, 'GET', `/api/v1/events?q=${tag}`)).toMatchObject({ items: [], total: 0 });
      // Its page stays readable (ticket holders need to learn of it).
      expect((await stack.api.expect(200, 'GET', `/api/v1/events/${eventId}`)).status).toBe('cancelled');
      const seatId = (await stack.pool.query('SELECT seat_id FROM catalog.session_seats WHERE session_id = $1 LIMIT 1', [sessionId])).rows[0].seat_id;
      expect(await seatState(stack).hold(sessionId, [seatId])).toMatchObject({ ok: false, code: 'SESSION_NOT_ON_SALE' });

      const again = await call('POST', `/api/v1/events/${eventId}/publish`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('EVENT_CANCELLED');
      expect((await call('PATCH', `/api/v1/events/${eventId}`, { title: 'Back on' })).body.code).toBe('EVENT_CANCELLED');
      expect((await call('POST', `/api/v1/events/${eventId}/sessions`, sessionBody(hallId, inDays(10)))).body.code).toBe('EVENT_CANCELLED');
      // Cancelling again is harmless (a retried request).
      expect((await stack.api.expect(200, 'POST', `/api/v1/events/${eventId}/cancel`, { token: me.token })).cancelledAt).toBe(cancelled.cancelledAt);
    });

    it('a draft can be cancelled too, and publishing twice is a no-op', async () => {
      const draft = await kit.draft();
      expect((await stack.api.expect(200, 'POST', `/api/v1/events/${draft}/cancel`, { token: me.token })).status).toBe('cancelled');
      const { hallId } = await kit.venueWithHall();
      const eventId = await kit.draft();
      await kit.session(eventId, hallId, inDays(4));
      const first = await kit.publish(eventId);
      const second = await kit.publish(eventId);
      expect(second.publishedAt).toBe(first.publishedAt);
    });

    it('PATCH changes title, description and category, and validates', async () => {
      const eventId = await kit.draft('Old title', 'concert', 'old');
      const patched = await stack.api.expect(200, 'PATCH', `/api/v1/events/${eventId}`, { token: me.token, body: { title: '  New title ', category: 'theatre' } });
      expect(patched).toMatchObject({ id: eventId, title: 'New title', category: 'theatre', description: 'old', status: 'draft' });
      expect((await stack.api.expect(200, 'PATCH', `/api/v1/events/${eventId}`, { token: me.token, body: { description: '' } })).description).toBe('');

      for (const body of [{}, { title: '' }, { category: 'opera' }, { status: 'published' }, { title: 'x'.repeat(201) }]) {
        const res = await call('PATCH', `/api/v1/events/${eventId}`, body);
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      }
      expect((await call('PATCH', `/api/v1/events/${randomUUID()}`, { title: 'x' })).status).toBe(404);
    });
  });

  describe('organizer reads', () => {
    it("GET /venues and /organizer/events list the caller's own, in every status", async () => {
      const org = await stack.newUserWithRole('organizer');
      const mine = organizerKit(stack.api, org.token);
      const { venueId, hallId } = await mine.venueWithHall();
      const draft = await mine.draft('Draft one');
      const live = await mine.draft('Live one');
      const sessionId = await mine.session(live, hallId, inDays(8));
      await mine.publish(live);
      const gone = await mine.draft('Gone one');
      await stack.api.expect(200, 'POST', `/api/v1/events/${gone}/cancel`, { token: org.token });
      await kit.draft('Not theirs');

      const venues = await stack.api.expect(200, 'GET', '/api/v1/venues', { token: org.token });
      expect(venues.items).toHaveLength(1);
      expect(venues.items[0]).toMatchObject({ id: venueId, organizerId: org.user.id, halls: [{ id: hallId, seatCount: 25, sections: LAYOUT.sections }] });

      const events = await stack.api.expect(200, 'GET', '/api/v1/organizer/events', { token: org.token });
      expect(events).toMatchObject({ page: 1, pageSize: 20, total: 3 });
      expect(events.items.map((e: any) => [e.id, e.status])).toEqual([
        [gone, 'cancelled'],
        [live, 'published'],
        [draft, 'draft'],
      ]);
      expect(events.items[1].sessions).toEqual([expect.objectContaining({ id: sessionId, availability: { available: 25, reserved: 0, sold: 0 } })]);

      const drafts = await stack.api.expect(200, 'GET', '/api/v1/organizer/events?status=draft', { token: org.token });
      expect(drafts.items.map((e: any) => e.id)).toEqual([draft]);
      const page2 = await stack.api.expect(200, 'GET', '/api/v1/organizer/events?pageSize=2&page=2', { token: org.token });
      expect(page2).toMatchObject({ total: 3, items: [expect.objectContaining({ id: draft })] });
      expect((await call('GET', '/api/v1/organizer/events?status=gone', undefined, org.token)).status).toBe(400);
      expect((await call('GET', '/api/v1/organizer/events?sort=asc', undefined, org.token)).status).toBe(400);
    });
  });

  describe('ownership and roles', () => {
    let other: SignedIn;
    let customer: SignedIn;
    beforeAll(async () => {
      other = await stack.newUserWithRole('organizer');
      customer = await stack.newCustomer();
    });

    it('another organizer cannot change your event (draft or published) or your hall (403)', async () => {
      const s = await smallSession(stack.api, me.token);
      const draft = await kit.draft();
      const as = (token: string | null) => ({
        patch: (id: string) => call('PATCH', `/api/v1/events/${id}`, { title: 'Mine now' }, token),
        cancel: (id: string) => call('POST', `/api/v1/events/${id}/cancel`, undefined, token),
        publish: (id: string) => call('POST', `/api/v1/events/${id}/publish`, undefined, token),
        session: (id: string) => call('POST', `/api/v1/events/${id}/sessions`, sessionBody(s.hallId, inDays(30)), token),
        layout: () => call('PUT', `/api/v1/venues/${s.venueId}/halls/${s.hallId}`, LAYOUT, token),
        hall: () => call('POST', `/api/v1/venues/${s.venueId}/halls`, LAYOUT, token),
        venue: () => call('GET', `/api/v1/venues/${s.venueId}`, undefined, token),
      });
      const o = as(other.token);
      for (const id of [s.eventId, draft]) {
        for (const res of [await o.patch(id), await o.cancel(id), await o.publish(id), await o.session(id)]) {
          expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
        }
      }
      for (const res of [await o.layout(), await o.hall(), await o.venue()]) {
        expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
      }
      // Reading is another matter: someone else's draft does not exist for them.
      expect((await call('GET', `/api/v1/events/${draft}`, undefined, other.token)).status).toBe(404);
      expect((await call('PATCH', `/api/v1/events/${randomUUID()}`, { title: 'x' }, other.token)).status).toBe(404);
      // Their own event in your hall: the hall is yours.
      const theirs = await organizerKit(stack.api, other.token).draft();
      expect((await o.session(theirs)).status).toBe(403);
      expect((await stack.api.expect(200, 'GET', '/api/v1/venues', { token: other.token })).items).toEqual([]);

      const c = as(customer.token);
      for (const res of [await c.patch(s.eventId), await c.cancel(s.eventId), await c.publish(s.eventId), await c.layout(), await c.venue()]) {
        expect(res.status).toBe(403);
      }
      expect((await call('GET', '/api/v1/organizer/events', undefined, customer.token)).status).toBe(403);
      const anon = as(null);
      for (const res of [await anon.patch(s.eventId), await anon.cancel(s.eventId), await anon.layout(), await anon.venue()]) {
        expect(res.status).toBe(401);
      }

      // Nothing changed.
      const event = await stack.api.expect(200, 'GET', `/api/v1/events/${s.eventId}`);
      expect(event).toMatchObject({ status: 'published', title: expect.stringMatching(/^Test Event/) });
    });

    it('an admin may manage any event', async () => {
      const eventId = await kit.draft();
      // The gateway asks for the organizer role; an admin who is also one passes any ownership check.
      const admin = await stack.newUserWithRole('admin');
      await stack.api.expect(200, 'POST', `/api/v1/users/${admin.user.id}/roles`, { token: stack.admin.token, body: { role: 'organizer' } });
      const { token } = await signIn(stack.api, admin.user.email, 'Correct-horse-42');
      expect((await stack.api.expect(200, 'PATCH', `/api/v1/events/${eventId}`, { token, body: { title: 'By admin' } })).title).toBe('By admin');
    });
  });
});
