import { generateKeyPairSync, sign } from 'node:crypto';
import {
  legacyEventTicketKey, legacyTicketSignature, parseTicketCode, ticketCodeBody, ticketPublicKey, verifyLegacyTicketCode, verifyTicketCode,
} from '../../contracts/ticket-code';
import { signTicketCode } from '../../services/booking/tickets/ticket-code';
import { createTicketKeys } from '../../services/booking/tickets/ticket-keys';

const SECRET = 's'.repeat(43);
const CLAIMS = {
  ticketId: '2f1c7e1a-9a55-4f0c-9d5d-1d0f4a8c2b11',
  eventId: '5d0c2b8e-6a1f-4e7b-9c3d-2a1b0c9d8e7f',
  sessionId: '7b3e9a44-1f0e-4c59-8f5e-3a2b1c0d9e8f',
};
const OTHER_EVENT = '00000000-0000-4000-8000-000000000001';
const keys = createTicketKeys(SECRET);
const publicKeyOf = (eventId: string) => ticketPublicKey(keys.publicKey(eventId));

describe('ticket codes (TKT3, Ed25519)', () => {
  it("verifies a code booking signed with the event's public key alone", () => {
    const code = signTicketCode(keys, CLAIMS);
    expect(code).toMatch(/^TKT3\.[0-9a-f-]{36}\.[0-9a-f-]{36}\.[0-9a-f-]{36}\.[\w-]{86}$/);
    expect(verifyTicketCode(publicKeyOf(CLAIMS.eventId), code)).toEqual(CLAIMS);
  });

  it('derives the same key pair for an event every time (every booking replica signs alike), and another for each event', () => {
    expect(createTicketKeys(SECRET).publicKey(CLAIMS.eventId)).toBe(keys.publicKey(CLAIMS.eventId));
    expect(keys.publicKey(OTHER_EVENT)).not.toBe(keys.publicKey(CLAIMS.eventId));
    expect(createTicketKeys('t'.repeat(43)).publicKey(CLAIMS.eventId)).not.toBe(keys.publicKey(CLAIMS.eventId));
    expect(Buffer.from(keys.publicKey(CLAIMS.eventId), 'base64url')).toHaveLength(32);
  });

  it("refuses a code checked with another event's key, or signed under another secret", () => {
    expect(verifyTicketCode(publicKeyOf(OTHER_EVENT), signTicketCode(keys, CLAIMS))).toBeUndefined();
    expect(verifyTicketCode(publicKeyOf(CLAIMS.eventId), signTicketCode(createTicketKeys('x'.repeat(43)), CLAIMS))).toBeUndefined();
  });

  it('refuses a well-formed code signed with a key of its own (what a forger holding only public keys can make)', () => {
    const forger = generateKeyPairSync('ed25519').privateKey;
    const body = ticketCodeBody(CLAIMS);
    const forged = `${body}.${sign(null, Buffer.from(body), forger).toString('base64url')}`;
    expect(parseTicketCode(forged)).toBeDefined();
    expect(verifyTicketCode(publicKeyOf(CLAIMS.eventId), forged)).toBeUndefined();
  });

  it.each(['ticketId', 'eventId', 'sessionId'] as const)('refuses a code whose %s was swapped', (field) => {
    const parts = signTicketCode(keys, CLAIMS).split('.');
    parts[{ ticketId: 1, eventId: 2, sessionId: 3 }[field]] = '00000000-0000-4000-8000-000000000000';
    expect(verifyTicketCode(publicKeyOf(CLAIMS.eventId), parts.join('.'))).toBeUndefined();
  });

  it('refuses every other spelling of the same signature (base64url leaves bits of its last character unused)', () => {
    const code = signTicketCode(keys, CLAIMS);
    const last = code[code.length - 1]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twins = [...alphabet].filter((ch) => ch !== last).map((ch) => code.slice(0, -1) + ch);
    for (const twin of twins) expect(verifyTicketCode(publicKeyOf(CLAIMS.eventId), twin)).toBeUndefined();
  });

  it.each(['', 'TKT3', 'TKT1.a.b.c.d', 'not a code at all', 'TKT3.a.b.c.d.e', 'TKT3....x'])('refuses %p', (code) => {
    expect(verifyTicketCode(publicKeyOf(CLAIMS.eventId), code)).toBeUndefined();
  });
});

describe('legacy ticket codes (TKT2, HMAC), verified online until their events have passed', () => {
  const MASTER = 'k'.repeat(32);
  const legacyCode = (master: string, c = CLAIMS) => {
    const body = ticketCodeBody(c, 'TKT2');
    return `${body}.${legacyTicketSignature(legacyEventTicketKey(master, c.eventId), body)}`;
  };

  it('verifies a code signed with the master key, and nothing signed with another', () => {
    expect(verifyLegacyTicketCode(MASTER, legacyCode(MASTER))).toEqual(CLAIMS);
    expect(verifyLegacyTicketCode(MASTER, legacyCode('x'.repeat(32)))).toBeUndefined();
  });

  it('keeps the two formats apart: a TKT2 code never passes as TKT3, nor the reverse', () => {
    expect(verifyTicketCode(publicKeyOf(CLAIMS.eventId), legacyCode(MASTER))).toBeUndefined();
    expect(verifyLegacyTicketCode(MASTER, signTicketCode(keys, CLAIMS))).toBeUndefined();
    expect(verifyLegacyTicketCode(MASTER, legacyCode(MASTER).replace('TKT2', 'TKT3'))).toBeUndefined();
  });
});
