import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { bookingWorkflowId } from '../../contracts/booking-workflow';
import { reservationIdFor } from '../../services/booking/bookings';
import { startStack, type Stack } from '../support/stack';
import { gaSession } from '../support/general-admission';
import type { SignedIn } from '../../devstack/api-client';

// General admission: unnumbered places of a standing area, sold from a
// capacity with the same guarantees as seats (one row per place, all or none).
describe('general admission', () => {
  let stack: Stack;
  let organizer: SignedIn;
  let buyers: SignedIn[];
  beforeAll(async () => {
    // These buyers test overselling, not overload: new holds wait their turn as long as any call
    // (10 s) instead of being sent to a waiting room after 2 s (booking-overflow.test.ts), and on a
    // machine too busy even for that they are told 503 with Retry-After, which they retry.
    stack = await startStack({ env: { booking: { TEMPORAL_SHED_AFTER_MS: '10000', WAITING_ROOM_ON_OVERFLOW: 'false' } } });
    organizer = await stack.newUserWithRole('organizer');
    buyers = await Promise.all(Array.from({ length: 20 }, () => stack.newCustomer('ga-buyer')));
  }, 180_000);
  afterAll(() => stack.close());

  const areaRows = async (sessionId: string) =>
    (
      await stack.pool.query<{ seat_id: string; status: string; reservation_id: string | null; held_until: Date | null; number: number }>(
        `SELECT ss.seat_id, ss.status, ss.reservation_id, ss.held_until, st.number
         FROM catalog.session_seats ss JOIN catalog.seats st ON st.id = ss.seat_id
         WHERE ss.session_id = $1 AND st.session_id = $1 AND st.section = 'Floor'`,
        [sessionId],
      )
    ).rows;

  it('a session has a standing area next to seats; the seat map shows it as counts', async () => {
    const { sessionId, session, venueId, hallId } = await gaSession(stack.api, organizer.token, 40);
    expect(session.tiers).toEqual(
      expect.arrayContaining([
        { name: 'Standing', price: { amount: '25.00', currency: 'EUR' }, area: 'Floor', capacity: 40 },
        { name: 'VIP', price: { amount: '120.00', currency: 'EUR' }, sections: ['Front'] },
      ]),
    );
    const map = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    expect(map.seats).toHaveLength(10); // numbered seats only
    expect(map.seats.every((s: any) => s.section === 'Front')).toBe(true);
    expect(map.counts).toEqual({ available: 10, reserved: 0, sold: 0 });
    expect(map.areas).toEqual([
      { area: 'Floor', tier: 'Standing', price: { amount: '25.00', currency: 'EUR' }, capacity: 40, available: 40, reserved: 0, sold: 0 },
    ]);
    // What the waiting room asks to tell its queue the session is sold out: seats and areas together.
    const places = await fetch(`${stack.urls.catalog}/internal/sessions/${sessionId}/places`, { headers: { 'x-service-token': stack.secrets.serviceToken } });
    expect(await places.json()).toEqual({ available: 50, reserved: 0, sold: 0, areas: [{ area: 'Floor', available: 40, reserved: 0, sold: 0 }] });
    expect((await fetch(`${stack.urls.catalog}/internal/sessions/${sessionId}/places`)).status).toBe(401);
    const rows = await areaRows(sessionId);
    expect(rows.map((r) => r.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    // Organizer input: an area may not take a hall section's name, nor appear twice.
    const startsAt = new Date(Date.now() + 30 * 86_400_000);
    const clash = await stack.api.call('POST', `/api/v1/events/${session.eventId}/sessions`, {
      token: organizer.token,
      body: {
        hallId: session.hallId,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        tiers: [{ name: 'Standing', price: { amount: '25.00', currency: 'EUR' }, capacity: 10, area: 'Front' }],
      },
    });
    expect(clash.status).toBe(400);

    // A hall layout change regenerates the numbered seats only: the area's places stay as they are.
    const before = (await areaRows(sessionId)).map((r) => r.seat_id).sort();
    const hall = await stack.api.expect(200, 'PUT', `/api/v1/venues/${venueId}/halls/${hallId}`, {
      token: organizer.token,
      body: { name: 'GA Hall', sections: [{ name: 'Front', rows: [{ label: 'A', seats: 4 }] }] },
    });
    expect(hall.seatCount).toBe(4);
    expect((await areaRows(sessionId)).map((r) => r.seat_id).sort()).toEqual(before);
    const changed = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    expect(changed.seats).toHaveLength(4);
    expect(changed.areas[0]).toMatchObject({ area: 'Floor', capacity: 40, available: 40 });
  });

  it('reserve → seat map counts match PostgreSQL → confirm → one ticket per place', async () => {
    const { api } = stack;
    const { sessionId } = await gaSession(api, organizer.token, 10);
    const buyer = buyers[0]!;
    const r = await api.expect(201, 'POST', '/api/v1/reservations', {
      token: buyer.token,
      body: { sessionId, generalAdmission: { area: 'Floor', quantity: 4 } },
    });
    expect(r).toMatchObject({ status: 'active', sessionId, total: { amount: '100.00', currency: 'EUR' } });
    expect(r.seats).toHaveLength(4);
    expect(r.seats.every((s: any) => s.section === 'Floor' && s.row === 'GA' && s.tier === 'Standing')).toBe(true);

    const counts = async () => {
      const rows = await areaRows(sessionId);
      const now = Date.now();
      return {
        sold: rows.filter((x) => x.status === 'sold').length,
        reserved: rows.filter((x) => x.status === 'held' && x.held_until!.getTime() > now).length,
        available: rows.filter((x) => x.status === 'available' || (x.status === 'held' && x.held_until!.getTime() <= now)).length,
      };
    };
    const during = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    expect(during.areas[0]).toMatchObject({ capacity: 10, ...(await counts()) });
    expect(during.areas[0]).toMatchObject({ available: 6, reserved: 4, sold: 0 });

    // Asking for more than is left is refused whole, with what is left.
    const tooMany = await api.call('POST', '/api/v1/reservations', {
      token: buyers[1]!.token,
      body: { sessionId, generalAdmission: { area: 'Floor', quantity: 7 } },
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body).toMatchObject({ code: 'SOLD_OUT', available: 6 });

    const confirmed = await api.expect(200, 'POST', `/api/v1/reservations/${r.id}/confirm`, {
      token: buyer.token,
      body: { paymentToken: 'tok_visa' },
    });
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.tickets).toHaveLength(4);
    expect(confirmed.tickets.map((t: any) => t.seat.seatId).sort()).toEqual(r.seats.map((s: any) => s.seatId).sort());
    for (const t of confirmed.tickets) expect(t.seat).toMatchObject({ section: 'Floor', row: 'GA' });

    const after = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    expect(after.areas[0]).toMatchObject(await counts());
    expect(after.areas[0]).toMatchObject({ available: 6, reserved: 0, sold: 4 });
    const tickets = await api.expect(200, 'GET', '/api/v1/tickets', { token: buyer.token });
    expect(tickets.items.filter((t: any) => t.reservationId === r.id)).toHaveLength(4);
  });

  it('validates the request: exactly one of seatIds and generalAdmission, quantity 1..10, a known area', async () => {
    const { api } = stack;
    const { sessionId } = await gaSession(api, organizer.token, 5);
    const map = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    const token = buyers[2]!.token;
    const post = (body: unknown) => api.call('POST', '/api/v1/reservations', { token, body });
    expect((await post({ sessionId, seatIds: [map.seats[0].seatId], generalAdmission: { area: 'Floor', quantity: 1 } })).status).toBe(400);
    expect((await post({ sessionId })).status).toBe(400);
    expect((await post({ sessionId, generalAdmission: { area: 'Floor', quantity: 11 } })).status).toBe(400);
    expect((await post({ sessionId, generalAdmission: { area: 'Floor', quantity: 0 } })).status).toBe(400);
    expect((await post({ sessionId, generalAdmission: { area: 'Balcony', quantity: 1 } })).status).toBe(404);
    // The same Idempotency-Key answers the same reservation (the same places); another request with it is refused.
    const headers = { 'idempotency-key': `ga-idem-${sessionId}` };
    const first = await api.expect(201, 'POST', '/api/v1/reservations', { token, headers, body: { sessionId, generalAdmission: { area: 'Floor', quantity: 2 } } });
    const again = await api.expect(201, 'POST', '/api/v1/reservations', { token, headers, body: { sessionId, generalAdmission: { area: 'Floor', quantity: 2 } } });
    expect(again.id).toBe(first.id);
    expect(again.seats.map((s: any) => s.seatId)).toEqual(first.seats.map((s: any) => s.seatId));
    const other = await api.call('POST', '/api/v1/reservations', { token, headers, body: { sessionId, generalAdmission: { area: 'Floor', quantity: 3 } } });
    expect(other.status).toBe(422);
    // Cancelling gives the places back at once.
    await api.expect(200, 'DELETE', `/api/v1/reservations/${first.id}`, { token });
    const map2 = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    expect(map2.areas[0]).toMatchObject({ capacity: 5, available: 5, reserved: 0, sold: 0 });
    // Numbered seats still work as before, next to the area.
    await api.expect(201, 'POST', '/api/v1/reservations', { token, body: { sessionId, seatIds: [map.seats[0].seatId] } });
  });

  it('refuses a request for more places than an area has left with 409 SOLD_OUT, without starting a workflow', async () => {
    const { api } = stack;
    const { sessionId } = await gaSession(api, organizer.token, 3);
    const [first, late] = [buyers[0]!, buyers[1]!];
    await api.expect(201, 'POST', '/api/v1/reservations', { token: first.token, body: { sessionId, generalAdmission: { area: 'Floor', quantity: 2 } } });
    // What booking knows of the area is at most a second old.
    await new Promise((r) => setTimeout(r, 1_100));
    const key = randomUUID();
    const refused = await api.call('POST', '/api/v1/reservations', {
      token: late.token,
      headers: { 'idempotency-key': key },
      body: { sessionId, generalAdmission: { area: 'Floor', quantity: 2 } },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'SOLD_OUT', available: 1 });
    await expect(stack.temporal.workflow.getHandle(bookingWorkflowId(reservationIdFor(late.user.id, key))).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    // What is left can still be had.
    await api.expect(201, 'POST', '/api/v1/reservations', { token: late.token, body: { sessionId, generalAdmission: { area: 'Floor', quantity: 1 } } });
  });

  it('200 concurrent buyers of a 50-place area never oversell it, and every 201 holds its whole quantity', async () => {
    const { api } = stack;
    const { sessionId } = await gaSession(api, organizer.token, 50);
    // 200 concurrent requests from 20 users (a user may hold several reservations), each asking 1–3 places.
    const requests = Array.from({ length: 200 }, (_, i) => ({ buyer: buyers[i % buyers.length]!, quantity: 1 + (i % 3), key: `ga-load-${sessionId}-${i}` }));
    // A 503 (Temporal slower than the API's deadline on a loaded box) is retried with the same
    // Idempotency-Key, as the API tells clients to: the retry joins the same booking.
    const reserve = async (q: (typeof requests)[number]) => {
      for (let attempt = 1; ; attempt++) {
        const res = await api.call('POST', '/api/v1/reservations', {
          token: q.buyer.token,
          headers: { 'idempotency-key': q.key },
          body: { sessionId, generalAdmission: { area: 'Floor', quantity: q.quantity } },
        });
        if (res.status !== 503 || attempt === 8) return res;
      }
    };
    const results = await Promise.all(requests.map(reserve));
    const unexpected = results.filter((r) => r.status !== 201 && r.status !== 409).map((r) => `${r.status} ${JSON.stringify(r.body)}`);
    expect(unexpected).toEqual([]);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.body.code).toBe('SOLD_OUT');
      expect(typeof r.body.available).toBe('number');
    }
    const won = results.map((r, i) => ({ r, q: requests[i]! })).filter((x) => x.r.status === 201);
    expect(won.length).toBeGreaterThan(0);
    const wonPlaces = won.reduce((n, w) => n + w.q.quantity, 0);
    expect(wonPlaces).toBeLessThanOrEqual(50);

    // Every 201 holds exactly its quantity, in PostgreSQL too; nothing else is held.
    let rows = await areaRows(sessionId);
    const byReservation = new Map<string, number>();
    for (const r of rows) if (r.reservation_id) byReservation.set(r.reservation_id, (byReservation.get(r.reservation_id) ?? 0) + 1);
    for (const w of won) {
      expect(w.r.body.seats).toHaveLength(w.q.quantity);
      expect(byReservation.get(w.r.body.id)).toBe(w.q.quantity);
    }
    expect(rows.filter((r) => r.status === 'held' || r.status === 'sold')).toHaveLength(wonPlaces);
    expect(byReservation.size).toBe(won.length);
    const placeIds = won.flatMap((w) => w.r.body.seats.map((s: any) => s.seatId));
    expect(new Set(placeIds).size).toBe(placeIds.length);

    // Pay for every winner at once: sold is exactly what the winners got, one ticket per place.
    const confirmations = await Promise.all(
      won.map((w) => api.call('POST', `/api/v1/reservations/${w.r.body.id}/confirm`, { token: w.q.buyer.token, body: { paymentToken: 'tok_visa' } })),
    );
    expect(confirmations.map((c) => c.status).filter((s) => s !== 200)).toEqual([]);
    rows = await areaRows(sessionId);
    const sold = rows.filter((r) => r.status === 'sold');
    expect(sold.map((r) => r.seat_id).sort()).toEqual([...placeIds].sort());
    const tickets = await stack.pool.query<{ seat_id: string; n: number }>(
      `SELECT seat_id, count(*)::int AS n FROM booking.tickets WHERE session_id = $1 AND status = 'valid' GROUP BY seat_id`,
      [sessionId],
    );
    expect(tickets.rows.map((t) => t.seat_id).sort()).toEqual([...placeIds].sort());
    expect(tickets.rows.every((t) => t.n === 1)).toBe(true);
    const map = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    expect(map.areas[0]).toMatchObject({ capacity: 50, sold: wonPlaces, reserved: 0, available: 50 - wonPlaces });
  }, 180_000);
});
