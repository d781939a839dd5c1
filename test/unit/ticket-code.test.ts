import { eventTicketKey, verifyTicketCode } from '../../contracts/ticket-code';
import { signTicketCode } from '../../services/booking/tickets/ticket-code';

const KEY = 'k'.repeat(32);
const CLAIMS = {
  ticketId: '2f1c7e1a-9a55-4f0c-9d5d-1d0f4a8c2b11',
  eventId: '5d0c2b8e-6a1f-4e7b-9c3d-2a1b0c9d8e7f',
  sessionId: '7b3e9a44-1f0e-4c59-8f5e-3a2b1c0d9e8f',
};
const OTHER_EVENT = '00000000-0000-4000-8000-000000000001';

describe('ticket codes', () => {
  it('verifies a code it signed, with the master key or with the event key alone', () => {
    const code = signTicketCode(KEY, CLAIMS);
    expect(verifyTicketCode(KEY, code)).toEqual(CLAIMS);
    expect(verifyTicketCode({ eventKey: eventTicketKey(KEY, CLAIMS.eventId) }, code)).toEqual(CLAIMS);
  });

  it("refuses a code checked with another event's key", () => {
    expect(verifyTicketCode({ eventKey: eventTicketKey(KEY, OTHER_EVENT) }, signTicketCode(KEY, CLAIMS))).toBeUndefined();
  });

  it('refuses a code signed with another master key', () => {
    expect(verifyTicketCode(KEY, signTicketCode('x'.repeat(32), CLAIMS))).toBeUndefined();
  });

  it.each(['ticketId', 'eventId', 'sessionId'] as const)('refuses a code whose %s was swapped', (field) => {
    const parts = signTicketCode(KEY, CLAIMS).split('.');
    const index = { ticketId: 1, eventId: 2, sessionId: 3 }[field];
    parts[index] = '00000000-0000-4000-8000-000000000000';
    expect(verifyTicketCode(KEY, parts.join('.'))).toBeUndefined();
  });

  it.each(['', 'TKT2', 'TKT1.a.b.c', 'not a code at all', 'TKT2.a.b.c.d.e', 'TKT2....x'])('refuses %p', (code) => {
    expect(verifyTicketCode(KEY, code)).toBeUndefined();
  });
});
