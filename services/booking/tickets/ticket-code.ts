import { eventTicketKey, ticketCodeBody, ticketSignature, type TicketClaims } from '../../../contracts/ticket-code';

/** The code printed on a ticket: its claims, signed with the event's key (contracts/ticket-code.ts). */
export function signTicketCode(masterKey: string, c: TicketClaims): string {
  const body = ticketCodeBody(c);
  return `${body}.${ticketSignature(eventTicketKey(masterKey, c.eventId), body)}`;
}
