import { randomUUID } from 'node:crypto';
import { smallSession } from '../support/catalog';
import { postCatalogInternal } from '../support/organizer';
import { openEventStream, type SseEvent } from '../support/sse';
import { startStack, type Stack } from '../support/stack';

// Live seat maps through the gateway: a snapshot, then every change, in order.
describe('live seat map', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  /** The statuses a seat went through, in the order the stream told them. */
  const history = (events: SseEvent[], seatId: string) =>
    events.filter((e) => e.event === 'seats').flatMap((e) => e.data.changes.filter((c: any) => c.seatId === seatId).map((c: any) => c.status));

  it('streams the reserved, sold and released changes of bookings in order', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const live = await openEventStream(`${stack.api.baseUrl}/api/v1/sessions/${sessionId}/seat-map/live`);
    try {
      expect(live.status).toBe(200);
      expect(live.headers.get('content-type')).toContain('text/event-stream');
      await live.waitFor((e) => e.some((x) => x.event === 'snapshot'));
      const snapshot = live.events[0]!;
      expect(snapshot.event).toBe('snapshot');
      expect(snapshot.data.counts).toEqual({ available: 25, reserved: 0, sold: 0 });

      const buyer = await stack.newCustomer();
      const [bought, released] = [seats[4]!.seatId, seats[5]!.seatId];
      const a = await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds: [bought] } });
      const b = await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds: [released] } });
      await stack.api.expect(200, 'POST', `/api/v1/reservations/${a.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } });
      await stack.api.expect(200, 'DELETE', `/api/v1/reservations/${b.id}`, { token: buyer.token });

      await live.waitFor((e) => history(e, bought).length >= 2 && history(e, released).length >= 2);
      expect(history(live.events, bought)).toEqual(['reserved', 'sold']);
      expect(history(live.events, released)).toEqual(['reserved', 'available']);
    } finally {
      await live.close();
    }
  });

  it('tells a lapsed hold as available within a second, though nobody released it', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const live = await openEventStream(`${stack.api.baseUrl}/api/v1/sessions/${sessionId}/seat-map/live`);
    try {
      await live.waitFor((e) => e.some((x) => x.event === 'snapshot'));
      const seatId = seats[9]!.seatId;
      const heldUntil = Date.now() + 800;
      await postCatalogInternal(stack, `/internal/sessions/${sessionId}/holds`, { reservationId: randomUUID(), seatIds: [seatId], heldUntil: new Date(heldUntil).toISOString() });
      await live.waitFor((e) => history(e, seatId).length >= 2, 3_000);
      expect(history(live.events, seatId)).toEqual(['reserved', 'available']);
      expect(Date.now() - heldUntil).toBeLessThan(1_500);
    } finally {
      await live.close();
    }
  });

  it('answers 404 for an unknown session', async () => {
    const res = await fetch(`${stack.api.baseUrl}/api/v1/sessions/${randomUUID()}/seat-map/live`);
    expect(res.status).toBe(404);
  });
});
