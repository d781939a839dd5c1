import { z } from 'zod';

/** The waiting room's public shapes (validated by booking, documented by the gateway). */
export const RoomBody = z.strictObject({
  enabled: z.boolean(),
  admissionsPerMinute: z.number().int().min(1).max(100_000),
});

export const RoomView = z.object({
  sessionId: z.uuid(),
  enabled: z.boolean(),
  /** Opened by the booking service because booking was at capacity, not by the organizer. */
  openedOnOverflow: z.boolean(),
  admissionsPerMinute: z.number().int().nullable(),
  initialBurst: z.number().int().nullable(),
  waiting: z.number().int(),
  admitted: z.number().int(),
});

/** When to ask for the place's status again (GET /api/v1/queue/{token}): sooner only costs the line. */
const pollAfterSeconds = z.number().int().min(1);

export const QueuePlace = z.object({ token: z.string(), position: z.number().int(), etaSeconds: z.number().int(), pollAfterSeconds });

export const QueueStatus = z.union([
  z.object({ status: z.literal('waiting'), position: z.number().int(), etaSeconds: z.number().int(), pollAfterSeconds }),
  z.object({ status: z.literal('admitted'), admissionToken: z.string(), expiresAt: z.iso.datetime() }),
  z.object({ status: z.literal('expired'), expiredAt: z.iso.datetime() }),
  /** Every place is sold: no turn will bring a seat, stop asking. */
  z.object({ status: z.literal('soldOut') }),
]);
