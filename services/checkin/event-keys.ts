import type { KeyObject } from 'node:crypto';
import type { BookingClient } from '../../contracts/clients';
import { ticketPublicKey } from '../../contracts/ticket-code';

/** Bounds the cache (event ids come from scanned codes); past it the cache starts over. */
const MAX_CACHED = 10_000;

/**
 * The public keys that verify each event's ticket codes, asked of booking
 * once per event and kept: an event's key never changes (booking derives it,
 * services/booking/tickets/ticket-keys.ts). This service holds no private key
 * and nothing a private key could be derived from.
 */
export function createEventKeys(booking: Pick<BookingClient, 'ticketKey'>, opts: { timeoutMs?: number } = {}) {
  const keys = new Map<string, { raw: string; key: KeyObject }>();
  return async function eventKey(eventId: string): Promise<{ raw: string; key: KeyObject }> {
    let known = keys.get(eventId);
    if (!known) {
      const { publicKey } = await booking.ticketKey(eventId, { timeoutMs: opts.timeoutMs });
      known = { raw: publicKey, key: ticketPublicKey(publicKey) };
      if (keys.size >= MAX_CACHED) keys.clear();
      keys.set(eventId, known);
    }
    return known;
  };
}
export type EventKeys = ReturnType<typeof createEventKeys>;
