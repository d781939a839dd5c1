/**
 * Offline verification of a ticket's QR code at the door, in the browser.
 *
 * A code is "TKT3.<ticketId>.<eventId>.<sessionId>.<signature>"
 * (contracts/ticket-code.ts): the signature is base64url (86 characters, 64
 * bytes) of the Ed25519 signature of "TKT3.<ticketId>.<eventId>.<sessionId>"
 * under the event's own key pair. Booking alone holds the private keys; the
 * check-in kit carries the event's public key (its raw 32 bytes, base64url),
 * so a door verifies with WebCrypto and can mint nothing.
 *
 * Codes of the earlier format, "TKT2.…" (an HMAC under a key the kit no
 * longer carries), cannot be verified here: they come back as 'online-only',
 * never as valid. The check-in service still judges them online until their
 * events have passed.
 */

export interface TicketClaims {
  ticketId: string;
  eventId: string;
  sessionId: string;
}

export type CodeCheck =
  | ({ ok: true } & TicketClaims)
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'other-event' | 'online-only' };

/** The part of the check-in kit that verifies signatures. */
export interface VerificationKey {
  eventId: string;
  algorithm: string;
  publicKey: string;
}

export const TICKET_CODE_PREFIX = 'TKT3';
/** The earlier format: an HMAC the browser cannot check (the kit carries no HMAC key). */
export const LEGACY_TICKET_CODE_PREFIX = 'TKT2';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** base64url lengths without padding: an Ed25519 signature (64 bytes), an HMAC-SHA256 (32 bytes). */
const SIGNATURE = { [TICKET_CODE_PREFIX]: /^[\w-]{86}$/, [LEGACY_TICKET_CODE_PREFIX]: /^[\w-]{43}$/ } as const;
/** An Ed25519 public key's raw 32 bytes in base64url. */
const PUBLIC_KEY = /^[\w-]{43}$/;

export function base64urlToBytes(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export interface ParsedTicketCode extends TicketClaims {
  format: typeof TICKET_CODE_PREFIX | typeof LEGACY_TICKET_CODE_PREFIX;
  /** The signed part: everything before the last dot. */
  body: string;
  signature: string;
}

/** The code's parts, or undefined when it does not have the shape of this platform's codes (either format). */
export function parseTicketCode(code: string): ParsedTicketCode | undefined {
  const parts = code.trim().split('.');
  if (parts.length !== 5) return undefined;
  const [format, ticketId, eventId, sessionId, signature] = parts as [string, string, string, string, string];
  if (format !== TICKET_CODE_PREFIX && format !== LEGACY_TICKET_CODE_PREFIX) return undefined;
  if (![ticketId, eventId, sessionId].every((p) => UUID.test(p)) || !SIGNATURE[format].test(signature)) return undefined;
  return { format, ticketId, eventId, sessionId, signature, body: `${format}.${ticketId}.${eventId}.${sessionId}` };
}

/**
 * Builds the one function that checks codes against a kit's public key
 * (imported once, not per scan). Throws for a kit it cannot use: another
 * algorithm, a key of the wrong shape, or a browser without Ed25519 in
 * WebCrypto; the door then has no offline kit and says so.
 */
export async function createCodeVerifier(kit: VerificationKey): Promise<(code: string) => Promise<CodeCheck>> {
  if (kit.algorithm !== 'Ed25519') throw new Error(`unsupported check-in kit algorithm: ${kit.algorithm}`);
  if (!PUBLIC_KEY.test(kit.publicKey)) throw new Error('the check-in kit carries no Ed25519 public key');
  const key = await crypto.subtle.importKey('raw', base64urlToBytes(kit.publicKey), { name: 'Ed25519' }, false, ['verify']);
  return async (code) => {
    const parsed = parseTicketCode(code);
    if (!parsed) return { ok: false, reason: 'malformed' };
    // Another event's code is signed with that event's key, which this door does not hold: say which it is.
    if (parsed.eventId !== kit.eventId) return { ok: false, reason: 'other-event' };
    // An older ticket: its HMAC is checked by the check-in service only.
    if (parsed.format === LEGACY_TICKET_CODE_PREFIX) return { ok: false, reason: 'online-only' };
    const signature = base64urlToBytes(parsed.signature);
    // Only the canonical spelling: base64url leaves 4 bits of the last character unused, and one signature is one code (as on the server).
    if (bytesToBase64url(signature) !== parsed.signature) return { ok: false, reason: 'bad-signature' };
    const valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, new TextEncoder().encode(parsed.body));
    if (!valid) return { ok: false, reason: 'bad-signature' };
    return { ok: true, ticketId: parsed.ticketId, eventId: parsed.eventId, sessionId: parsed.sessionId };
  };
}
