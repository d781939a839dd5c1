import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The code a ticket's QR carries: "TKT1.<ticketId>.<sessionId>.<signature>".
 * The HMAC lets a scanner holding the key tell a real ticket from a forged
 * one without a database round trip.
 */
const PREFIX = 'TKT1';

const sign = (key: string, body: string) => createHmac('sha256', key).update(body).digest('base64url');

export function signTicketCode(key: string, ticketId: string, sessionId: string): string {
  const body = `${PREFIX}.${ticketId}.${sessionId}`;
  return `${body}.${sign(key, body)}`;
}

export function verifyTicketCode(key: string, code: string): { ticketId: string; sessionId: string } | undefined {
  const parts = code.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX) return undefined;
  const [, ticketId, sessionId, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(key, `${PREFIX}.${ticketId}.${sessionId}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { ticketId, sessionId };
}
