import { z } from 'zod';

export const ReserveBody = z.strictObject({
  sessionId: z.uuid(),
  seatIds: z
    .array(z.uuid())
    .min(1, 'choose at least one seat')
    .refine((ids) => new Set(ids).size === ids.length, 'a seat is listed twice'),
});

export const ConfirmBody = z.strictObject({ paymentToken: z.string().trim().min(1).max(100) });

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
