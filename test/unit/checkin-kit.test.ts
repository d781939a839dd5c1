import { createPrivateKey, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { legacyEventTicketKey, legacyTicketSignature, ticketCodeBody, ticketPublicKey, verifyTicketCode } from '../../contracts/ticket-code';
import { signTicketCode } from '../../services/booking/tickets/ticket-code';
import { createTicketKeys } from '../../services/booking/tickets/ticket-keys';
import { checkinKit } from '../../services/checkin/checkin-kit';
import { checkCode, type CodeKeys } from '../../services/checkin/door';
import { createEventKeys } from '../../services/checkin/event-keys';

const booking = createTicketKeys(randomBytes(32).toString('base64url'));
/** What the check-in service holds: public keys, as booking's internal route hands them out. */
const doorKeys = (master = randomBytes(24).toString('base64url')): CodeKeys => ({
  eventKey: createEventKeys({ ticketKey: async (eventId) => ({ eventId, algorithm: 'Ed25519', publicKey: booking.publicKey(eventId) }) }),
  legacyMasterKey: master,
});

describe('the offline check-in kit', () => {
  const claims = { ticketId: randomUUID(), eventId: randomUUID(), sessionId: randomUUID() };
  const code = signTicketCode(booking, claims);
  const kit = checkinKit(claims.eventId, booking.publicKey(claims.eventId), [], []);

  it("verifies the event's codes with the kit's public key alone, and no other event's", () => {
    const publicKey = ticketPublicKey(kit.publicKey);
    expect(verifyTicketCode(publicKey, code)).toEqual(claims);
    expect(verifyTicketCode(publicKey, signTicketCode(booking, { ...claims, eventId: randomUUID() }))).toBeUndefined();
  });

  it('cannot sign: it holds a public key only, and a code signed with any other key is refused with it', () => {
    expect(kit).toEqual({
      eventId: claims.eventId,
      algorithm: 'Ed25519',
      publicKey: expect.stringMatching(/^[\w-]{43}$/),
      codeFormat: expect.stringMatching(/^TKT3\./),
      voidedTicketIds: [],
      admittedTicketIds: [],
      generatedAt: expect.any(String),
    });
    const publicKey = ticketPublicKey(kit.publicKey);
    expect(publicKey.type).toBe('public');
    // Nothing in the kit is a private key: not as PKCS#8, nor as an Ed25519 seed.
    for (const value of Object.values(kit).filter((v): v is string => typeof v === 'string')) {
      const bytes = Buffer.from(value, 'base64url');
      expect(() => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' })).toThrow();
      if (bytes.length === 32) {
        const asSeed = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), bytes]), format: 'der', type: 'pkcs8' });
        const body = ticketCodeBody(claims);
        expect(verifyTicketCode(publicKey, `${body}.${sign(null, Buffer.from(body), asSeed).toString('base64url')}`)).toBeUndefined();
      }
    }
    // A forger's own key pair makes well-formed codes the kit refuses.
    const body = ticketCodeBody({ ...claims, ticketId: randomUUID() });
    const forged = `${body}.${sign(null, Buffer.from(body), generateKeyPairSync('ed25519').privateKey).toString('base64url')}`;
    expect(verifyTicketCode(publicKey, forged)).toBeUndefined();
  });

  it('refuses a code with one character changed in its claims or its signature', () => {
    const publicKey = ticketPublicKey(kit.publicKey);
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'a' ? 'b' : 'a') + s.slice(at + 1);
    expect(verifyTicketCode(publicKey, flip(code, code.indexOf('.') + 3))).toBeUndefined();
    expect(verifyTicketCode(publicKey, flip(code, code.length - 10))).toBeUndefined();
  });

  it('carries the revocation and admission lists it was given', () => {
    const voided = [randomUUID()];
    const admitted = [randomUUID(), randomUUID()];
    expect(checkinKit(claims.eventId, kit.publicKey, voided, admitted)).toMatchObject({ voidedTicketIds: voided, admittedTicketIds: admitted });
  });
});

describe('why the door refuses a code', () => {
  const claims = { ticketId: randomUUID(), eventId: randomUUID(), sessionId: randomUUID() };
  const code = signTicketCode(booking, claims);
  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'a' ? 'b' : 'a') + s.slice(at + 1);

  it('accepts a genuine code', async () => {
    expect(await checkCode(doorKeys(), code)).toMatchObject({ format: 'TKT3', claims });
  });

  it('calls a code with one character changed in its claims or signature a bad signature', async () => {
    expect(await checkCode(doorKeys(), flip(code, code.indexOf('.') + 3))).toBe('bad-signature');
    expect(await checkCode(doorKeys(), flip(code, code.length - 2))).toBe('bad-signature');
  });

  it('calls anything not shaped like a code malformed', async () => {
    expect(await checkCode(doorKeys(), 'hello')).toBe('malformed');
    expect(await checkCode(doorKeys(), code.replace('TKT3', 'TKT1'))).toBe('malformed');
    expect(await checkCode(doorKeys(), code.split('.').slice(0, 4).join('.'))).toBe('malformed');
  });

  it('verifies an earlier HMAC code (TKT2) with the master key, and refuses one made with another', async () => {
    const master = randomBytes(24).toString('base64url');
    const body = ticketCodeBody(claims, 'TKT2');
    const legacy = `${body}.${legacyTicketSignature(legacyEventTicketKey(master, claims.eventId), body)}`;
    expect(await checkCode(doorKeys(master), legacy)).toMatchObject({ format: 'TKT2', claims });
    expect(await checkCode(doorKeys(), legacy)).toBe('bad-signature');
  });
});
