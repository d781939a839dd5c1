/**
 * Offline verification of a ticket's QR code at the door, in the browser.
 *
 * A code is "TKT2.<ticketId>.<eventId>.<sessionId>.<signature>"
 * (services/shared/ticket-code.ts). Today the check-in kit carries the
 * event's HMAC-SHA256 key (base64url) and the signature is
 * base64url(HMAC(key, "TKT2.<ticketId>.<eventId>.<sessionId>")). The kit will
 * switch to an Ed25519 public key: only createCodeVerifier changes then,
 * keyed on the kit's `algorithm`.
 */

export interface TicketClaims {
  ticketId: string;
  eventId: string;
  sessionId: string;
}

export type CodeCheck = ({ ok: true } & TicketClaims) | { ok: false; reason: 'malformed' | 'bad-signature' | 'other-event' };

/** The part of the check-in kit that verifies signatures. */
export interface VerificationKey {
  eventId: string;
  algorithm: string;
  key: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/** The code's parts, or undefined when it is not a ticket code of this platform. */
export function parseTicketCode(code: string): (TicketClaims & { body: string; signature: string }) | undefined {
  const parts = code.trim().split('.');
  if (parts.length !== 5 || parts[0] !== 'TKT2') return undefined;
  const [, ticketId, eventId, sessionId, signature] = parts as [string, string, string, string, string];
  if (![ticketId, eventId, sessionId].every((p) => UUID.test(p)) || !/^[\w-]{43}$/.test(signature)) return undefined;
  return { ticketId, eventId, sessionId, signature, body: `TKT2.${ticketId}.${eventId}.${sessionId}` };
}

/** Builds the one function that checks codes against a kit's key (imported once, not per scan). */
export async function createCodeVerifier(kit: VerificationKey): Promise<(code: string) => Promise<CodeCheck>> {
  if (kit.algorithm !== 'HMAC-SHA256') throw new Error(`unsupported check-in kit algorithm: ${kit.algorithm}`);
  const key = await crypto.subtle.importKey('raw', base64urlToBytes(kit.key), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return async (code) => {
    const parsed = parseTicketCode(code);
    if (!parsed) return { ok: false, reason: 'malformed' };
    // Another event's code is signed with that event's key, which this door does not hold: say which it is.
    if (parsed.eventId !== kit.eventId) return { ok: false, reason: 'other-event' };
    const signature = base64urlToBytes(parsed.signature);
    // Only the canonical spelling: the last character's padding bits may not vary, as the server compares the text too.
    if (bytesToBase64url(signature) !== parsed.signature) return { ok: false, reason: 'bad-signature' };
    // WebCrypto's verify compares in constant time.
    const valid = await crypto.subtle.verify('HMAC', key, signature, new TextEncoder().encode(parsed.body));
    if (!valid) return { ok: false, reason: 'bad-signature' };
    return { ok: true, ticketId: parsed.ticketId, eventId: parsed.eventId, sessionId: parsed.sessionId };
  };
}
