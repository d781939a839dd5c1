import { createPrivateKey, hkdfSync, type KeyObject } from 'node:crypto';
import { rawPublicKey } from '../../../contracts/ticket-code';

/** PKCS#8 DER header of an Ed25519 private key (RFC 8410): the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** Bounds the cache; past it the cache starts over (a key is re-derived in microseconds). */
const MAX_CACHED = 10_000;

/**
 * Each event's Ed25519 key pair, derived, never stored: the private key's seed
 * is HKDF-SHA256(TICKET_KEYPAIR_SECRET, "ticket-event-key:v1:<eventId>").
 * Derivation gives every booking replica the same key for an event with no
 * table to write, back up or race on at the first ticket, and nothing at rest
 * to steal but the secret itself, which only booking holds: the check-in
 * service keeps only public keys (it asks GET /internal/events/:id/ticket-key).
 * The "v1" names the derivation, so a future one can sign new codes beside it.
 */
export function createTicketKeys(secret: string) {
  const keys = new Map<string, KeyObject>();
  const privateKey = (eventId: string): KeyObject => {
    let key = keys.get(eventId);
    if (!key) {
      const seed = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `ticket-event-key:v1:${eventId}`, 32));
      key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
      if (keys.size >= MAX_CACHED) keys.clear();
      keys.set(eventId, key);
    }
    return key;
  };
  return {
    privateKey,
    /** The raw 32-byte public key, base64url: what the door and the offline kits verify with. */
    publicKey: (eventId: string): string => rawPublicKey(privateKey(eventId)),
  };
}
export type TicketKeys = ReturnType<typeof createTicketKeys>;
