import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/**
 * The code a ticket's QR carries: "TKT3.<ticketId>.<eventId>.<sessionId>.<signature>",
 * the signature an Ed25519 signature (base64url, 64 bytes) of everything
 * before it, under the event's own key pair. Booking alone holds the private
 * keys and signs (services/booking/tickets); anyone with an event's public key
 * (the door, an offline scanner's kit) verifies, and cannot mint.
 *
 * The earlier format, "TKT2.…" with an HMAC under a per-event key derived
 * from a master key, is still verified (verifyLegacyTicketCode) for tickets
 * issued before TKT3, online only, until their events have passed (README,
 * "The door").
 */
export const TICKET_CODE_PREFIX = 'TKT3';
export const LEGACY_TICKET_CODE_PREFIX = 'TKT2';
export const TICKET_KEY_ALGORITHM = 'Ed25519';

export interface TicketClaims {
  ticketId: string;
  eventId: string;
  sessionId: string;
}

export interface ParsedTicketCode {
  format: typeof TICKET_CODE_PREFIX | typeof LEGACY_TICKET_CODE_PREFIX;
  claims: TicketClaims;
  signature: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** base64url lengths without padding: an Ed25519 signature (64 bytes), an HMAC-SHA256 (32 bytes). */
const SIGNATURE = { [TICKET_CODE_PREFIX]: /^[\w-]{86}$/, [LEGACY_TICKET_CODE_PREFIX]: /^[\w-]{43}$/ } as const;

/** The signed part of a code. */
export const ticketCodeBody = (c: TicketClaims, prefix: ParsedTicketCode['format'] = TICKET_CODE_PREFIX) =>
  `${prefix}.${c.ticketId}.${c.eventId}.${c.sessionId}`;

/** A code's format, claims and signature, if it has the shape of this platform's codes (UUIDs, a signature of its format's length). */
export function parseTicketCode(code: string): ParsedTicketCode | undefined {
  const parts = code.split('.');
  if (parts.length !== 5) return undefined;
  const [format, ticketId, eventId, sessionId, signature] = parts as [string, string, string, string, string];
  if (format !== TICKET_CODE_PREFIX && format !== LEGACY_TICKET_CODE_PREFIX) return undefined;
  if (![ticketId, eventId, sessionId].every((p) => UUID.test(p)) || !SIGNATURE[format].test(signature)) return undefined;
  return { format, claims: { ticketId, eventId, sessionId }, signature };
}

/** An event's public key from its raw 32 bytes (RFC 8032), base64url: the form booking and the check-in kit carry it in. */
export function ticketPublicKey(rawBase64url: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: rawBase64url }, format: 'jwk' });
}

/** The raw 32-byte public key, base64url, of an Ed25519 key (public or private). */
export function rawPublicKey(key: KeyObject): string {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return jwk.x!;
}

/** Verifies a TKT3 code with its event's public key: the claims, or undefined for anything else. */
export function verifyTicketCode(eventPublicKey: KeyObject, code: string): TicketClaims | undefined {
  const parsed = parseTicketCode(code);
  if (parsed?.format !== TICKET_CODE_PREFIX) return undefined;
  const signature = Buffer.from(parsed.signature, 'base64url');
  // base64url leaves 4 bits of the last character unused: only the canonical spelling counts, so one signature is one code.
  if (signature.toString('base64url') !== parsed.signature) return undefined;
  return verify(null, Buffer.from(ticketCodeBody(parsed.claims)), eventPublicKey, signature) ? parsed.claims : undefined;
}

// ---- TKT2 (HMAC), verified online until the last event sold with it has passed ----

/** The HMAC key of one event's TKT2 codes, derived from the master key (TICKET_SIGNING_KEY). */
export const legacyEventTicketKey = (masterKey: string, eventId: string): Buffer =>
  createHmac('sha256', masterKey).update(`ticket-event-key:${eventId}`).digest();

export const legacyTicketSignature = (eventKey: Buffer, body: string) => createHmac('sha256', eventKey).update(body).digest('base64url');

/** Verifies a TKT2 code with the master key: the claims, or undefined for anything else. */
export function verifyLegacyTicketCode(masterKey: string, code: string): TicketClaims | undefined {
  const parsed = parseTicketCode(code);
  if (parsed?.format !== LEGACY_TICKET_CODE_PREFIX) return undefined;
  const body = ticketCodeBody(parsed.claims, LEGACY_TICKET_CODE_PREFIX);
  const expected = Buffer.from(legacyTicketSignature(legacyEventTicketKey(masterKey, parsed.claims.eventId), body));
  const given = Buffer.from(parsed.signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? parsed.claims : undefined;
}
