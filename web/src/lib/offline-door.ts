import type { z } from 'zod';
import type { CheckinKit as CheckinKitSchema } from '../../../contracts/checkin';
import type { CodeCheck } from './ticket-code';

/**
 * The door without a network: codes are checked against the event's
 * check-in kit, admissions are remembered on the device and sent to the
 * check-in service (POST /api/v1/checkin) once the network is back. The
 * server stays the judge: a ticket admitted offline here and online at
 * another door comes back from the sync as a conflict to show.
 *
 * A ticket of the earlier code format (TKT2) cannot be verified offline: its
 * verdict is 'online-only', never admitted, and nothing is queued for it (an
 * admission synced later would have let in someone no one could check).
 */

/** GET /api/v1/events/{id}/checkin-kit: the event's Ed25519 public key, the voided and the admitted tickets. */
export type CheckinKit = z.infer<typeof CheckinKitSchema>;

export interface OfflineAdmission {
  ticketId: string;
  code: string;
  door?: string;
  admittedAt: string;
}

export type DoorVerdict =
  | { result: 'admitted'; ticketId: string; admittedAt: string; door?: string | null; offline: boolean }
  | { result: 'already'; ticketId?: string; admittedAt?: string; door?: string | null; detail?: string }
  | { result: 'invalid'; reason: string; detail?: string }
  /** Neither admitted nor refused: only the check-in service can tell (an older, TKT2, ticket scanned offline). */
  | { result: 'online-only'; reason: 'legacy-code' };

/** What a sync attempt of one admission came to. */
export type SyncOutcome = 'admitted' | 'already' | 'invalid' | 'unreachable';

export interface SyncConflict {
  admission: OfflineAdmission;
  outcome: 'already' | 'invalid';
}

/** Where admissions wait for the network (localStorage in the browser; a plain array in tests). */
export interface AdmissionStore {
  load(): OfflineAdmission[];
  save(admissions: OfflineAdmission[]): void;
}

export function createOfflineDoor(kit: CheckinKit, verify: (code: string) => Promise<CodeCheck>, store: AdmissionStore, now = () => new Date()) {
  const voided = new Set(kit.voidedTicketIds);
  const admittedBefore = new Set(kit.admittedTicketIds);
  let pending = store.load();

  return {
    async scan(code: string, door?: string): Promise<DoorVerdict> {
      const check = await verify(code);
      if (!check.ok) return check.reason === 'online-only' ? { result: 'online-only', reason: 'legacy-code' } : { result: 'invalid', reason: check.reason };
      if (voided.has(check.ticketId)) return { result: 'invalid', reason: 'voided' };
      if (admittedBefore.has(check.ticketId)) {
        return { result: 'already', ticketId: check.ticketId, detail: `admitted before this device's kit was fetched (${kit.generatedAt})` };
      }
      const earlier = pending.find((a) => a.ticketId === check.ticketId);
      if (earlier) return { result: 'already', ticketId: check.ticketId, admittedAt: earlier.admittedAt, door: earlier.door ?? null };
      const admission: OfflineAdmission = { ticketId: check.ticketId, code: code.trim(), admittedAt: now().toISOString(), ...(door ? { door } : {}) };
      pending = [...pending, admission];
      store.save(pending);
      return { result: 'admitted', ticketId: admission.ticketId, admittedAt: admission.admittedAt, door: door ?? null, offline: true };
    },

    /** Admissions not yet accepted by the server, oldest first. */
    pending: (): readonly OfflineAdmission[] => pending,

    /**
     * Sends waiting admissions in order; stops at the first the network does
     * not carry (they stay for the next try). Each the server has answered
     * leaves the queue, conflicts included.
     */
    async sync(send: (a: OfflineAdmission) => Promise<SyncOutcome>): Promise<{ synced: number; conflicts: SyncConflict[]; remaining: number }> {
      let synced = 0;
      const conflicts: SyncConflict[] = [];
      for (const admission of [...pending]) {
        const outcome = await send(admission);
        if (outcome === 'unreachable') break;
        if (outcome !== 'admitted') conflicts.push({ admission, outcome });
        synced++;
        pending = pending.filter((a) => a !== admission);
        store.save(pending);
      }
      return { synced, conflicts, remaining: pending.length };
    },
  };
}
export type OfflineDoor = ReturnType<typeof createOfflineDoor>;
