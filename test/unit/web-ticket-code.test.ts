import { randomUUID } from 'node:crypto';
import { CheckinKit } from '../../contracts/checkin';
import { legacyEventTicketKey, legacyTicketSignature, ticketCodeBody } from '../../contracts/ticket-code';
import { signTicketCode } from '../../services/booking/tickets/ticket-code';
import { createTicketKeys } from '../../services/booking/tickets/ticket-keys';
import { checkinKit } from '../../services/checkin/checkin-kit';
import { createCodeVerifier } from '../../web/src/lib/ticket-code';

/**
 * The contract between the server's ticket codes and the web app's offline
 * door: a TKT3 code booking signed (Ed25519, its event's derived key pair)
 * verifies in the browser's code (WebCrypto, run here on Node's) with nothing
 * but the event's check-in kit as checkin hands it out; nothing else does.
 */
describe('offline door verification in the web app against the server-signed codes', () => {
  const keys = createTicketKeys('a-keypair-secret-of-the-test-only-kind-----');
  const eventId = randomUUID();
  const claims = { ticketId: randomUUID(), eventId, sessionId: randomUUID() };
  const kitOf = (event: string) => CheckinKit.parse(checkinKit(event, keys.publicKey(event), [], []));

  it('accepts a code booking signed, with only the kit of its event (its public key)', async () => {
    const kit = kitOf(eventId);
    expect(kit).toMatchObject({ algorithm: 'Ed25519', publicKey: expect.stringMatching(/^[\w-]{43}$/) });
    expect(kit).not.toHaveProperty('key');
    const verify = await createCodeVerifier(kit);
    expect(await verify(signTicketCode(keys, claims))).toEqual({ ok: true, ...claims });
  });

  it.each(['ticketId', 'sessionId'] as const)('refuses a code whose %s was changed after signing', async (field) => {
    const verify = await createCodeVerifier(kitOf(eventId));
    const code = signTicketCode(keys, claims);
    expect(await verify(code.replace(claims[field], randomUUID()))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a code with one character of its signature changed', async () => {
    const verify = await createCodeVerifier(kitOf(eventId));
    const code = signTicketCode(keys, claims);
    const at = code.length - 10;
    expect(await verify(`${code.slice(0, at)}${code[at] === 'A' ? 'B' : 'A'}${code.slice(at + 1)}`)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a code signed under another secret, and names a code of another event', async () => {
    const verify = await createCodeVerifier(kitOf(eventId));
    const otherKeys = createTicketKeys('another-keypair-secret-entirely-----------');
    expect(await verify(signTicketCode(otherKeys, claims))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(await verify(signTicketCode(keys, { ...claims, eventId: randomUUID() }))).toEqual({ ok: false, reason: 'other-event' });
    // Each event's kit verifies its own event's codes only.
    const otherEvent = randomUUID();
    const verifyOther = await createCodeVerifier(kitOf(otherEvent));
    expect(await verifyOther(signTicketCode(keys, { ...claims, eventId: otherEvent }))).toMatchObject({ ok: true });
    expect(await verifyOther(signTicketCode(keys, claims))).toEqual({ ok: false, reason: 'other-event' });
  });

  it('refuses every other spelling of the same signature, as contracts/ticket-code.ts does', async () => {
    const verify = await createCodeVerifier(kitOf(eventId));
    const code = signTicketCode(keys, claims);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twins = [...alphabet].filter((ch) => ch !== code.at(-1)).map((ch) => code.slice(0, -1) + ch);
    for (const twin of twins) expect(await verify(twin)).toMatchObject({ ok: false });
    // Those whose decoded bytes are the same signature are the ones only the canonical check stops.
    const sameBytes = twins.filter((t) => Buffer.from(t.split('.')[4]!, 'base64url').equals(Buffer.from(code.split('.')[4]!, 'base64url')));
    expect(sameBytes).toHaveLength(15);
    for (const twin of sameBytes) expect(await verify(twin)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('never verifies a TKT2 code offline (the kit has no HMAC key): it is for the online door', async () => {
    const verify = await createCodeVerifier(kitOf(eventId));
    const body = ticketCodeBody(claims, 'TKT2');
    const legacy = `${body}.${legacyTicketSignature(legacyEventTicketKey('a-legacy-master-key', eventId), body)}`;
    expect(await verify(legacy)).toEqual({ ok: false, reason: 'online-only' });
  });
});
