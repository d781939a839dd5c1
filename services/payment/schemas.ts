import { z } from 'zod';
import { Money } from '../shared/money';

export const IntentBody = z.strictObject({
  idempotencyKey: z.string().min(1).max(200),
  reference: z.string().min(1).max(200),
  amount: Money,
  token: z.string().min(1).max(100),
});
export type IntentBody = z.infer<typeof IntentBody>;

export type IntentStatus = 'processing' | 'succeeded' | 'declined' | 'canceled';

/** A payment intent: one attempt to take money, under one idempotency key. */
export interface PaymentIntent {
  id: string;
  reference: string;
  amount: { amount: string; currency: string };
  status: IntentStatus;
  declineReason: string | null;
  createdAt: string;
  settledAt: string | null;
  refundedAt: string | null;
}

/** What the provider's webhook says: an intent that was processing has settled. */
export interface PaymentWebhook {
  id: string;
  type: 'payment_intent.succeeded' | 'payment_intent.declined' | 'payment_intent.canceled';
  intent: PaymentIntent;
}
