import type { SignedIn } from '../../../devstack/api-client';
import type { Stack } from '../../support/stack';

/** Every account test/support/stack.ts creates has this password. */
export const PASSWORD = 'Correct-horse-42';

/** A paid booking made through the API (hold, then tok_visa), as the setup of tests about what comes after. */
export async function paidBooking(stack: Stack, buyer: SignedIn, sessionId: string, seatIds: string[]) {
  const r = await stack.api.expect(201, 'POST', '/api/v1/reservations', {
    token: buyer.token,
    headers: { 'Idempotency-Key': `paid-${seatIds.join(',')}` },
    body: { sessionId, seatIds },
  });
  const paid = await stack.api.expect(200, 'POST', `/api/v1/reservations/${r.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } });
  return paid as { id: string; tickets: { id: string; code: string }[] };
}
