import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServiceClient, type ServiceClient } from '../../services/shared/service-client';
import { verifyWebhook } from '../../services/shared/webhook-signature';
import { startStack, type Stack } from '../support/stack';

// The mock provider keeps real semantics: intents, idempotency keys, declines,
// transient errors, slow settlement announced by signed webhooks, refunds.
describe('payment provider', () => {
  let stack: Stack;
  let payment: ServiceClient;
  beforeAll(async () => {
    stack = await startStack({ worker: false, env: { payment: { PAYMENT_SLOW_MS: '300', PAYMENT_ERROR_ATTEMPTS: '2' } } });
    payment = createServiceClient(stack.urls.payment, stack.secrets.serviceToken);
  });
  afterAll(() => stack.close());

  const intent = (key: string, token = 'tok_visa', amount = '10.00', reference = randomUUID()) =>
    payment.request<any>('POST', '/internal/payment-intents', { idempotencyKey: key, reference, amount: { amount, currency: 'EUR' }, token });

  it('creates one intent per idempotency key, even when retried at once', async () => {
    const key = randomUUID();
    const reference = randomUUID();
    const results = await Promise.all([intent(key, 'tok_visa', '10.00', reference), intent(key, 'tok_visa', '10.00', reference), intent(key, 'tok_visa', '10.00', reference)]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results[0].status).toBe('succeeded');
    const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM payment.charges WHERE idempotency_key = $1', [key]);
    expect(rows[0].n).toBe(1);
  });

  it('refuses the same key for a different request', async () => {
    const key = randomUUID();
    const reference = randomUUID();
    await intent(key, 'tok_visa', '10.00', reference);
    await expect(intent(key, 'tok_visa', '11.00', reference)).rejects.toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('declines tok_declined and records the decline', async () => {
    expect(await intent(randomUUID(), 'tok_declined')).toMatchObject({ status: 'declined', declineReason: 'card_declined' });
  });

  it('fails tok_error transiently (twice per key, recording nothing), then succeeds', async () => {
    const key = randomUUID();
    const reference = randomUUID();
    for (let i = 0; i < 2; i++) {
      await expect(intent(key, 'tok_error', '10.00', reference)).rejects.toMatchObject({ status: 503, code: 'PROVIDER_UNAVAILABLE' });
      const { rowCount } = await stack.pool.query('SELECT 1 FROM payment.charges WHERE idempotency_key = $1', [key]);
      expect(rowCount).toBe(0);
    }
    expect(await intent(key, 'tok_error', '10.00', reference)).toMatchObject({ status: 'succeeded' });
  });

  it('answers tok_slow with processing, settles it later and announces it with a signed webhook', async () => {
    const received: { body: string; signature?: string }[] = [];
    // The booking service is the real receiver; this listener stands in for it so the delivery itself can be read.
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body, signature: req.headers['payment-signature'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const receiver = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await stack.pool.query(`UPDATE payment.webhook_deliveries SET delivered_at = now() WHERE delivered_at IS NULL`);
    const own = await startStack({ worker: false, env: { payment: { PAYMENT_SLOW_MS: '300', PAYMENT_WEBHOOK_URL: receiver } } });
    try {
      const client = createServiceClient(own.urls.payment, own.secrets.serviceToken);
      const created = await client.request<any>('POST', '/internal/payment-intents', {
        idempotencyKey: randomUUID(),
        reference: randomUUID(),
        amount: { amount: '25.00', currency: 'EUR' },
        token: 'tok_slow',
      });
      expect(created.status).toBe('processing');
      const deadline = Date.now() + 10_000;
      while (!received.some((r) => r.body.includes(created.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const delivery = received.find((r) => r.body.includes(created.id))!;
      expect(delivery).toBeDefined();
      expect(verifyWebhook(own.secrets.paymentWebhookSecret, delivery.body, delivery.signature)).toBe(true);
      expect(verifyWebhook(own.secrets.paymentWebhookSecret, delivery.body.replace('succeeded', 'declined'), delivery.signature)).toBe(false);
      expect(JSON.parse(delivery.body)).toMatchObject({ type: 'payment_intent.succeeded', intent: { id: created.id, status: 'succeeded' } });
      expect(await client.request<any>('GET', `/internal/payment-intents/${created.id}`)).toMatchObject({ status: 'succeeded' });
    } finally {
      await own.close();
      server.close();
    }
  });

  it('cancels a processing intent so it never takes money; a settled one is returned as it is', async () => {
    const own = await startStack({ worker: false, env: { payment: { PAYMENT_SLOW_MS: '60000' } } });
    try {
      const client = createServiceClient(own.urls.payment, own.secrets.serviceToken);
      const body = () => ({ idempotencyKey: randomUUID(), reference: randomUUID(), amount: { amount: '5.00', currency: 'EUR' }, token: 'tok_slow' });
      const slow = await client.request<any>('POST', '/internal/payment-intents', body());
      expect(await client.request<any>('POST', `/internal/payment-intents/${slow.id}/cancel`)).toMatchObject({ status: 'canceled' });
      const paid = await client.request<any>('POST', '/internal/payment-intents', { ...body(), token: 'tok_visa' });
      expect(await client.request<any>('POST', `/internal/payment-intents/${paid.id}/cancel`)).toMatchObject({ status: 'succeeded' });
    } finally {
      await own.close();
    }
  });

  it('refunds a successful intent once, and never a declined one', async () => {
    const ok = await intent(randomUUID());
    const [first, second] = await Promise.all([
      payment.request<any>('POST', `/internal/payment-intents/${ok.id}/refunds`),
      payment.request<any>('POST', `/internal/payment-intents/${ok.id}/refunds`),
    ]);
    expect(first.refundedAt).not.toBeNull();
    expect(second.refundedAt).toBe(first.refundedAt);
    const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM payment.refunds WHERE charge_id = $1', [ok.id]);
    expect(rows[0].n).toBe(1);
    const declined = await intent(randomUUID(), 'tok_declined');
    await expect(payment.request('POST', `/internal/payment-intents/${declined.id}/refunds`)).rejects.toMatchObject({ status: 409 });
  });

  it('answers nobody without the service credential', async () => {
    const res = await fetch(`${stack.urls.payment}/internal/payment-intents?reference=r-1`);
    expect(res.status).toBe(401);
  });
});
