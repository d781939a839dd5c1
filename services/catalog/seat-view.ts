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
 *
 * Beside the view: a revision per session, bumped by every change that
 * lands, so a serialized seat map can be reused until the seats change; and
 * short claims, one key per seat, that the booking API takes before it
 * starts a workflow, so that of many buyers racing for a seat only one
 * starts a workflow (PostgreSQL still decides; a claim only filters).
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
const revKey = (sessionId: string) => `seatview:${sessionId}:rev`;
const claimKey = (sessionId: string, seatId: string) => `seatclaim:${sessionId}:${seatId}`;

// KEYS: view, revision. ARGV: field, value, field, value... where value starts with "<version>|".
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
if n > 0 then redis.call('INCR', KEYS[2]) end
return n`;

// KEYS: ready, view, then one claim key per seat. ARGV: now (ms), claim TTL (ms), reservation id, then the seat ids.
// Returns the seats that cannot be had: taken in the view (or unknown to a built view), or claimed by another reservation.
// Claims are taken only when every seat is free.
const CLAIM = `
local now, ttl, mine = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local ready = redis.call('EXISTS', KEYS[1]) == 1
local refused = {}
for i = 4, #ARGV do
  local claimKey = KEYS[i - 1]
  local taken = false
  if ready then
    local cur = redis.call('HGET', KEYS[2], ARGV[i])
    if not cur then
      taken = true
    else
      local status, untilMs, holder = string.match(cur, '^%d+|(%a)|(%d+)|(.*)$')
      taken = status == 's' or (status == 'h' and tonumber(untilMs) > now and holder ~= mine)
    end
  end
  if not taken then
    local claimant = redis.call('GET', claimKey)
    taken = claimant and claimant ~= mine
  end
  if taken then refused[#refused + 1] = ARGV[i] end
end
if #refused == 0 then
  for i = 4, #ARGV do redis.call('SET', KEYS[i - 1], mine, 'PX', ttl) end
end
return refused`;

// KEYS: claim keys. ARGV: reservation id. Drops only this reservation's claims.
const RELEASE = `
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
return 0`;

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
    await redis.eval(APPLY, 2, key(sessionId), revKey(sessionId), ...changes.flatMap((c) => [c.seatId, encode(c)]));
  };

  return {
    apply,

    /** Builds the view from the database's rows, once per session (again after `invalidate`). */
    async ensure(sessionId: string, load: () => Promise<SeatChange[]>): Promise<void> {
      if (await redis.exists(readyKey(sessionId))) return;
      await apply(sessionId, await load());
      await redis.set(readyKey(sessionId), '1');
    },

    /** Every seat's state and the revision it is at, or undefined when the view of this session is not built. */
    async all(sessionId: string): Promise<{ revision: number; states: Map<string, SeatState> } | undefined> {
      const [[, ready], [, fields], [, revision]] = (await redis
        .multi()
        .exists(readyKey(sessionId))
        .hgetall(key(sessionId))
        .get(revKey(sessionId))
        .exec()) as [[unknown, number], [unknown, Record<string, string>], [unknown, string | null]];
      if (!ready) return undefined;
      return { revision: Number(revision ?? 0), states: new Map(Object.entries(fields).map(([seatId, v]) => [seatId, decode(v)])) };
    },

    /** The session's revision: it changes whenever a seat's state does (0 before any). */
    async revision(sessionId: string): Promise<number> {
      return Number((await redis.get(revKey(sessionId))) ?? 0);
    },

    /**
     * Claims the seats for a reservation for `ttlMs`, unless one is known to be
     * taken or is claimed by another reservation: those seats are returned and
     * nothing is claimed. The same reservation may claim its seats again.
     */
    async claim(sessionId: string, seatIds: string[], reservationId: string, ttlMs: number, now = Date.now()): Promise<string[]> {
      return (await redis.eval(
        CLAIM,
        2 + seatIds.length,
        readyKey(sessionId),
        key(sessionId),
        ...seatIds.map((seatId) => claimKey(sessionId, seatId)),
        now,
        Math.max(1, Math.round(ttlMs)),
        reservationId,
        ...seatIds,
      )) as string[];
    },

    /** Gives up a reservation's claims (its hold is in the view now, or failed). */
    async releaseClaims(sessionId: string, seatIds: string[], reservationId: string): Promise<void> {
      if (seatIds.length === 0) return;
      await redis.eval(RELEASE, seatIds.length, ...seatIds.map((seatId) => claimKey(sessionId, seatId)), reservationId);
    },

    /** Forgets a session's view (its layout changed); the next read rebuilds it. */
    async invalidate(sessionId: string): Promise<void> {
      // The revision moves on rather than restarting, so nothing cached from before matches it.
      await redis.multi().del(readyKey(sessionId), key(sessionId)).incr(revKey(sessionId)).exec();
    },
  };
}
export type SeatView = ReturnType<typeof createSeatView>;
