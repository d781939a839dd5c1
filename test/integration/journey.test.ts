import { startStack, type Stack } from '../support/stack';
import { smallSession } from '../support/catalog';
import { pdfText } from '../support/pdf-text';

// The README's demo journey, through the gateway, on the real stack.
describe('booking journey through the gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  /** A fresh buyer holding seat `index` of a fresh session. */
  async function buyerHolding(index: number) {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const buyer = await stack.newCustomer();
    const reservation = await stack.api.expect(201, 'POST', '/api/v1/reservations', {
      token: buyer.token,
      body: { sessionId, seatIds: [seats[index]!.seatId] },
    });
    return { sessionId, seats, buyer, reservation };
  }

  it('seat map → reserve → reserved → confirm → tickets with a PNG QR → sold', async () => {
    const { api } = stack;
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(api, organizer.token);
    expect(seats).toHaveLength(25);
    expect(seats.every((s) => s.status === 'available')).toBe(true);

    // Tiers are listed dearest first (numerically: 120.00 before 30.50, which text order would reverse).
    const listed = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}`);
    expect(listed.tiers.map((t: { name: string }) => t.name)).toEqual(['VIP', 'Normal']);

    const buyer = await stack.newCustomer();
    const chosen = seats.filter((s) => s.section === 'Front').slice(0, 2);
    const before = Date.now();
    const res = await api.call('POST', '/api/v1/reservations', {
      token: buyer.token,
      body: { sessionId, seatIds: chosen.map((s) => s.seatId) },
    });
    expect(res.status).toBe(201);
    const reservation = res.body;
    expect(reservation).toMatchObject({ status: 'active', sessionId, total: { amount: '240.00', currency: 'EUR' } });
    expect(reservation.seats.map((s: { seatId: string }) => s.seatId).sort()).toEqual(chosen.map((s) => s.seatId).sort());
    const ttl = Date.parse(reservation.expiresAt) - before;
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000 + 5_000);

    const during = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    const statusOf = (map: any, id: string) => map.seats.find((s: any) => s.seatId === id).status;
    for (const s of chosen) expect(statusOf(during, s.seatId)).toBe('reserved');
    expect(during.counts).toEqual({ available: 23, reserved: 2, sold: 0 });

    const mine = await api.expect(200, 'GET', '/api/v1/reservations', { token: buyer.token });
    expect(mine.items.map((r: any) => r.id)).toEqual([reservation.id]);

    const confirmed = await api.expect(200, 'POST', `/api/v1/reservations/${reservation.id}/confirm`, {
      token: buyer.token,
      body: { paymentToken: 'tok_visa' },
    });
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.tickets).toHaveLength(2);

    const tickets = await api.expect(200, 'GET', '/api/v1/tickets', { token: buyer.token });
    expect(tickets.items).toHaveLength(2);
    const ticket = await api.expect(200, 'GET', `/api/v1/tickets/${tickets.items[0].id}`, { token: buyer.token });
    expect(ticket.code).toMatch(/^TKT3\./);
    const qr = await api.call('GET', `/api/v1/tickets/${ticket.id}/qr`, { token: buyer.token });
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toBe('image/png');
    expect((qr.body as Buffer).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    // The printable ticket: event, seat and holder, for the holder only.
    const pdf = await api.call('GET', `/api/v1/tickets/${ticket.id}/pdf`, { token: buyer.token });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const printed = await pdfText(pdf.body as Buffer);
    expect(printed.pages).toHaveLength(1);
    expect(printed.text).toContain(listed.eventTitle);
    const holder = (await stack.pool.query('SELECT name FROM auth.users WHERE id = $1', [buyer.user.id])).rows[0].name;
    expect(printed.text).toContain(holder);
    expect(printed.text).toContain(`${ticket.seat.row}`);
    const stranger = await stack.newCustomer();
    expect((await api.call('GET', `/api/v1/tickets/${ticket.id}/pdf`, { token: stranger.token })).status).toBe(404);

    const after = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    for (const s of chosen) expect(statusOf(after, s.seatId)).toBe('sold');
    expect(after.counts).toEqual({ available: 23, reserved: 0, sold: 2 });

    const charges = await stack.pool.query(
      `SELECT count(*)::int AS n FROM payment.charges WHERE reference = $1 AND status = 'succeeded'`,
      [reservation.id],
    );
    expect(charges.rows[0].n).toBe(1);
    const read = await api.expect(200, 'GET', `/api/v1/reservations/${reservation.id}`, { token: buyer.token });
    expect(read.status).toBe('confirmed');
  });

  it('confirming twice charges once and returns the same tickets', async () => {
    const { api } = stack;
    const { buyer, reservation: r } = await buyerHolding(10);
    const confirm = () =>
      api.expect(200, 'POST', `/api/v1/reservations/${r.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } });
    const first = await confirm();
    const second = await confirm();
    expect(second.tickets.map((t: any) => t.id)).toEqual(first.tickets.map((t: any) => t.id));
    const charges = await stack.pool.query('SELECT count(*)::int AS n FROM payment.charges WHERE reference = $1', [r.id]);
    expect(charges.rows[0].n).toBe(1);
  });

  it('a declined card answers 402 and keeps the hold; another card then confirms', async () => {
    const { api } = stack;
    const { sessionId, seats, buyer, reservation: r } = await buyerHolding(12);
    const declined = await api.call('POST', `/api/v1/reservations/${r.id}/confirm`, {
      token: buyer.token,
      body: { paymentToken: 'tok_declined' },
    });
    expect(declined.status).toBe(402);
    expect(declined.headers.get('content-type')).toContain('application/problem+json');
    expect(declined.body.code).toBe('PAYMENT_DECLINED');
    const still = await api.expect(200, 'GET', `/api/v1/reservations/${r.id}`, { token: buyer.token });
    expect(still.status).toBe('active');
    const map = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    expect(map.seats.find((s: any) => s.seatId === seats[12]!.seatId).status).toBe('reserved');
    const ok = await api.expect(200, 'POST', `/api/v1/reservations/${r.id}/confirm`, {
      token: buyer.token,
      body: { paymentToken: 'tok_visa' },
    });
    expect(ok.tickets).toHaveLength(1);
  });

  it('cancelling releases the seats at once', async () => {
    const { api } = stack;
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(api, organizer.token);
    const buyer = await stack.newCustomer();
    const seatIds = [seats[20]!.seatId, seats[21]!.seatId];
    const r = await api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds } });
    const cancelled = await api.expect(200, 'DELETE', `/api/v1/reservations/${r.id}`, { token: buyer.token });
    expect(cancelled.status).toBe('cancelled');
    const map = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    for (const id of seatIds) expect(map.seats.find((s: any) => s.seatId === id).status).toBe('available');
    const again = await api.call('POST', `/api/v1/reservations/${r.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('RESERVATION_CANCELLED');
    const other = await stack.newCustomer();
    await api.expect(201, 'POST', '/api/v1/reservations', { token: other.token, body: { sessionId, seatIds } });
  });
});
