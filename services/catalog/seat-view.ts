import type Redis from 'ioredis';

/**
 * The seat-state view in Redis: one hash per session, a field per seat,
 * "version|status|heldUntilMs|reservationId". PostgreSQL stays the truth;
 * the catalog writes each committed change here, and a change only
 * replaces an older version, so writes racing each other cannot leave an
 * older state behind. Holds are stored with their end, and a hold whose end
 * has passed reads as available at once, without any event.
 *
 * The catalog serves seat maps from it; the booking API reads it to refuse
 * seats known to be taken before starting a workflow.
 */

export type StoredStatus = 'available' | 'held' | 'sold';

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

const key = (sessionId: string) => `seatview:${sessionId}`;
const readyKey = (sessionId: string) => `seatview:${sessionId}:ready`;

// ARGV: field, value, field, value... where value starts with "<version>|".
const APPLY = `
local n = 0
for i = 1, #ARGV, 2 do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  local v = tonumber(string.match(ARGV[i + 1], '^(%d+)|'))
  if not cur or tonumber(string.match(cur, '^(%d+)|')) < v then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    n = n + 1
  end
end
return n`;

const encode = (c: SeatChange) =>
  `${c.version}|${CODES[c.status]}|${c.heldUntil ? c.heldUntil.getTime() : 0}|${c.reservationId ?? ''}`;

function decode(value: string): SeatState {
  const [version, code, until, reservation] = value.split('|');
  return { version: Number(version), status: STATUS[code!] ?? 'available', heldUntil: Number(until), reservationId: reservation || null };
}

/** Whether a seat is free for `reservationId` (or anyone) at `now`. */
export function isTaken(s: SeatState | undefined, now: number, reservationId?: string): boolean {
  if (!s) return false;
  if (s.status === 'sold') return true;
  return s.status === 'held' && s.heldUntil > now && s.reservationId !== reservationId;
}

export function createSeatView(redis: Redis) {
  const apply = async (sessionId: string, changes: SeatChange[]) => {
    if (changes.length === 0) return;
    await redis.eval(APPLY, 1, key(sessionId), ...changes.flatMap((c) => [c.seatId, encode(c)]));
  };

  return {
    apply,

    /** Builds the view from the database's rows, once per session (again after `invalidate`). */
    async ensure(sessionId: string, load: () => Promise<SeatChange[]>): Promise<void> {
      if (await redis.exists(readyKey(sessionId))) return;
      await apply(sessionId, await load());
      await redis.set(readyKey(sessionId), '1');
    },

    /** Every seat's state, or undefined when the view of this session is not built. */
    async all(sessionId: string): Promise<Map<string, SeatState> | undefined> {
      const [[, ready], [, fields]] = (await redis.multi().exists(readyKey(sessionId)).hgetall(key(sessionId)).exec()) as [
        [unknown, number],
        [unknown, Record<string, string>],
      ];
      if (!ready) return undefined;
      return new Map(Object.entries(fields).map(([seatId, v]) => [seatId, decode(v)]));
    },

    /** Some seats' states (undefined for seats the view does not know), or undefined when not built. */
    async some(sessionId: string, seatIds: string[]): Promise<(SeatState | undefined)[] | undefined> {
      const [[, ready], [, values]] = (await redis.multi().exists(readyKey(sessionId)).hmget(key(sessionId), ...seatIds).exec()) as [
        [unknown, number],
        [unknown, (string | null)[]],
      ];
      if (!ready) return undefined;
      return values.map((v) => (v ? decode(v) : undefined));
    },

    /** Forgets a session's view (its layout changed); the next read rebuilds it. */
    async invalidate(sessionId: string): Promise<void> {
      await redis.del(readyKey(sessionId), key(sessionId));
    },
  };
}
export type SeatView = ReturnType<typeof createSeatView>;
