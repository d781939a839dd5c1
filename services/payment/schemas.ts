import { z } from 'zod';
import { Money } from '../shared/money';

export const ChargeBody = z.strictObject({
  idempotencyKey: z.string().min(1).max(200),
  reference: z.string().min(1).max(200),
  amount: Money,
  token: z.string().min(1).max(100),
});
export type ChargeBody = z.infer<typeof ChargeBody>;

export interface Charge {
  id: string;
  reference: string;
  amount: { amount: string; currency: string };
  status: 'succeeded' | 'declined';
  declineReason: string | null;
  createdAt: string;
  refundedAt: string | null;
}
