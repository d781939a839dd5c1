import { sign } from 'node:crypto';
import { ticketCodeBody, type TicketClaims } from '../../../contracts/ticket-code';
import type { TicketKeys } from './ticket-keys';

/** The code printed on a ticket: its claims, signed with its event's private key (contracts/ticket-code.ts). */
export function signTicketCode(keys: TicketKeys, c: TicketClaims): string {
  const body = ticketCodeBody(c);
  return `${body}.${sign(null, Buffer.from(body), keys.privateKey(c.eventId)).toString('base64url')}`;
}
