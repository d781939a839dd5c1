import { z } from 'zod';

/** Unnumbered places of a standing area: the catalog picks the places. */
export const GeneralAdmissionBody = z.strictObject({
  area: z.string().trim().min(1).max(60),
  quantity: z.number().int().min(1).max(10),
});

/** Numbered seats by id, or general admission: exactly one of seatIds and generalAdmission. */
export const ReserveBody = z
  .strictObject({
    sessionId: z.uuid(),
    seatIds: z
      .array(z.uuid())
      .min(1, 'choose at least one seat')
      .refine((ids) => new Set(ids).size === ids.length, 'a seat is listed twice')
      .optional(),
    generalAdmission: GeneralAdmissionBody.optional(),
  })
  .refine((b) => (b.seatIds === undefined) !== (b.generalAdmission === undefined), {
    message: 'give exactly one of seatIds and generalAdmission',
    path: ['seatIds'],
  });

export const ConfirmBody = z.strictObject({ paymentToken: z.string().trim().min(1).max(100) });

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
