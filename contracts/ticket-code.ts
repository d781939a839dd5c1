import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The code a ticket's QR carries: "TKT2.<ticketId>.<eventId>.<sessionId>.<signature>".
 * The signature is an HMAC under a per-event key derived from the master key,
 * so a door scanner can be handed the key of its event (and only that event)
 * and verify codes offline; a leaked event key forges nothing elsewhere.
 * Booking signs (services/booking/tickets); the door and its kits verify.
 */
export const TICKET_CODE_PREFIX = 'TKT2';

export interface TicketClaims {
  ticketId: string;
  eventId: string;
  sessionId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The key that signs one event's tickets (what an offline scanner for that event holds). */
export const eventTicketKey = (masterKey: string, eventId: string): Buffer =>
  createHmac('sha256', masterKey).update(`ticket-event-key:${eventId}`).digest();

/** The signed part of a code. */
export const ticketCodeBody = (c: TicketClaims) => `${TICKET_CODE_PREFIX}.${c.ticketId}.${c.eventId}.${c.sessionId}`;

export const ticketSignature = (eventKey: Buffer, body: string) => createHmac('sha256', eventKey).update(body).digest('base64url');

/** Whether a code has the shape of this platform's codes (UUIDs and a SHA-256 signature), before any key is asked. */
export function isWellFormedTicketCode(code: string): boolean {
  const parts = code.split('.');
  return parts.length === 5 && parts[0] === TICKET_CODE_PREFIX && parts.slice(1, 4).every((p) => UUID.test(p)) && /^[\w-]{43}$/.test(parts[4]!);
}

/** Verifies with the master key, or with one event's key (`{ eventKey }`), as an offline scanner would. */
export function verifyTicketCode(key: string | { eventKey: Buffer }, code: string): TicketClaims | undefined {
  const parts = code.split('.');
  if (parts.length !== 5 || parts[0] !== TICKET_CODE_PREFIX) return undefined;
  const [, ticketId, eventId, sessionId, signature] = parts as [string, string, string, string, string];
  if (!ticketId || !eventId || !sessionId) return undefined;
  const eventKey = typeof key === 'string' ? eventTicketKey(key, eventId) : key.eventKey;
  const expected = Buffer.from(ticketSignature(eventKey, ticketCodeBody({ ticketId, eventId, sessionId })));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { ticketId, eventId, sessionId };
}
