import { describe, expect, it } from 'vitest';
import { createOfflineDoor, type AdmissionStore, type CheckinKit, type OfflineAdmission } from './offline-door';
import type { CodeCheck } from './ticket-code';

const eventId = 'e';
const kit: CheckinKit = { eventId, algorithm: 'HMAC-SHA256', key: 'k', voidedTicketIds: ['void'], admittedTicketIds: ['in-before'], generatedAt: '2026-12-01T18:00:00.000Z' };
/** Codes are "good:<ticketId>" or anything else (a bad signature): the signature check has its own tests. */
const verify = async (code: string): Promise<CodeCheck> =>
  code.startsWith('good:') ? { ok: true, ticketId: code.slice(5), eventId, sessionId: 's' } : { ok: false, reason: 'bad-signature' };
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
});
