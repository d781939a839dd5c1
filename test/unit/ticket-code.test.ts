import { signTicketCode, verifyTicketCode } from '../../services/shared/ticket-code';

const KEY = 'k'.repeat(32);
const TICKET = '2f1c7e1a-9a55-4f0c-9d5d-1d0f4a8c2b11';
const SESSION = '7b3e9a44-1f0e-4c59-8f5e-3a2b1c0d9e8f';

describe('ticket codes', () => {
  it('verifies a code it signed', () => {
    expect(verifyTicketCode(KEY, signTicketCode(KEY, TICKET, SESSION))).toEqual({ ticketId: TICKET, sessionId: SESSION });
  });

  it('refuses a code signed with another key', () => {
    expect(verifyTicketCode(KEY, signTicketCode('x'.repeat(32), TICKET, SESSION))).toBeUndefined();
  });

  it('refuses a code whose ticket id was swapped', () => {
    const [prefix, , session, sig] = signTicketCode(KEY, TICKET, SESSION).split('.');
    expect(verifyTicketCode(KEY, [prefix, '00000000-0000-4000-8000-000000000000', session, sig].join('.'))).toBeUndefined();
  });

  it.each(['', 'TKT1', 'TKT2.a.b.c', 'not a code at all', 'TKT1.a.b.c.d'])('refuses %p', (code) => {
    expect(verifyTicketCode(KEY, code)).toBeUndefined();
  });
});
