import { randomUUID } from 'node:crypto';
import { createServiceClient, type ServiceClient } from '../../services/shared/service-client';
import { startStack, type Stack } from '../support/stack';

// The mock provider keeps real semantics: idempotency keys, declines, transient errors, refunds.
describe('payment provider', () => {
  let stack: Stack;
  let payment: ServiceClient;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
    payment = createServiceClient(stack.urls.payment, stack.secrets.serviceToken);
  });
  afterAll(() => stack.close());

  const charge = (key: string, token = 'tok_visa', amount = '10.00') =>
    payment.request<any>('POST', '/internal/charges', { idempotencyKey: key, reference: 'r-1', amount: { amount, currency: 'EUR' }, token });

  it('charges once per idempotency key, even when retried at once', async () => {
    const key = randomUUID();
    const results = await Promise.all([charge(key), charge(key), charge(key)]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM payment.charges WHERE idempotency_key = $1', [key]);
    expect(rows[0].n).toBe(1);
  });

  it('refuses the same key for a different request', async () => {
    const key = randomUUID();
    await charge(key);
    await expect(charge(key, 'tok_visa', '11.00')).rejects.toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('declines tok_declined and records the decline', async () => {
    expect(await charge(randomUUID(), 'tok_declined')).toMatchObject({ status: 'declined', declineReason: 'card_declined' });
  });

  it('fails tok_error transiently, recording nothing', async () => {
    const key = randomUUID();
    await expect(charge(key, 'tok_error')).rejects.toMatchObject({ status: 503, code: 'PROVIDER_UNAVAILABLE' });
    const { rowCount } = await stack.pool.query('SELECT 1 FROM payment.charges WHERE idempotency_key = $1', [key]);
    expect(rowCount).toBe(0);
  });

  it('refunds a successful charge once, and never a declined one', async () => {
    const ok = await charge(randomUUID());
    const first = await payment.request<any>('POST', `/internal/charges/${ok.id}/refunds`);
    const second = await payment.request<any>('POST', `/internal/charges/${ok.id}/refunds`);
    expect(first.refundedAt).not.toBeNull();
    expect(second.refundedAt).toBe(first.refundedAt);
    const declined = await charge(randomUUID(), 'tok_declined');
    await expect(payment.request('POST', `/internal/charges/${declined.id}/refunds`)).rejects.toMatchObject({ status: 409 });
  });

  it('answers nobody without the service credential', async () => {
    const res = await fetch(`${stack.urls.payment}/internal/charges?reference=r-1`);
    expect(res.status).toBe(401);
  });
});
