import { describe, expect, it } from 'vitest';
import { bytesToBase64url, createCodeVerifier, parseTicketCode } from './ticket-code';

/**
 * Codes signed here as booking signs them (services/booking/tickets/ticket-code.ts):
 * Ed25519 over "TKT3.<ticket>.<event>.<session>", base64url. The contract test
 * against booking's own signer is test/unit/web-ticket-code.test.ts.
 */
const newKeyPair = () => crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
const rawPublicKey = async (pair: CryptoKeyPair) => bytesToBase64url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));

async function issue(pair: CryptoKeyPair, ticketId: string, eventId: string, sessionId: string) {
  const body = `TKT3.${ticketId}.${eventId}.${sessionId}`;
  const signature = await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, new TextEncoder().encode(body));
  return `${body}.${bytesToBase64url(new Uint8Array(signature))}`;
}

const eventId = '11111111-1111-4111-8111-111111111111';
const sessionId = '22222222-2222-4222-8222-222222222222';
const ticketId = '33333333-3333-4333-8333-333333333333';
const pair = await newKeyPair();
const kit = { eventId, algorithm: 'Ed25519', publicKey: await rawPublicKey(pair) };

describe('createCodeVerifier (Ed25519 kit)', () => {
  it('accepts a code signed with the event key and returns its claims', async () => {
    expect(kit.publicKey).toHaveLength(43);
    const verify = await createCodeVerifier(kit);
    const code = await issue(pair, ticketId, eventId, sessionId);
    expect(code).toMatch(/^TKT3\.[0-9a-f-]{36}\.[0-9a-f-]{36}\.[0-9a-f-]{36}\.[\w-]{86}$/);
    expect(await verify(code)).toEqual({ ok: true, ticketId, eventId, sessionId });
  });

  it('refuses a code whose claims were altered after signing', async () => {
    const verify = await createCodeVerifier(kit);
    const code = await issue(pair, ticketId, eventId, sessionId);
    expect(await verify(code.replace(ticketId, '44444444-4444-4444-8444-444444444444'))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(await verify(code.replace(sessionId, '66666666-6666-4666-8666-666666666666'))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a signature spelt another way (the unused bits of its last character changed), as the server does', async () => {
    const verify = await createCodeVerifier(kit);
    const code = await issue(pair, ticketId, eventId, sessionId);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(code.at(-1)!);
    // 86 characters carry 516 bits for 512: the last character's low 4 bits are unused.
    const respelt = code.slice(0, -1) + alphabet[last ^ 1];
    expect(await verify(respelt)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a code signed with another key (what a forger holding only public keys can make)', async () => {
    const verify = await createCodeVerifier(kit);
    expect(await verify(await issue(await newKeyPair(), ticketId, eventId, sessionId))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('names a code of another event as such', async () => {
    const other = '55555555-5555-4555-8555-555555555555';
    const verify = await createCodeVerifier(kit);
    expect(await verify(await issue(pair, ticketId, other, sessionId))).toEqual({ ok: false, reason: 'other-event' });
  });

  it('never passes an older TKT2 code offline: it is for the online door only', async () => {
    const verify = await createCodeVerifier(kit);
    const legacy = `TKT2.${ticketId}.${eventId}.${sessionId}.${'a'.repeat(43)}`;
    expect(await verify(legacy)).toEqual({ ok: false, reason: 'online-only' });
    // A TKT3 signature under the TKT2 prefix, or the reverse, is neither.
    const code = await issue(pair, ticketId, eventId, sessionId);
    expect(await verify(code.replace('TKT3', 'TKT2'))).toEqual({ ok: false, reason: 'malformed' });
    expect(await verify(legacy.replace('TKT2', 'TKT3'))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('calls anything else malformed', async () => {
    const verify = await createCodeVerifier(kit);
    const sig = 'a'.repeat(86);
    for (const code of ['', 'hello', `TKT1.${ticketId}.${eventId}.${sessionId}.${sig}`, `TKT3.x.${eventId}.${sessionId}.${sig}`, `TKT3.${ticketId}.${eventId}.${sessionId}.${sig}.x`, `TKT3.${ticketId}.${eventId}.${sessionId}.${sig}a`]) {
      expect(await verify(code)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses a kit it cannot use, rather than admitting anything', async () => {
    await expect(createCodeVerifier({ ...kit, algorithm: 'HMAC-SHA256' })).rejects.toThrow(/unsupported/);
    await expect(createCodeVerifier({ eventId, algorithm: 'Ed25519', publicKey: '' })).rejects.toThrow(/public key/);
  });

  it('trims a scanned code', () => {
    expect(parseTicketCode(`  TKT3.${ticketId}.${eventId}.${sessionId}.${'a'.repeat(86)}\n`)?.ticketId).toBe(ticketId);
  });
});
