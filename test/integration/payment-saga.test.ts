import { randomUUID } from 'node:crypto';
import { bookingWorkflowId } from '../../contracts/booking-workflow';
import { signWebhook } from '../../services/shared/webhook-signature';
import { keepHistory } from '../support/histories';
import { smallSession } from '../support/catalog';
import { eventually } from '../support/eventually';
import { startStack, type Stack } from '../support/stack';

type Buyer = Awaited<ReturnType<Stack['newCustomer']>>;

/**
 * The payment saga on the real stack (provider, webhooks, workflow): whatever
 * the provider does, seats, charges and tickets end consistent — every
 * successful charge ends in tickets or in a refund.
 */
async function ledger(stack: Stack, reservationId: string) {
  const q = async (sql: string) => (await stack.pool.query(sql, [reservationId])).rows;
  return {
    reservation: (await q('SELECT status FROM booking.reservations WHERE id = $1'))[0]?.status as string | undefined,
    charges: await q(`SELECT id, status, refunded_at IS NOT NULL AS refunded FROM payment.charges WHERE reference = $1::text ORDER BY created_at`),
    refunds: (await q(`SELECT count(*)::int AS n FROM payment.refunds r JOIN payment.charges c ON c.id = r.charge_id WHERE c.reference = $1::text`))[0].n as number,
    validTickets: (await q(`SELECT count(*)::int AS n FROM booking.tickets WHERE reservation_id = $1 AND status = 'valid'`))[0].n as number,
    seats: (await q('SELECT status FROM catalog.session_seats WHERE reservation_id = $1')).map((r) => r.status as string),
  };
}

/** The invariant: a charge that stands has tickets for every seat, and a booking without tickets has no charge that stands. */
function expectConsistent(l: Awaited<ReturnType<typeof ledger>>, seatCount: number) {
  const standing = l.charges.filter((c) => c.status === 'succeeded' && !c.refunded);
  if (l.reservation === 'confirmed') {
    expect(standing).toHaveLength(1);
    expect(l.validTickets).toBe(seatCount);
    expect(l.seats).toEqual(Array(seatCount).fill('sold'));
  } else {
    expect(standing).toHaveLength(0);
    expect(l.validTickets).toBe(0);
  }
}

