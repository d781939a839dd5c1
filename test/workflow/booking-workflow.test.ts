import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { createBookingActivities } from '../../activities/booking';
import { cancelUpdate, confirmUpdate, holdUpdate, stateQuery } from '../../contracts/booking-workflow';
import { authClient, bookingClient, catalogClient, notificationClient, paymentClient } from '../../contracts/clients';
import { createServiceClient } from '../../services/shared/service-client';
import { BookingWorkflow } from '../../workflows/booking';
import { testInfra } from '../infra-env';
import { smallSession } from '../support/catalog';
import { gaSession } from '../support/general-admission';
import { keepHistory } from '../support/histories';
import { startStack, WORKFLOW_BUNDLE, type Stack } from '../support/stack';

const HOLD_TTL_MS = 10 * 60_000;

// The workflow on the time-skipping server, with its real activities against
// the real services and PostgreSQL: ten minutes pass in a moment.
describe('BookingWorkflow (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  let stack: Stack;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let activities: ReturnType<typeof createBookingActivities>;
  /** When set, replaces createPaymentIntent: lets a test lose the provider's answer. */
  let chargeFault: typeof activities.createPaymentIntent | undefined;
  /** When set, replaces holdAndRecord: lets a test lose an attempt's answer. */
  let holdFault: typeof activities.holdAndRecord | undefined;
  let realHoldAndRecord: typeof activities.holdAndRecord;
  let session: Awaited<ReturnType<typeof smallSession>>;
  let standing: Awaited<ReturnType<typeof gaSession>>;
  let userId: string;
  const taskQueue = `booking-ts-${randomUUID()}`;

  async function startWorker() {
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: WORKFLOW_BUNDLE },
      activities,
      // No sticky cache: a workflow moves to a new worker at once after a stop.
      maxCachedWorkflows: 0,
    });
    running = worker.run();
  }
  async function stopWorker() {
    worker?.shutdown();
    await running;
    worker = undefined;
  }

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: testInfra().testServerPath } },
    });
    stack = await startStack({ worker: false });
    const organizer = await stack.newUserWithRole('organizer');
    session = await smallSession(stack.api, organizer.token);
    standing = await gaSession(stack.api, organizer.token, 5);
    userId = (await stack.newCustomer()).user.id;
    const client = (name: 'catalog' | 'booking' | 'payment' | 'notification' | 'auth') => createServiceClient(stack.urls[name], stack.secrets.serviceToken);
    const real = createBookingActivities({
      catalog: catalogClient(client('catalog')),
      booking: bookingClient(client('booking')),
      payment: paymentClient(client('payment')),
      notification: notificationClient(client('notification')),
      auth: authClient(client('auth')),
    });
    activities = {
      ...real,
      createPaymentIntent: (a) => (chargeFault ?? real.createPaymentIntent)(a),
      holdAndRecord: (a) => (holdFault ?? real.holdAndRecord)(a),
    };
    realHoldAndRecord = real.holdAndRecord;
    await startWorker();
  }, 120_000);

  afterAll(async () => {
    await stopWorker();
    await stack?.close();
    await env?.teardown();
  });

  let next = 0;
  async function book(seatCount = 1) {
    const seatIds = session.seats.slice(next, next + seatCount).map((s) => s.seatId);
    next += seatCount;
    const reservationId = randomUUID();
    const handle = await env.client.workflow.start(BookingWorkflow, {
      taskQueue,
      workflowId: `booking-${reservationId}`,
      args: [{ reservationId, userId, sessionId: session.sessionId, seatIds, holdTtlMs: HOLD_TTL_MS, searchAttributes: false }],
    });
    const hold = await handle.executeUpdate(holdUpdate);
    if (!hold.ok) throw new Error(`hold failed: ${JSON.stringify(hold)}`);
    return { handle, reservationId, seatIds, reservation: hold.reservation };
  }

  const seatRows = async (seatIds: string[]) =>
    (
      await stack.pool.query('SELECT status, reservation_id FROM catalog.session_seats WHERE session_id = $1 AND seat_id = ANY($2::uuid[])', [
        session.sessionId,
        seatIds,
      ])
    ).rows;

  const failureType = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return (cause as ApplicationFailure).type;
  };

  const keepBookingHistory = (name: string, handle: WorkflowHandle) => keepHistory(`booking-${name}.json`, handle);

  it('holds for exactly HOLD_TTL = 10 minutes, then expires and releases the seats', async () => {
    const { handle, seatIds, reservation } = await book(2);
    expect(Date.parse(reservation.expiresAt) - Date.parse(reservation.createdAt)).toBe(HOLD_TTL_MS);

    await env.sleep(HOLD_TTL_MS - 1_000);
    expect((await handle.query(stateQuery)).phase).toBe('active');
    expect(await seatRows(seatIds)).toEqual(seatIds.map(() => ({ status: 'held', reservation_id: reservation.id })));

    const final = await handle.result();
    expect(final.phase).toBe('expired');
    expect(await seatRows(seatIds)).toEqual(seatIds.map(() => ({ status: 'available', reservation_id: null })));
    const read = await stack.pool.query('SELECT status FROM booking.reservations WHERE id = $1', [reservation.id]);
    expect(read.rows[0].status).toBe('expired');

    // The timer fired exactly HOLD_TTL after the workflow started.
    const history = await handle.fetchHistory();
    const started = history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!;
    const fired = history.events!.find((e) => e.timerFiredEventAttributes)!;
    const ms = (e: typeof started) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
    expect(ms(fired) - ms(started)).toBeGreaterThanOrEqual(HOLD_TTL_MS);
    expect(ms(fired) - ms(started)).toBeLessThan(HOLD_TTL_MS + 1_000);
    await keepBookingHistory('expired', handle);
  });

  it('confirm before expiry charges, sells the seats and issues tickets', async () => {
    const { handle, seatIds, reservation } = await book(2);
    await env.sleep(5 * 60_000);
    const { reservation: confirmed, tickets } = await handle.executeUpdate(confirmUpdate, { args: [{ paymentToken: 'tok_visa' }] });
    expect(confirmed.status).toBe('confirmed');
    expect(tickets.map((t) => t.seat.seatId).sort()).toEqual([...seatIds].sort());
    expect((await handle.result()).phase).toBe('confirmed');
    expect(await seatRows(seatIds)).toEqual(seatIds.map(() => ({ status: 'sold', reservation_id: reservation.id })));
    const charges = await stack.pool.query(`SELECT amount::text, status FROM payment.charges WHERE reference = $1`, [reservation.id]);
    expect(charges.rows).toEqual([{ amount: reservation.total.amount, status: 'succeeded' }]);
    await keepBookingHistory('confirmed', handle);
  });

  it('confirm after expiry is refused with RESERVATION_EXPIRED and charges nothing', async () => {
    const { handle, seatIds, reservation } = await book(1);
    // No worker while the hold ends: the timer and a late confirm reach the workflow together.
    await stopWorker();
    await env.sleep(HOLD_TTL_MS + 1_000);
    const late = handle.executeUpdate(confirmUpdate, { args: [{ paymentToken: 'tok_visa' }] });
    await startWorker();
    expect(await failureType(late)).toBe('RESERVATION_EXPIRED');
    expect((await handle.result()).phase).toBe('expired');
    expect(await seatRows(seatIds)).toEqual([{ status: 'available', reservation_id: null }]);
    const charges = await stack.pool.query('SELECT 1 FROM payment.charges WHERE reference = $1', [reservation.id]);
    expect(charges.rowCount).toBe(0);
    await keepBookingHistory('late-confirm-refused', handle);
  });

  it('a confirm retried after a lost charge answer reuses the charge: one charge, one set of tickets', async () => {
    const { handle, reservation } = await book(1);
    const keys: string[] = [];
    chargeFault = async (a) => {
      keys.push(a.idempotencyKey);
      await paymentClient(createServiceClient(stack.urls.payment, stack.secrets.serviceToken)).createIntent({
        idempotencyKey: a.idempotencyKey,
        reference: a.reservationId,
        amount: a.amount,
        token: a.token,
      });
      throw new Error('connection reset after the provider charged');
    };
    try {
      await expect(handle.executeUpdate(confirmUpdate, { args: [{ paymentToken: 'tok_visa' }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    } finally {
      chargeFault = undefined;
    }
    expect((await handle.query(stateQuery)).phase).toBe('active');
    const { tickets } = await handle.executeUpdate(confirmUpdate, { args: [{ paymentToken: 'tok_visa' }] });
    expect(tickets).toHaveLength(1);
    expect(keys.length).toBeGreaterThan(1); // the activity was retried
    const charges = await stack.pool.query('SELECT idempotency_key FROM payment.charges WHERE reference = $1', [reservation.id]);
    expect(charges.rows).toEqual([{ idempotency_key: keys[0] }]);
  });

  it('a declined payment keeps the hold until it expires', async () => {
    const { handle, seatIds, reservation } = await book(1);
    expect(await failureType(handle.executeUpdate(confirmUpdate, { args: [{ paymentToken: 'tok_declined' }] }))).toBe('PAYMENT_DECLINED');
    const state = await handle.query(stateQuery);
    expect(state).toMatchObject({ phase: 'active', declinedPayments: 1, confirming: false });
    expect(await seatRows(seatIds)).toEqual([{ status: 'held', reservation_id: reservation.id }]);
    expect((await handle.result()).phase).toBe('expired');
    expect(await seatRows(seatIds)).toEqual([{ status: 'available', reservation_id: null }]);
    await keepBookingHistory('declined-then-expired', handle);
  });

  it('cancel releases the seats at once', async () => {
    const { handle, seatIds } = await book(2);
    const cancelled = await handle.executeUpdate(cancelUpdate);
    expect(cancelled.status).toBe('cancelled');
    expect(await seatRows(seatIds)).toEqual(seatIds.map(() => ({ status: 'available', reservation_id: null })));
    expect((await handle.result()).phase).toBe('cancelled');
    await keepBookingHistory('cancelled', handle);
  });

  it('a payment the workflow never saw (its confirm lost with its worker) ends the booking as a late payment does: a sale while the seats are its own, else a refund', async () => {
    // What a worker killed while the confirm's charge ran leaves: a charge under the booking's first
    // idempotency key, and no trace of the confirm in the workflow's history.
    const chargeBehindItsBack = (r: { id: string; total: { amount: string; currency: string } }) =>
      paymentClient(createServiceClient(stack.urls.payment, stack.secrets.serviceToken)).createIntent({ idempotencyKey: `${r.id}:1`, reference: r.id, amount: r.total, token: 'tok_visa' });
    const charges = async (id: string) => (await stack.pool.query('SELECT refunded_at IS NOT NULL AS refunded FROM payment.charges WHERE reference = $1', [id])).rows;
    const validTickets = async (id: string) => Number((await stack.pool.query(`SELECT count(*) FROM booking.tickets WHERE reservation_id = $1 AND status = 'valid'`, [id])).rows[0].count);

    // The hold ends: the seat is still its own (a lapsed hold nobody took), so the payment buys it.
    const sold = await book(1);
    await chargeBehindItsBack(sold.reservation);
    expect((await sold.handle.result()).phase).toBe('confirmed');
    expect(await seatRows(sold.seatIds)).toEqual([{ status: 'sold', reservation_id: sold.reservationId }]);
    expect(await charges(sold.reservationId)).toEqual([{ refunded: false }]);
    expect(await validTickets(sold.reservationId)).toBe(1);
    await keepBookingHistory('unseen-payment-sold', sold.handle);

    // A cancel asked of a paid booking is refused: it is confirmed.
    const kept = await book(1);
    await chargeBehindItsBack(kept.reservation);
    expect(await failureType(kept.handle.executeUpdate(cancelUpdate))).toBe('RESERVATION_CONFIRMED');
    expect((await kept.handle.result()).phase).toBe('confirmed');
    expect(await charges(kept.reservationId)).toEqual([{ refunded: false }]);
    await keepBookingHistory('unseen-payment-cancel-refused', kept.handle);

    // Another buyer has the seat by the time the hold ends: the payment is refunded.
    const lost = await book(1);
    await chargeBehindItsBack(lost.reservation);
    const catalog = catalogClient(createServiceClient(stack.urls.catalog, stack.secrets.serviceToken));
    await catalog.releaseSeats(session.sessionId, lost.reservationId);
    await catalog.holdSeats(session.sessionId, { reservationId: randomUUID(), seatIds: lost.seatIds, heldUntil: new Date(Date.now() + 2 * HOLD_TTL_MS).toISOString() });
    expect((await lost.handle.result()).phase).toBe('expired');
    expect(await charges(lost.reservationId)).toEqual([{ refunded: true }]);
    expect(await validTickets(lost.reservationId)).toBe(0);
    await keepBookingHistory('unseen-payment-refunded', lost.handle);
  });

  it('a hold refused on a retry leaves no reservation behind that an earlier attempt recorded', async () => {
    const [seatId] = session.seats.slice(next, next + 1).map((x) => x.seatId);
    next += 1;
    const reservationId = randomUUID();
    const catalog = catalogClient(createServiceClient(stack.urls.catalog, stack.secrets.serviceToken));
    let attempts = 0;
    holdFault = async (a) => {
      attempts++;
      const held = await realHoldAndRecord(a);
      if (attempts > 1) return held;
      // The first attempt held and recorded, then lost its answer; meanwhile its hold ended and another buyer took the seat.
      expect(held.ok).toBe(true);
      await catalog.releaseSeats(a.sessionId, a.reservationId);
      expect((await catalog.holdSeats(a.sessionId, { reservationId: randomUUID(), seatIds: [seatId!], heldUntil: new Date(Date.now() + HOLD_TTL_MS).toISOString() })).ok).toBe(true);
      throw new Error('the answer was lost');
    };
    try {
      const handle = await env.client.workflow.start(BookingWorkflow, {
        taskQueue,
        workflowId: `booking-${reservationId}`,
        args: [{ reservationId, userId, sessionId: session.sessionId, seatIds: [seatId!], holdTtlMs: HOLD_TTL_MS, searchAttributes: false }],
      });
      expect(await handle.executeUpdate(holdUpdate)).toEqual({ ok: false, code: 'SEAT_UNAVAILABLE', unavailable: [seatId] });
      expect((await handle.result()).phase).toBe('rejected');
    } finally {
      holdFault = undefined;
    }
    // (A workflow task that is replayed runs its local activities again: two attempts or more.)
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect((await stack.pool.query('SELECT status FROM booking.reservations WHERE id = $1', [reservationId])).rows).toEqual([]);
  });

  it('general admission: the hold picks the places, confirm sells exactly those and issues a ticket per place', async () => {
    const reservationId = randomUUID();
    const handle = await env.client.workflow.start(BookingWorkflow, {
      taskQueue,
      workflowId: `booking-${reservationId}`,
      args: [
        {
          reservationId,
          userId,
          sessionId: standing.sessionId,
          seatIds: [],
          generalAdmission: { area: 'Floor', quantity: 3 },
          holdTtlMs: HOLD_TTL_MS,
          searchAttributes: false,
        },
      ],
    });
    const hold = await handle.executeUpdate(holdUpdate);
    if (!hold.ok) throw new Error(`hold failed: ${JSON.stringify(hold)}`);
    const places = hold.reservation.seats;
    expect(places).toHaveLength(3);
    expect(places.every((p) => p.section === 'Floor' && p.row === 'GA' && p.tier === 'Standing')).toBe(true);
    expect(new Set(places.map((p) => p.number)).size).toBe(3);
    expect(hold.reservation.total).toEqual({ amount: '75.00', currency: 'EUR' });
    const ids = places.map((p) => p.seatId);
    const rowsOf = async () =>
      (
        await stack.pool.query('SELECT status, reservation_id FROM catalog.session_seats WHERE session_id = $1 AND seat_id = ANY($2::uuid[])', [
          standing.sessionId,
          ids,
        ])
      ).rows;
    expect(await rowsOf()).toEqual(ids.map(() => ({ status: 'held', reservation_id: reservationId })));

    // Only 2 of 5 places are left: a request for 3 is refused whole.
    const otherId = randomUUID();
    const other = await env.client.workflow.start(BookingWorkflow, {
      taskQueue,
      workflowId: `booking-${otherId}`,
      args: [
        { reservationId: otherId, userId, sessionId: standing.sessionId, seatIds: [], generalAdmission: { area: 'Floor', quantity: 3 }, holdTtlMs: HOLD_TTL_MS, searchAttributes: false },
      ],
    });
    expect(await other.executeUpdate(holdUpdate)).toEqual({ ok: false, code: 'SOLD_OUT', available: 2 });
    // (A query, not result(): awaiting a result lets the test server skip time, which would end the first hold.)
    expect((await other.query(stateQuery)).phase).toBe('rejected');

    await env.sleep(5 * 60_000);
    const { reservation: confirmed, tickets } = await handle.executeUpdate(confirmUpdate, { args: [{ paymentToken: 'tok_visa' }] });
    expect(confirmed.status).toBe('confirmed');
    expect(tickets.map((t) => t.seat.seatId).sort()).toEqual([...ids].sort());
    expect(tickets.every((t) => t.seat.section === 'Floor' && t.seat.row === 'GA')).toBe(true);
    expect((await handle.result()).phase).toBe('confirmed');
    expect(await rowsOf()).toEqual(ids.map(() => ({ status: 'sold', reservation_id: reservationId })));
    await keepBookingHistory('ga-confirmed', handle);
    await keepBookingHistory('hold-refused', other);
  });
});
