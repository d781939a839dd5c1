import { checkinKit, scanTicket } from '../../api/door';
import { ApiError } from '../../api/errors';
import { createOfflineDoor, type AdmissionStore, type CheckinKit, type DoorVerdict, type OfflineDoor, type SyncConflict, type SyncOutcome } from '../../lib/offline-door';
import { createCodeVerifier } from '../../lib/ticket-code';

/**
 * One event's door on this device: scans go to the check-in service while
 * the network answers, and to the offline door (the event's kit, verified
 * with WebCrypto) when it does not or when staff switch to offline. Offline
 * admissions wait in localStorage (ticket ids and times: nothing secret)
 * until a sync hands them to the server. The kit carries the event's
 * Ed25519 public key (it verifies, it cannot sign) and is fetched afresh
 * each time the door opens, so its voided list is as recent as can be.
 */

export interface ScanAnswer {
  verdict: DoorVerdict;
  seat?: string;
}

const seatText = (seat: unknown) => {
  const s = seat as { section?: string; row?: string; number?: number } | undefined;
  if (!s?.section) return undefined;
  return s.row === 'GA' ? `${s.section} (standing)` : `Section ${s.section}, row ${s.row}, seat ${s.number}`;
};

function localStore(eventId: string): AdmissionStore {
  const key = `ticketing.door.pending.${eventId}`;
  return {
    load: () => {
      try {
        return JSON.parse(localStorage.getItem(key) ?? '[]');
      } catch {
        return [];
      }
    },
    save: (a) => {
      try {
        localStorage.setItem(key, JSON.stringify(a));
      } catch {
        // Full or disabled storage: the queue lives as long as the page.
      }
    },
  };
}

/** The server's answer to one scan, as a verdict: the server decides every code, so never 'online-only'. */
async function scanOnline(code: string, door: string | undefined): Promise<ScanAnswer & { verdict: Exclude<DoorVerdict, { result: 'online-only' }> }> {
  try {
    const a = await scanTicket(code, door);
    return { verdict: { result: 'admitted', ticketId: a.ticket.id, admittedAt: a.admittedAt, door: a.door, offline: false }, seat: seatText(a.ticket.seat) };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.code === 'ALREADY_CHECKED_IN') {
      return { verdict: { result: 'already', ticketId: err.body.ticketId as string, admittedAt: err.body.admittedAt as string, door: (err.body.door as string | null) ?? null } };
    }
    if (err.code === 'INVALID_TICKET') return { verdict: { result: 'invalid', reason: String(err.body.reason ?? 'invalid'), detail: err.detail } };
    if (err.status === 403) return { verdict: { result: 'invalid', reason: 'forbidden', detail: err.detail } };
    throw err;
  }
}

export async function openDoorStation(eventId: string) {
  let offlineDoor: OfflineDoor | undefined;
  let kit: CheckinKit | undefined;
  const store = localStore(eventId);

  /** Downloads (or refreshes) the kit; admissions already queued on this device are kept. */
  async function loadKit(): Promise<CheckinKit> {
    kit = await checkinKit(eventId);
    offlineDoor = createOfflineDoor(kit, await createCodeVerifier(kit), store);
    return kit;
  }

  const send = async (a: { code: string; door?: string }): Promise<SyncOutcome> => {
    try {
      const r = await scanOnline(a.code, a.door);
      return r.verdict.result;
    } catch {
      return 'unreachable';
    }
  };

  return {
    loadKit,
    kit: () => kit,
    pending: () => (offlineDoor ? offlineDoor.pending().length : store.load().length),

    /** Online first; offline when asked to, or when the network fails and a kit is there. */
    async scan(code: string, door: string | undefined, offline: boolean): Promise<ScanAnswer> {
      if (!offline) {
        try {
          return await scanOnline(code, door);
        } catch (err) {
          if (!(err instanceof ApiError && (err.offline || err.status >= 500)) || !offlineDoor) throw err;
        }
      }
      if (!offlineDoor) throw new Error('No offline kit on this device yet: go online once to fetch it.');
      return { verdict: await offlineDoor.scan(code, door) };
    },

    async sync(): Promise<{ synced: number; conflicts: SyncConflict[]; remaining: number }> {
      if (!offlineDoor) return { synced: 0, conflicts: [], remaining: store.load().length };
      return offlineDoor.sync(send);
    },
  };
}
export type DoorStation = Awaited<ReturnType<typeof openDoorStation>>;
