import { z } from 'zod';

/** The check-in service's contract: scans at the door, offline kits, and counts for reports. */

export const ScanBody = z.strictObject({
  code: z.string().trim().min(1).max(512),
  /** Which entrance scanned: recorded with the scan and shown to the next scanner of the same ticket. */
  door: z.string().trim().min(1).max(64).optional(),
});

export const Admitted = z.object({
  result: z.literal('admitted'),
  ticket: z.object({ id: z.uuid(), eventId: z.uuid(), sessionId: z.uuid(), seat: z.unknown() }),
  admittedAt: z.iso.datetime(),
  door: z.string().nullable(),
  staffId: z.uuid(),
});

export const CheckinKit = z.object({
  eventId: z.uuid(),
  algorithm: z.literal('Ed25519'),
  publicKey: z
    .string()
    .describe("the event's Ed25519 public key: its raw 32 bytes (RFC 8032), base64url. Verifies this event's codes; signs nothing"),
  codeFormat: z.string().describe('TKT3.<ticketId>.<eventId>.<sessionId>.<base64url Ed25519 signature of the part before it>; older TKT2 codes verify online only'),
  voidedTicketIds: z.array(z.uuid()),
  admittedTicketIds: z.array(z.uuid()),
  generatedAt: z.iso.datetime(),
});

// ---- internal (service to service) ------------------------------------------

/** GET /internal/events/:id/checkins */
export interface EventCheckins {
  eventId: string;
  sessions: { sessionId: string; admitted: number }[];
  admitted: number;
}

/** GET /internal/stats */
export interface CheckinStats {
  admissions: number;
}
