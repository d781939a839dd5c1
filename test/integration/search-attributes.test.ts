import { startStack, type Stack } from '../support/stack';
import { smallSession } from '../support/catalog';

// An operator finds any booking in the Temporal UI with a query on its custom attributes.
describe('booking search attributes', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const ids = async (query: string) => {
    const found: string[] = [];
    for await (const wf of stack.temporal.workflow.list({ query })) found.push(wf.workflowId);
    return found;
  };
  /** Visibility is eventually consistent: ask until the answer matches or time runs out. */
  const eventually = async (query: string, expected: string[]) => {
    const deadline = Date.now() + 15_000;
    let got = await ids(query);
    while (JSON.stringify(got.sort()) !== JSON.stringify([...expected].sort()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      got = await ids(query);
    }
    expect(got.sort()).toEqual([...expected].sort());
  };

  it('status, session, user and expiry follow the booking', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const buyer = await stack.newCustomer();
    const hold = (i: number) =>
      stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds: [seats[i]!.seatId] } });
    const [a, b] = [await hold(0), await hold(1)];
    const wf = (r: { id: string }) => `booking-${r.id}`;

    await eventually(`BookingStatus = "active" AND BookingSessionId = "${sessionId}"`, [wf(a), wf(b)]);
    await eventually(`BookingUserId = "${buyer.user.id}"`, [wf(a), wf(b)]);
    await eventually(`BookingSessionId = "${sessionId}" AND BookingExpiresAt > "${new Date().toISOString()}"`, [wf(a), wf(b)]);

    await stack.api.expect(200, 'POST', `/api/v1/reservations/${a.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } });
    await stack.api.expect(200, 'DELETE', `/api/v1/reservations/${b.id}`, { token: buyer.token });
    await eventually(`BookingStatus = "confirmed" AND BookingSessionId = "${sessionId}"`, [wf(a)]);
    await eventually(`BookingStatus = "cancelled" AND BookingSessionId = "${sessionId}"`, [wf(b)]);
    await eventually(`BookingStatus = "active" AND BookingSessionId = "${sessionId}"`, []);
  });
});