describe('payment saga', () => {
  describe('while the hold lasts', () => {
    let stack: Stack;
    let sessionSeats: Awaited<ReturnType<typeof smallSession>>;
    let next = 0;
    beforeAll(async () => {
      stack = await startStack({
        holdTtlSeconds: 60,
        env: {
          payment: { PAYMENT_SLOW_MS: '2500', PAYMENT_ERROR_ATTEMPTS: '2' },
          booking: { PAYMENT_WAIT_SECONDS: '1' },
          notification: { NOTIFY_RETRY_BASE_MS: '300', NOTIFY_POLL_MS: '200' },
        },
      });
      sessionSeats = await smallSession(stack.api, (await stack.newUserWithRole('organizer')).token);
    });
    afterAll(() => stack.close());

    async function hold(count = 1): Promise<{ buyer: Buyer; id: string }> {
      const buyer = await stack.newCustomer();
      const seatIds = sessionSeats.seats.slice(next, next + count).map((s) => s.seatId);
      next += count;
      const r = await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId: sessionSeats.sessionId, seatIds } });
      return { buyer, id: r.id };
    }
    const confirm = (b: { buyer: Buyer; id: string }, paymentToken: string) =>
      stack.api.call('POST', `/api/v1/reservations/${b.id}/confirm`, { token: b.buyer.token, body: { paymentToken } });

    it('declined: 402, the hold stays, another card then succeeds with one charge', async () => {
      const b = await hold(2);
      const declined = await confirm(b, 'tok_declined');
      expect(declined.status).toBe(402);
      expect(declined.body.code).toBe('PAYMENT_DECLINED');
      let l = await ledger(stack, b.id);
      expect(l.reservation).toBe('active');
      expect(l.seats).toEqual(['held', 'held']);
      expectConsistent(l, 2);

      expect((await confirm(b, 'tok_visa')).status).toBe(200);
      l = await ledger(stack, b.id);
      expect(l.charges.map((c) => c.status)).toEqual(['declined', 'succeeded']);
      expectConsistent(l, 2);
    });

    it('transient provider errors are retried with backoff: one charge, tickets issued', async () => {
      const b = await hold();
      const res = await confirm(b, 'tok_error');
      expect(res.status).toBe(200);
      expect(res.body.tickets).toHaveLength(1);
      const l = await ledger(stack, b.id);
      expect(l.charges).toHaveLength(1);
      expectConsistent(l, 1);
      // Two failed attempts and the one that went through, all under one idempotency key.
      const { rows } = await stack.pool.query('SELECT failures FROM payment.transient_failures WHERE idempotency_key = $1', [`${b.id}:1`]);
      expect(rows[0].failures).toBe(3);
    });

    it('slow past the bounded wait: 202 pending, then the webhook completes the booking', async () => {
      const b = await hold();
      const res = await confirm(b, 'tok_slow');
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ id: b.id, status: 'active', payment: { status: 'processing' } });
      // A second confirm while the payment processes charges nothing new.
      expect((await confirm(b, 'tok_visa')).status).toBe(202);
      // Nor can the buyer cancel money in flight.
      expect((await stack.api.call('DELETE', `/api/v1/reservations/${b.id}`, { token: b.buyer.token })).status).toBe(409);
      await eventually(async () => expect((await ledger(stack, b.id)).reservation).toBe('confirmed'));
      const l = await ledger(stack, b.id);
      expect(l.charges).toHaveLength(1);
      expectConsistent(l, 1);
      const again = await confirm(b, 'tok_visa');
      expect(again.status).toBe(200);
      expect(again.body.tickets).toHaveLength(1);
      await keepHistory('booking-slow-payment.json', stack.temporal.workflow.getHandle(bookingWorkflowId(b.id)));
    });

    it('confirming twice at once charges once and issues one set of tickets', async () => {
      const b = await hold(2);
      const answers = await Promise.all([confirm(b, 'tok_visa'), confirm(b, 'tok_visa'), confirm(b, 'tok_visa')]);
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
      // The others were told a payment is in progress, or got the same confirmation.
      for (const a of answers) expect([200, 409]).toContain(a.status);
      await eventually(async () => expect((await ledger(stack, b.id)).reservation).toBe('confirmed'));
      const l = await ledger(stack, b.id);
      expect(l.charges).toHaveLength(1);
      expectConsistent(l, 2);
      const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM booking.tickets WHERE reservation_id = $1', [b.id]);
      expect(rows[0].n).toBe(2);
    });

    it('a webhook delivered twice (and a forged one) changes nothing: one charge, one set of tickets', async () => {
      const b = await hold();
      expect((await confirm(b, 'tok_slow')).status).toBe(202);
      await eventually(async () => expect((await ledger(stack, b.id)).reservation).toBe('confirmed'));
      const [charge] = (await ledger(stack, b.id)).charges;
      const body = JSON.stringify({ id: randomUUID(), type: 'payment_intent.succeeded', intent: { id: charge.id, reference: b.id, status: 'succeeded' } });
      const deliver = (signature: string) =>
        fetch(`${stack.urls.booking}/webhooks/payments`, { method: 'POST', headers: { 'content-type': 'application/json', 'payment-signature': signature }, body });
      expect((await deliver(signWebhook(stack.secrets.paymentWebhookSecret, body))).status).toBe(204);
      expect((await deliver(signWebhook(stack.secrets.paymentWebhookSecret, body))).status).toBe(204);
      expect((await deliver(signWebhook('not-the-secret-at-all', body))).status).toBe(401);
      expect((await deliver(signWebhook(stack.secrets.paymentWebhookSecret, body, Date.now() - 3_600_000))).status).toBe(401);
      const l = await ledger(stack, b.id);
      expect(l.charges).toHaveLength(1);
      const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM booking.tickets WHERE reservation_id = $1', [b.id]);
      expect(rows[0].n).toBe(1);
      expectConsistent(l, 1);
    });

    it('emails the buyer a confirmation with the PDF tickets attached', async () => {
      const b = await hold(2);
      expect((await confirm(b, 'tok_visa')).status).toBe(200);
      const mail = await eventually(async () => {
        const res = await fetch(`${stack.mailSink.url}/api/messages?to=${encodeURIComponent(b.buyer.user.email)}`);
        const { items } = (await res.json()) as { items: { subject: string; attachments: { filename: string; contentType: string }[] }[] };
        expect(items).toHaveLength(1);
        return items[0]!;
      });
      expect(mail.attachments).toEqual([expect.objectContaining({ contentType: 'application/pdf' })]);
    });

    it('with the mail server down the booking still confirms, and the email is retried until it is delivered', async () => {
      await stack.stopMailSink();
      let restarted = false;
      try {
        const b = await hold();
        const res = await confirm(b, 'tok_visa');
        expect(res.status).toBe(200);
        expect(res.body.tickets).toHaveLength(1);
        const log = async () =>
          (
            (await (
              await fetch(`${stack.urls.notification}/internal/notifications?reservationId=${b.id}`, { headers: { 'x-service-token': stack.secrets.serviceToken } })
            ).json()) as { items: { kind: string; status: string; attempts: number; lastError: string | null }[] }
          ).items.find((m) => m.kind === 'confirmed');
        // Delivery failed at least once and is queued for another try.
        await eventually(async () => expect(await log()).toMatchObject({ status: 'queued', attempts: expect.any(Number), lastError: expect.any(String) }));
        expect((await log())!.attempts).toBeGreaterThanOrEqual(1);
        await stack.startMailSink();
        restarted = true;
        await eventually(async () => expect(await log()).toMatchObject({ status: 'sent' }), 20_000);
        const res2 = await fetch(`${stack.mailSink.url}/api/messages?to=${encodeURIComponent(b.buyer.user.email)}`);
        expect(((await res2.json()) as { items: unknown[] }).items).toHaveLength(1);
      } finally {
        if (!restarted) await stack.startMailSink();
      }
    });
  });

  describe('after the hold has ended', () => {
    let stack: Stack;
    let sessionSeats: Awaited<ReturnType<typeof smallSession>>;
    let next = 0;
    beforeAll(async () => {
      // The payment settles 5 s after it starts; the hold lasts 3 s.
      stack = await startStack({ holdTtlSeconds: 3, env: { payment: { PAYMENT_SLOW_MS: '5000' }, booking: { PAYMENT_WAIT_SECONDS: '1' } } });
      sessionSeats = await smallSession(stack.api, (await stack.newUserWithRole('organizer')).token);
    });
    afterAll(() => stack.close());

    async function slowPayment(seatIds: string[]) {
      const buyer = await stack.newCustomer();
      const r = await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId: sessionSeats.sessionId, seatIds } });
      const res = await stack.api.call('POST', `/api/v1/reservations/${r.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_slow' } });
      expect(res.status).toBe(202);
      return r.id as string;
    }

    it('a late success whose seats are still free ends in a sale', async () => {
      const seatIds = [sessionSeats.seats[next++]!.seatId];
      const id = await slowPayment(seatIds);
      // The hold ends on time: the seat is released while the money is in flight.
      await eventually(async () => expect((await ledger(stack, id)).seats).toEqual([]), 6_000);
      await eventually(async () => expect((await ledger(stack, id)).reservation).toBe('confirmed'), 15_000);
      const l = await ledger(stack, id);
      expect(l.refunds).toBe(0);
      expectConsistent(l, 1);
      await keepHistory('booking-late-payment-sold.json', stack.temporal.workflow.getHandle(bookingWorkflowId(id)));
    });

    it('a late success whose seats were taken meanwhile ends in a refund, never in a charge without a ticket', async () => {
      const seat = sessionSeats.seats[next++]!.seatId;
      const id = await slowPayment([seat]);
      // Someone else buys the released seat before the late money arrives.
      const rival = await stack.newCustomer();
      const taken = await eventually(
        () => stack.api.expect(201, 'POST', '/api/v1/reservations', { token: rival.token, body: { sessionId: sessionSeats.sessionId, seatIds: [seat] } }),
        6_000,
      );
      await stack.api.expect(200, 'POST', `/api/v1/reservations/${taken.id}/confirm`, { token: rival.token, body: { paymentToken: 'tok_visa' } });
      await eventually(async () => expect((await ledger(stack, id)).reservation).toBe('expired'), 15_000);
      await eventually(async () => expect((await ledger(stack, id)).refunds).toBe(1));
      const l = await ledger(stack, id);
      expect(l.charges).toEqual([expect.objectContaining({ status: 'succeeded', refunded: true })]);
      expectConsistent(l, 1);
      const rivals = await ledger(stack, taken.id);
      expectConsistent(rivals, 1);
      expect(rivals.reservation).toBe('confirmed');
      await keepHistory('booking-late-payment-refunded.json', stack.temporal.workflow.getHandle(bookingWorkflowId(id)));
    });
  });
});
