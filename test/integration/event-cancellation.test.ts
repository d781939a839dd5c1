import { WorkflowFailedError } from '@temporalio/client';
import { refundWorkflowId } from '../../contracts/booking-workflow';
import { smallSession } from '../support/catalog';
import { eventually } from '../support/eventually';
import { stackWithFaultyPath, type FaultProxy } from '../support/fault-proxy';
import { keepHistory } from '../support/histories';
import type { Stack } from '../support/stack';

// An organizer cancels an event: every confirmed booking is refunded exactly
// once and its tickets voided, by workflows that can be interrupted and run again,
// and the refunds start even if booking cannot be reached when the cancel commits.
describe('event cancellation', () => {
  let stack: Stack;
  /** Between the catalog and booking: the path a cancellation asks for its refunds on. */
  let catalogToBooking: FaultProxy;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ stack, path: catalogToBooking, close } = await stackWithFaultyPath('catalog', 'booking'));
  });
  afterAll(() => close());

  async function eventWithBookings(confirmed: number) {
    const organizer = await stack.newUserWithRole('organizer');
    const session = await smallSession(stack.api, organizer.token);
    const bookings: { id: string; token: string; userId: string; tickets: { id: string; code: string }[] }[] = [];
    for (let i = 0; i < confirmed; i++) {
      const buyer = await stack.newCustomer();
      const seatIds = session.seats.slice(i * 2, i * 2 + 2).map((s) => s.seatId);
      const r = await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId: session.sessionId, seatIds } });
      const c = await stack.api.expect(200, 'POST', `/api/v1/reservations/${r.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } });
      bookings.push({ id: r.id, token: buyer.token, userId: buyer.user.id, tickets: c.tickets });
    }
    return { organizer, session, bookings };
  }

  const refundsOf = async (reservationId: string) =>
    (
      await stack.pool.query(
        `SELECT count(r.id)::int AS refunds, bool_and(c.refunded_at IS NOT NULL) AS refunded
         FROM payment.charges c LEFT JOIN payment.refunds r ON r.charge_id = c.id
         WHERE c.reference = $1 AND c.status = 'succeeded'`,
        [reservationId],
      )
    ).rows[0] as { refunds: number; refunded: boolean };

  async function expectRefundedOnce(b: { id: string; token: string }) {
    expect(await refundsOf(b.id)).toEqual({ refunds: 1, refunded: true });
    const read = await stack.api.expect(200, 'GET', `/api/v1/reservations/${b.id}`, { token: b.token });
    expect(read.status).toBe('refunded');
    const { rows } = await stack.pool.query('SELECT status, void_reason FROM booking.tickets WHERE reservation_id = $1', [b.id]);
    expect(rows).toEqual(rows.map(() => ({ status: 'void', void_reason: 'event cancelled' })));
    expect(rows.length).toBeGreaterThan(0);
  }

  it('refunds every confirmed booking once, voids its tickets, refuses them at the door, and refunds a payment that lands after', async () => {
    const { organizer, session, bookings } = await eventWithBookings(3);
    // A buyer still holding seats when the event is cancelled.
    const late = await stack.newCustomer();
    const hold = await stack.api.expect(201, 'POST', '/api/v1/reservations', {
      token: late.token,
      body: { sessionId: session.sessionId, seatIds: [session.seats[20]!.seatId] },
    });

    const cancelled = await stack.api.expect(200, 'POST', `/api/v1/events/${session.eventId}/cancel`, { token: organizer.token });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.refunds).toEqual({ workflowId: `event-cancellation-${session.eventId}`, started: true });
    expect(await stack.temporal.workflow.getHandle(cancelled.refunds.workflowId).result()).toEqual({ refunded: 3 });
    for (const b of bookings) await expectRefundedOnce(b);
    await keepHistory('refund.json', stack.temporal.workflow.getHandle(refundWorkflowId(bookings[0]!.id)));
    await keepHistory('event-cancellation.json', stack.temporal.workflow.getHandle(cancelled.refunds.workflowId));
    // An operator finds each refund in Temporal by status, session and buyer (the booking's own workflow closed as confirmed).
    for (const b of bookings) {
      const query = `WorkflowId = "${refundWorkflowId(b.id)}" AND BookingStatus = "refunded" AND BookingSessionId = "${session.sessionId}" AND BookingUserId = "${b.userId}"`;
      await eventually(async () => expect((await stack.temporal.workflow.count(query)).count).toBe(1));
    }

    // The hold's payment goes through after the cancellation: nothing is sold, the money goes back.
    const confirm = await stack.api.call('POST', `/api/v1/reservations/${hold.id}/confirm`, { token: late.token, body: { paymentToken: 'tok_visa' } });
    expect(confirm.status).toBe(409);
    await eventually(async () => expect(await refundsOf(hold.id)).toEqual({ refunds: 1, refunded: true }));

    // Door staff refuse a refunded ticket.
    const staff = await stack.newUserWithRole('staff');
    const scan = await stack.api.call('POST', '/api/v1/checkin', { token: staff.token, body: { code: bookings[0]!.tickets[0]!.code, door: 'North' } });
    expect(scan.status).toBe(422);
    expect(scan.body.code).toBe('INVALID_TICKET');

    // Buyers are told: a 'refunded' email per booking.
    const notification = (id: string) =>
      fetch(`${stack.urls.notification}/internal/notifications?reservationId=${id}`, { headers: { 'x-service-token': stack.secrets.serviceToken } }).then(
        (r) => r.json() as Promise<{ items: { kind: string }[] }>,
      );
    await eventually(async () => expect((await notification(bookings[1]!.id)).items.map((m) => m.kind)).toContain('refunded'));

    // Cancelling again runs the refunds again: nothing is refunded twice.
    const again = await stack.api.expect(200, 'POST', `/api/v1/events/${session.eventId}/cancel`, { token: organizer.token });
    expect(await stack.temporal.workflow.getHandle(again.refunds.workflowId).result()).toEqual({ refunded: 0 });
    for (const b of bookings) await expectRefundedOnce(b);
  });

  it('an interrupted refund run, run again, refunds the rest and nothing twice', async () => {
    const { organizer, session, bookings } = await eventWithBookings(3);
    // One confirmation has not landed in the read model yet: its refund waits for it.
    const [stuck, ...others] = bookings;
    await stack.pool.query(`UPDATE booking.reservations SET status = 'active' WHERE id = $1`, [stuck!.id]);

    const first = await stack.api.expect(200, 'POST', `/api/v1/events/${session.eventId}/cancel`, { token: organizer.token });
    // The other two refunds run to completion before the interruption.
    await eventually(async () => {
      for (const b of others) expect(await refundsOf(b.id)).toEqual({ refunds: 1, refunded: true });
    }, 20_000);
    for (const b of others) expect(await stack.temporal.workflow.getHandle(`refund-${b.id}`).result()).toEqual({ refundedNow: true });
    // The run is interrupted (an operator terminates it; its pending refund is cut short with it).
    const run = stack.temporal.workflow.getHandle(first.refunds.workflowId);
    await run.terminate('interrupted by the test');
    await expect(run.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(await refundsOf(stuck!.id)).toEqual({ refunds: 0, refunded: false });

    await stack.pool.query(`UPDATE booking.reservations SET status = 'confirmed' WHERE id = $1`, [stuck!.id]);
    const second = await stack.api.expect(200, 'POST', `/api/v1/events/${session.eventId}/cancel`, { token: organizer.token });
    expect(await stack.temporal.workflow.getHandle(second.refunds.workflowId).result()).toEqual({ refunded: 1 });
    for (const b of bookings) await expectRefundedOnce(b);
  });

  it('with booking unreachable, the cancel answers 200 and every booking is refunded once booking is back', async () => {
    const { organizer, session, bookings } = await eventWithBookings(2);
    const pendingRuns = async () =>
      (
        await stack.pool.query(`SELECT attempts FROM catalog.outbox WHERE queue = $1 AND topic = 'event-cancellation' AND payload->>'eventId' = $2`, [
          stack.taskQueue,
          session.eventId,
        ])
      ).rows as { attempts: number }[];

    await catalogToBooking.down();
    const cancelled = await stack.api.expect(200, 'POST', `/api/v1/events/${session.eventId}/cancel`, { token: organizer.token });
    expect(cancelled).toMatchObject({ status: 'cancelled', refunds: { workflowId: `event-cancellation-${session.eventId}`, started: false } });
    // The cancellation committed with its request for refunds, which waits for booking (tried once already).
    expect((await stack.api.expect(200, 'GET', `/api/v1/events/${session.eventId}`, { token: organizer.token })).status).toBe('cancelled');
    expect(await pendingRuns()).toEqual([{ attempts: 1 }]);
    // While booking is away the relay keeps asking, with backoff; nothing is refunded yet.
    await eventually(async () => expect((await pendingRuns())[0]!.attempts).toBeGreaterThanOrEqual(2), 5_000);
    for (const b of bookings) expect(await refundsOf(b.id)).toEqual({ refunds: 0, refunded: false });

    await catalogToBooking.up();
    await eventually(async () => expect(await pendingRuns()).toEqual([]), 20_000);
    expect(await stack.temporal.workflow.getHandle(cancelled.refunds.workflowId).result()).toEqual({ refunded: 2 });
    for (const b of bookings) await expectRefundedOnce(b);

    // The audit log tells who cancelled, and each refund as the system's, on that organizer's behalf.
    const audit = (action: string, subjectId: string) =>
      stack.api.expect(200, 'GET', `/api/v1/admin/audit-log?action=${action}&subjectId=${subjectId}`, { token: stack.admin.token });
    await eventually(async () => expect((await audit('event.cancelled', session.eventId)).items).toEqual([
      expect.objectContaining({ actorId: organizer.user.id, subjectId: session.eventId }),
    ]));
    for (const b of bookings) {
      await eventually(async () => expect((await audit('booking.refunded', b.id)).items).toEqual([
        expect.objectContaining({
          actorId: organizer.user.id,
          subjectId: b.id,
          details: expect.objectContaining({ by: 'system', eventId: session.eventId, reason: 'event cancelled', userId: b.userId }),
        }),
      ]));
    }
  });
});
