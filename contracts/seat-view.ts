/**
 * The catalog's seat view in Redis, as other services read it: one hash per
 * session, a field per seat, "version|status|heldUntilMs|reservationId";
 * it exists once the "ready" key does. The catalog owns and writes it
 * (services/catalog/seat-view.ts); booking reads it to refuse seats known to
 * be taken before any workflow starts (services/booking/seat-claims.ts).
 * PostgreSQL stays the truth: the view only filters.
 */

export type StoredStatus = 'available' | 'held' | 'sold';

/** A seat's committed state, as the catalog publishes it. */
export interface SeatChange {
  seatId: string;
  version: number;
  status: StoredStatus;
  heldUntil: Date | null;
  reservationId: string | null;
}

export interface SeatState {
  version: number;
  status: StoredStatus;
  heldUntil: number;
  reservationId: string | null;
}

const CODES: Record<StoredStatus, string> = { available: 'a', held: 'h', sold: 's' };
const STATUS: Record<string, StoredStatus> = { a: 'available', h: 'held', s: 'sold' };

export const seatViewKey = (sessionId: string) => `seatview:${sessionId}`;
export const seatViewReadyKey = (sessionId: string) => `seatview:${sessionId}:ready`;

/**
 * A seat's field value. Lua scripts that read the view match it as
 * '^(%d+)|(%a)|(%d+)|(.*)$': version, status code, hold end (ms), holder.
 */
export const encodeSeatState = (c: SeatChange) =>
  `${c.version}|${CODES[c.status]}|${c.heldUntil ? c.heldUntil.getTime() : 0}|${c.reservationId ?? ''}`;

export function decodeSeatState(value: string): SeatState {
  const [version, code, until, reservation] = value.split('|');
  return { version: Number(version), status: STATUS[code!] ?? 'available', heldUntil: Number(until), reservationId: reservation || null };
}

/** Whether a seat is taken for `reservationId` (or anyone) at `now`: sold, or held by another until later. */
export function isTaken(s: SeatState | undefined, now: number, reservationId?: string): boolean {
  if (!s) return false;
  if (s.status === 'sold') return true;
  return s.status === 'held' && s.heldUntil > now && s.reservationId !== reservationId;
}
