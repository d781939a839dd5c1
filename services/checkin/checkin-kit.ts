import { TICKET_CODE_PREFIX, TICKET_KEY_ALGORITHM } from '../../contracts/ticket-code';

/**
 * What an offline scanner needs for one event: the event's public key (it
 * verifies that event's codes and can sign nothing: the private key stays in
 * booking), the tickets voided since they were issued (a signature cannot be
 * revoked, so the revocation list travels with the key), and those already
 * admitted. Codes of the earlier format (TKT2) are verified online only.
 */
export function checkinKit(eventId: string, publicKey: string, voidedTicketIds: string[], admittedTicketIds: string[]) {
  return {
    eventId,
    algorithm: TICKET_KEY_ALGORITHM,
    publicKey,
    codeFormat: `${TICKET_CODE_PREFIX}.<ticketId>.<eventId>.<sessionId>.<base64url(Ed25519 signature of "${TICKET_CODE_PREFIX}.<ticketId>.<eventId>.<sessionId>")>`,
    voidedTicketIds,
    admittedTicketIds,
    generatedAt: new Date().toISOString(),
  };
}
