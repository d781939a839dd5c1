import { describe, expect, it } from 'vitest';
import { createCodeVerifier, parseTicketCode } from './ticket-code';

const toBase64url = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Signs as the booking service does (services/shared/ticket-code.ts), with the event key of a kit. */
async function issue(keyBytes: Uint8Array<ArrayBuffer>, ticketId: string, eventId: string, sessionId: string) {
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const body = `TKT2.${ticketId}.${eventId}.${sessionId}`;
  return `${body}.${toBase64url(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)))}`;
}

const eventId = '11111111-1111-4111-8111-111111111111';
const sessionId = '22222222-2222-4222-8222-222222222222';
const ticketId = '33333333-3333-4333-8333-333333333333';
const keyBytes = crypto.getRandomValues(new Uint8Array(32));
const kit = { eventId, algorithm: 'HMAC-SHA256', key: toBase64url(keyBytes.buffer) };

describe('createCodeVerifier (HMAC-SHA256 kit)', () => {
  it('accepts a code signed with the event key and returns its claims', async () => {
    const verify = await createCodeVerifier(kit);
    expect(await verify(await issue(keyBytes, ticketId, eventId, sessionId))).toEqual({ ok: true, ticketId, eventId, sessionId });
  });

  it('refuses a code whose claims were altered after signing', async () => {
    const verify = await createCodeVerifier(kit);
    const code = await issue(keyBytes, ticketId, eventId, sessionId);
    const otherTicket = code.replace(ticketId, '44444444-4444-4444-8444-444444444444');
    expect(await verify(otherTicket)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a signature spelt another way (padding bits of its last character changed), as the server does', async () => {
    const verify = await createCodeVerifier(kit);
    const code = await issue(keyBytes, ticketId, eventId, sessionId);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(code.at(-1)!);
    const respelt = code.slice(0, -1) + alphabet[last ^ 1];
    expect(await verify(respelt)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a code signed with another key', async () => {
    const verify = await createCodeVerifier(kit);
    const forged = await issue(crypto.getRandomValues(new Uint8Array(32)), ticketId, eventId, sessionId);
    expect(await verify(forged)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('names a code of another event as such', async () => {
    const other = '55555555-5555-4555-8555-555555555555';
    const verify = await createCodeVerifier(kit);
    expect(await verify(await issue(keyBytes, ticketId, other, sessionId))).toEqual({ ok: false, reason: 'other-event' });
  });

  it('calls anything else malformed', async () => {
    const verify = await createCodeVerifier(kit);
    for (const code of ['', 'hello', `TKT1.${ticketId}.${eventId}.${sessionId}.${'a'.repeat(43)}`, `TKT2.x.${eventId}.${sessionId}.${'a'.repeat(43)}`]) {
      expect(await verify(code)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses a kit of an algorithm it does not know, rather than admitting anything', async () => {
    await expect(createCodeVerifier({ ...kit, algorithm: 'none' })).rejects.toThrow(/unsupported/);
  });

  it('trims a scanned code', () => {
    expect(parseTicketCode(`  TKT2.${ticketId}.${eventId}.${sessionId}.${'a'.repeat(43)}\n`)?.ticketId).toBe(ticketId);
  });
});
