import { describe, expect, it } from 'vitest';
import { createOfflineDoor, type AdmissionStore, type CheckinKit, type OfflineAdmission } from './offline-door';
import { bytesToBase64url, createCodeVerifier, type CodeCheck } from './ticket-code';

const eventId = 'e';
const kit: CheckinKit = {
  eventId,
  algorithm: 'Ed25519',
  publicKey: 'k',
  codeFormat: 'TKT3.<ticketId>.<eventId>.<sessionId>.<signature>',
  voidedTicketIds: ['void'],
  admittedTicketIds: ['in-before'],
  generatedAt: '2026-12-01T18:00:00.000Z',
};
/** Codes are "good:<ticketId>", "TKT2…" (an older code) or anything else (a bad signature): the signature check has its own tests. */
const verify = async (code: string): Promise<CodeCheck> =>
  code.startsWith('good:')
    ? { ok: true, ticketId: code.slice(5), eventId, sessionId: 's' }
    : code.startsWith('TKT2') ? { ok: false, reason: 'online-only' } : { ok: false, reason: 'bad-signature' };
const memory = (initial: OfflineAdmission[] = []): AdmissionStore & { saved: OfflineAdmission[] } => {
  const s = { saved: initial, load: () => s.saved, save: (a: OfflineAdmission[]) => void (s.saved = a) };
  return s;
};
const clock = () => new Date('2026-12-01T19:00:00.000Z');

describe('offline door', () => {
  it('admits a validly signed ticket once, remembers it on the device, and calls a second scan already admitted', async () => {
    const store = memory();
    const door = createOfflineDoor(kit, verify, store, clock);
    expect(await door.scan('good:t1', 'North')).toMatchObject({ result: 'admitted', ticketId: 't1', offline: true });
    expect(store.saved).toEqual([{ ticketId: 't1', code: 'good:t1', door: 'North', admittedAt: '2026-12-01T19:00:00.000Z' }]);
    expect(await door.scan('good:t1')).toEqual({ result: 'already', ticketId: 't1', admittedAt: '2026-12-01T19:00:00.000Z', door: 'North' });
  });

  it('refuses bad signatures, voided tickets, and tickets the kit says were already in', async () => {
    const door = createOfflineDoor(kit, verify, memory(), clock);
    expect(await door.scan('forged')).toEqual({ result: 'invalid', reason: 'bad-signature' });
    expect(await door.scan('good:void')).toEqual({ result: 'invalid', reason: 'voided' });
    expect(await door.scan('good:in-before')).toMatchObject({ result: 'already', ticketId: 'in-before' });
  });

  it('neither admits nor refuses an older (TKT2) code, and queues nothing for it', async () => {
    const store = memory();
    const door = createOfflineDoor(kit, verify, store, clock);
    expect(await door.scan('TKT2.legacy')).toEqual({ result: 'online-only', reason: 'legacy-code' });
    expect(await door.scan('TKT2.legacy')).toEqual({ result: 'online-only', reason: 'legacy-code' });
    expect(door.pending()).toEqual([]);
    expect(store.saved).toEqual([]);
  });

  it('keeps admissions across a reload of the page (the store)', async () => {
    const store = memory();
    await createOfflineDoor(kit, verify, store, clock).scan('good:t1');
    const reloaded = createOfflineDoor(kit, verify, store, clock);
    expect(reloaded.pending()).toHaveLength(1);
    expect((await reloaded.scan('good:t1')).result).toBe('already');
  });

  it('syncs in order, reports conflicts, and keeps what the network did not carry', async () => {
    const store = memory();
    const door = createOfflineDoor(kit, verify, store, clock);
    for (const t of ['a', 'b', 'c', 'd']) await door.scan(`good:${t}`);
    const answers: Record<string, 'admitted' | 'already' | 'unreachable'> = { a: 'admitted', b: 'already', c: 'unreachable', d: 'admitted' };
    const sent: string[] = [];
    const result = await door.sync(async (a) => (sent.push(a.ticketId), answers[a.ticketId]!));
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(result).toMatchObject({ synced: 2, remaining: 2 });
    expect(result.conflicts.map((c) => [c.admission.ticketId, c.outcome])).toEqual([['b', 'already']]);
    expect(store.saved.map((a) => a.ticketId)).toEqual(['c', 'd']);
    const again = await door.sync(async () => 'admitted');
    expect(again).toMatchObject({ synced: 2, remaining: 0 });
  });

  it('with a real kit: admits a code signed with the event key, refuses a forged one, and sends a TKT2 code online', async () => {
    const ids = { event: '11111111-1111-4111-8111-111111111111', session: '22222222-2222-4222-8222-222222222222', ticket: '33333333-3333-4333-8333-333333333333' };
    const sign = async (key: CryptoKey, body: string) =>
      `${body}.${bytesToBase64url(new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, new TextEncoder().encode(body))))}`;
    const [eventPair, forger] = (await Promise.all([0, 1].map(() => crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])))) as CryptoKeyPair[];
    const publicKey = bytesToBase64url(new Uint8Array(await crypto.subtle.exportKey('raw', eventPair!.publicKey)));
    const realKit: CheckinKit = { ...kit, eventId: ids.event, publicKey, voidedTicketIds: [], admittedTicketIds: [] };
    const store = memory();
    const door = createOfflineDoor(realKit, await createCodeVerifier(realKit), store, clock);
    const body = `TKT3.${ids.ticket}.${ids.event}.${ids.session}`;

    expect(await door.scan(await sign(forger!.privateKey, body))).toEqual({ result: 'invalid', reason: 'bad-signature' });
    expect(await door.scan(`TKT2.${ids.ticket}.${ids.event}.${ids.session}.${'a'.repeat(43)}`)).toEqual({ result: 'online-only', reason: 'legacy-code' });
    expect(store.saved).toEqual([]);
    expect(await door.scan(await sign(eventPair!.privateKey, body), 'North')).toMatchObject({ result: 'admitted', ticketId: ids.ticket, offline: true });
    expect(store.saved.map((a) => a.ticketId)).toEqual([ids.ticket]);
  });
});
