import { eventTicketKey } from '../../contracts/ticket-code';

/**
 * What an offline scanner needs for one event: the event's key (verifies
 * that event's codes and forges nothing elsewhere, see ticket-code.ts), the
 * tickets voided since they were issued (a signature cannot be revoked, so
 * the revocation list travels with the key), and those already admitted.
 */
export function checkinKit(masterKey: string, eventId: string, voidedTicketIds: string[], admittedTicketIds: string[]) {
  return {
    eventId,
    algorithm: 'HMAC-SHA256' as const,
    key: eventTicketKey(masterKey, eventId).toString('base64url'),
    codeFormat: 'TKT2.<ticketId>.<eventId>.<sessionId>.<base64url(HMAC-SHA256(key, "TKT2.<ticketId>.<eventId>.<sessionId>"))>',
    voidedTicketIds,
    admittedTicketIds,
    generatedAt: new Date().toISOString(),
  };
}
