import { randomBytes, randomUUID } from 'node:crypto';
import { checkinKit } from '../../services/checkin/checkin-kit';
import { checkCode } from '../../services/checkin/door';
import { verifyTicketCode } from '../../contracts/ticket-code';
import { signTicketCode } from '../../services/booking/tickets/ticket-code';

describe('the offline check-in kit', () => {
  const master = randomBytes(24).toString('base64url');
  const claims = { ticketId: randomUUID(), eventId: randomUUID(), sessionId: randomUUID() };
  const code = signTicketCode(master, claims);

  it("verifies the event's codes with the kit's key alone, and no other event's", () => {
    const kit = checkinKit(master, claims.eventId, [], []);
    const eventKey = Buffer.from(kit.key, 'base64url');
    expect(verifyTicketCode({ eventKey }, code)).toEqual(claims);

    const otherEvent = signTicketCode(master, { ...claims, eventId: randomUUID() });
    expect(verifyTicketCode({ eventKey }, otherEvent)).toBeUndefined();
    // The kit carries an event key, not the master key.
    expect(kit.key).not.toContain(master);
  });

  it('carries the revocation and admission lists it was given', () => {
    const voided = [randomUUID()];
    const admitted = [randomUUID(), randomUUID()];
    const kit = checkinKit(master, claims.eventId, voided, admitted);
    expect(kit).toMatchObject({ eventId: claims.eventId, algorithm: 'HMAC-SHA256', voidedTicketIds: voided, admittedTicketIds: admitted });
  });
});

describe('why a code is refused', () => {
  const master = randomBytes(24).toString('base64url');
  const code = signTicketCode(master, { ticketId: randomUUID(), eventId: randomUUID(), sessionId: randomUUID() });

  it('accepts a genuine code', () => {
    expect(typeof checkCode(master, code)).toBe('object');
  });

  it('calls a code with one character changed in its claims or signature a bad signature', () => {
    const i = code.indexOf('.') + 3; // inside the ticket id
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'a' ? 'b' : 'a') + s.slice(at + 1);
    expect(checkCode(master, flip(code, i))).toBe('bad-signature');
    expect(checkCode(master, flip(code, code.length - 2))).toBe('bad-signature');
  });

  it('calls anything not shaped like a code malformed', () => {
    expect(checkCode(master, 'hello')).toBe('malformed');
    expect(checkCode(master, code.replace('TKT2', 'TKT1'))).toBe('malformed');
    expect(checkCode(master, code.split('.').slice(0, 4).join('.'))).toBe('malformed');
  });

  it('refuses a code signed with another master key', () => {
    expect(checkCode(randomBytes(24).toString('base64url'), code)).toBe('bad-signature');
  });
});
