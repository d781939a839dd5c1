import { z } from 'zod';
import type { PaymentIntent } from './domain';
import { Money } from './money';

/** The payment provider's contract: intents under idempotency keys, and the webhooks that announce settled ones. */

export const IntentBody = z.strictObject({
  idempotencyKey: z.string().min(1).max(200),
  reference: z.string().min(1).max(200),
  amount: Money,
  token: z.string().min(1).max(100),
});
export type IntentBody = z.infer<typeof IntentBody>;

/** What the provider's webhook says: an intent that was processing has settled. */
export const PaymentWebhook = z.object({
  id: z.string(),
  type: z.enum(['payment_intent.succeeded', 'payment_intent.declined', 'payment_intent.canceled']),
  intent: z.object({ id: z.uuid(), reference: z.uuid(), status: z.enum(['succeeded', 'declined', 'canceled']) }),
});
export type PaymentWebhook = Omit<z.infer<typeof PaymentWebhook>, 'intent'> & { intent: PaymentIntent };
