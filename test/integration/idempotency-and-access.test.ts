import { startStack, type Stack } from '../support/stack';
import { smallSession } from '../support/catalog';
import { reservationIdFor } from '../../services/booking/bookings';

describe('idempotency keys and ownership', () => {
  let stack: Stack;
  let session: Awaited<ReturnType<typeof smallSession>>;
  beforeAll(async () => {
    stack = await startStack();
    const organizer = await stack.newUserWithRole('organizer');
    session = await smallSession(stack.api, organizer.token);
  });
  afterAll(() => stack.close());

  const countWorkflows = async (reservationId: string) => {
    let n = 0;
    for await (const _ of stack.temporal.workflow.list({ query: `WorkflowId = "booking-${reservationId}"` })) n++;
    return n;
  };

  it('the same Idempotency-Key returns the same reservation and starts one workflow', async () => {
    const buyer = await stack.newCustomer();
    const body = { sessionId: session.sessionId, seatIds: [session.seats[5]!.seatId] };
    const headers = { 'Idempotency-Key': 'order-7f3a' };
    // Concurrent retries and a later one all land on one reservation.
    const [a, b] = await Promise.all([
      stack.api.call('POST', '/api/v1/reservations', { token: buyer.token, body, headers }),
      stack.api.call('POST', '/api/v1/reservations', { token: buyer.token, body, headers }),
    ]);
    const c = await stack.api.call('POST', '/api/v1/reservations', { token: buyer.token, body, headers });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(b.body.id).toBe(a.body.id);
    expect(c.body.id).toBe(a.body.id);
    expect(c.body.expiresAt).toBe(a.body.expiresAt);
    expect(await countWorkflows(a.body.id)).toBe(1);
    const mine = await stack.api.expect(200, 'GET', '/api/v1/reservations', { token: buyer.token });
    expect(mine.items).toHaveLength(1);

    // The same key for another request is refused; the key belongs to this buyer only.
    const other = await stack.api.call('POST', '/api/v1/reservations', {
      token: buyer.token,
      body: { sessionId: session.sessionId, seatIds: [session.seats[6]!.seatId] },
      headers,
    });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const stranger = await stack.newCustomer();
    const theirs = await stack.api.call('POST', '/api/v1/reservations', {
      token: stranger.token,
      body: { sessionId: session.sessionId, seatIds: [session.seats[7]!.seatId] },
      headers,
    });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(a.body.id);
  });

  it('a rejected hold replays its 409 for the same key', async () => {
    const [first, second] = [await stack.newCustomer(), await stack.newCustomer()];
    const body = { sessionId: session.sessionId, seatIds: [session.seats[8]!.seatId] };
    await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: first.token, body });
    const headers = { 'Idempotency-Key': 'k-409' };
    const r1 = await stack.api.call('POST', '/api/v1/reservations', { token: second.token, body, headers });
    const r2 = await stack.api.call('POST', '/api/v1/reservations', { token: second.token, body, headers });
    expect([r1.status, r2.status]).toEqual([409, 409]);
    expect(r2.body.unavailableSeats).toEqual(body.seatIds);
  });

  it('a key whose reservation is recorded active but was refused meanwhile answers its workflow\'s refusal, not the record', async () => {
    // A hold attempt held the seat and recorded the reservation, then lost its answer; the hold lapsed and another buyer has the seat.
    const [late, other] = [await stack.newCustomer(), await stack.newCustomer()];
    const seat = session.seats[9]!;
    const taken = await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: other.token, body: { sessionId: session.sessionId, seatIds: [seat.seatId] } });
    const id = reservationIdFor(late.user.id, 'order-retried');
    await stack.pool.query(
      `INSERT INTO booking.reservations (id, user_id, session_id, status, seats, total_amount, currency, expires_at, created_at)
       VALUES ($1, $2, $3, 'active', $4, $5, $6, now() - interval '1 minute', now() - interval '11 minutes')`,
      [id, late.user.id, session.sessionId, JSON.stringify([{ seatId: seat.seatId, section: seat.section, row: seat.row, number: seat.number, tier: seat.tier }]), '30.50', 'EUR'],
    );
    const retried = await stack.api.call('POST', '/api/v1/reservations', {
      token: late.token,
      body: { sessionId: session.sessionId, seatIds: [seat.seatId] },
      headers: { 'Idempotency-Key': 'order-retried' },
    });
    expect(retried.status).toBe(409);
    expect(retried.body).toMatchObject({ code: 'SEAT_UNAVAILABLE', unavailableSeats: [seat.seatId] });
    await stack.api.expect(200, 'DELETE', `/api/v1/reservations/${taken.id}`, { token: other.token });

    // The record is cleared by the workflow's activity alone (the service credential), never by a buyer.
    const discard = (headers: Record<string, string>) => fetch(`${stack.urls.booking}/internal/reservations/${id}`, { method: 'DELETE', headers });
    expect((await discard({ authorization: `Bearer ${late.token}` })).status).toBe(401);
    expect((await stack.pool.query('SELECT 1 FROM booking.reservations WHERE id = $1', [id])).rowCount).toBe(1);
    expect((await discard({ 'x-service-token': stack.secrets.serviceToken })).status).toBe(204);
    expect((await stack.pool.query('SELECT 1 FROM booking.reservations WHERE id = $1', [id])).rowCount).toBe(0);
  });

  it('another user cannot read, confirm or cancel your reservation, nor read your tickets', async () => {
    const owner = await stack.newCustomer('owner');
    const other = await stack.newCustomer('other');
    const r = await stack.api.expect(201, 'POST', '/api/v1/reservations', {
      token: owner.token,
      body: { sessionId: session.sessionId, seatIds: [session.seats[15]!.seatId] },
    });
    const path = `/api/v1/reservations/${r.id}`;
    for (const [method, p, body] of [
      ['GET', path, undefined],
      ['POST', `${path}/confirm`, { paymentToken: 'tok_visa' }],
      ['DELETE', path, undefined],
    ] as const) {
      const res = await stack.api.call(method, p, { token: other.token, body });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await stack.api.expect(200, 'GET', path, { token: owner.token })).status).toBe('active');
    const list = await stack.api.expect(200, 'GET', '/api/v1/reservations', { token: other.token });
    expect(list.items).toEqual([]);

    const confirmed = await stack.api.expect(200, 'POST', `${path}/confirm`, { token: owner.token, body: { paymentToken: 'tok_visa' } });
    const ticketId = confirmed.tickets[0].id;
    for (const p of [`/api/v1/tickets/${ticketId}`, `/api/v1/tickets/${ticketId}/qr`, `/api/v1/tickets/user/${owner.user.id}`]) {
      expect((await stack.api.call('GET', p, { token: other.token })).status).toBe(404);
    }
    expect((await stack.api.expect(200, 'GET', '/api/v1/tickets', { token: other.token })).items).toEqual([]);
    // The owner and an admin may.
    expect((await stack.api.expect(200, 'GET', `/api/v1/tickets/user/${owner.user.id}`, { token: owner.token })).items).toHaveLength(1);
    expect((await stack.api.expect(200, 'GET', `/api/v1/tickets/${ticketId}`, { token: stack.admin.token })).id).toBe(ticketId);
    // Without a token: 401 from the gateway.
    expect((await stack.api.call('GET', path)).status).toBe(401);
  });

  it('bad input is a 4xx problem, never a 5xx', async () => {
    const buyer = await stack.newCustomer();
    const cases: [string, string, unknown, number][] = [
      ['POST', '/api/v1/reservations', { sessionId: 'nope', seatIds: [] }, 400],
      ['POST', '/api/v1/reservations', { sessionId: session.sessionId, seatIds: [session.seats[0]!.seatId, session.seats[0]!.seatId] }, 400],
      ['POST', '/api/v1/reservations', { sessionId: session.sessionId, seatIds: Array.from({ length: 11 }, (_, i) => session.seats[i]!.seatId) }, 400],
      ['POST', '/api/v1/reservations', { sessionId: session.sessionId, seatIds: ['00000000-0000-4000-8000-000000000000'] }, 409],
      ['POST', '/api/v1/reservations', { sessionId: '00000000-0000-4000-8000-000000000000', seatIds: [session.seats[0]!.seatId] }, 409],
      ['GET', '/api/v1/reservations/not-a-uuid', undefined, 400],
      ['POST', '/api/v1/reservations/00000000-0000-4000-8000-000000000000/confirm', { paymentToken: 'tok_visa' }, 404],
      ['POST', '/api/v1/reservations/00000000-0000-4000-8000-000000000000/confirm', {}, 400],
      ['GET', '/internal/sessions/x', undefined, 404],
      ['GET', '/api/v1/nothing-here', undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await stack.api.call(method, path, { token: buyer.token, body });
      expect({ path, body, status: res.status }).toEqual({ path, body, status });
      expect(res.body.code).toMatch(/^[A-Z_]+$/);
    }
    const malformed = await fetch(`${stack.api.baseUrl}/api/v1/reservations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer.token}`, 'content-type': 'application/json' },
      body: '{"sessionId":',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe('MALFORMED_JSON');
    // Nothing half-written: this buyer has no reservation.
    expect((await stack.api.expect(200, 'GET', '/api/v1/reservations', { token: buyer.token })).items).toEqual([]);
  });

  it('the booking service answers POST /reservations outside Express as it answers its other routes', async () => {
    const buyer = await stack.newCustomer();
    const post = (path: string, body: string, token?: string) =>
      fetch(`${stack.urls.booking}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });
    const taken = JSON.stringify({ sessionId: session.sessionId, seatIds: ['00000000-0000-4000-8000-000000000000'] });
    const answers = [
      [await post('/api/v1/reservations', taken), 401, 'UNAUTHORIZED'],
      [await post('/api/v1/reservations', taken, stack.admin.token), 403, 'FORBIDDEN'], // admins do not buy
      [await post('/api/v1/reservations', '{"sessionId":', buyer.token), 400, 'MALFORMED_JSON'],
      [await post('/api/v1/reservations', JSON.stringify({ pad: 'x'.repeat(70_000) }), buyer.token), 413, 'PAYLOAD_TOO_LARGE'],
      // Paths match as Express matched them: any case, an optional trailing slash.
      [await post('/API/v1/Reservations/', taken, buyer.token), 409, 'SEAT_UNAVAILABLE'],
    ] as const;
    for (const [res, status, code] of answers) {
      expect({ status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({ status, code });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
    }
    // Its other routes are still Express's.
    const list = await fetch(`${stack.urls.booking}/api/v1/reservations`, { headers: { authorization: `Bearer ${buyer.token}` } });
    expect(list.status).toBe(200);
    // Measured under its route pattern like any other route.
    const metrics = await (await fetch(`${stack.urls.booking}/metrics`)).text();
    expect(metrics).toMatch(/http_request_duration_seconds_count\{service="booking",method="POST",route="\/api\/v1\/reservations",status="409"\} [1-9]/);
  });
});
