import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The code a ticket's QR carries: "TKT2.<ticketId>.<eventId>.<sessionId>.<signature>".
 * The signature is an HMAC under a per-event key derived from the master key,
 * so a door scanner can be handed the key of its event (and only that event)
 * and verify codes offline; a leaked event key forges nothing elsewhere.
 */
const PREFIX = 'TKT2';

export interface TicketClaims {
  ticketId: string;
  eventId: string;
  sessionId: string;
}

/** The key that signs one event's tickets (what an offline scanner for that event holds). */
export const eventTicketKey = (masterKey: string, eventId: string): Buffer =>
  createHmac('sha256', masterKey).update(`ticket-event-key:${eventId}`).digest();

const sign = (key: Buffer, body: string) => createHmac('sha256', key).update(body).digest('base64url');

export function signTicketCode(masterKey: string, c: TicketClaims): string {
  const body = `${PREFIX}.${c.ticketId}.${c.eventId}.${c.sessionId}`;
  return `${body}.${sign(eventTicketKey(masterKey, c.eventId), body)}`;
}

/** Verifies with the master key, or with one event's key (`{ eventKey }`), as an offline scanner would. */
export function verifyTicketCode(key: string | { eventKey: Buffer }, code: string): TicketClaims | undefined {
  const parts = code.split('.');
  if (parts.length !== 5 || parts[0] !== PREFIX) return undefined;
  const [, ticketId, eventId, sessionId, signature] = parts as [string, string, string, string, string];
  if (!ticketId || !eventId || !sessionId) return undefined;
  const eventKey = typeof key === 'string' ? eventTicketKey(key, eventId) : key.eventKey;
  const expected = Buffer.from(sign(eventKey, `${PREFIX}.${ticketId}.${eventId}.${sessionId}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { ticketId, eventId, sessionId };
}
