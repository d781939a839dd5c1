import type Redis from 'ioredis';
import { decodeSeatState, encodeSeatState, seatViewKey as key, seatViewReadyKey as readyKey, type SeatChange, type SeatState } from '../../contracts/seat-view';

/** The catalog's own keys beside the view: the places' order, their bits, the holds' ends, and which layout they follow. */
const indexKey = (sessionId: string) => `seatview:${sessionId}:index`;
const bitsKey = (sessionId: string) => `seatview:${sessionId}:bits`;
const holdsKey = (sessionId: string) => `seatview:${sessionId}:holds`;
const indexedKey = (sessionId: string) => `seatview:${sessionId}:indexed`;

/**
 * The seat-state view in Redis (its layout: contracts/seat-view.ts).
 * PostgreSQL stays the truth; the catalog writes each committed change here,
 * and a change only replaces an older version, so writes racing each other
 * cannot leave an older state behind. Holds are stored with their end, and a
 * hold whose end has passed reads as available at once, without any event.
 *
 * The catalog serves seat maps from it; the booking API claims seats against
 * it before it starts a workflow (services/booking/seat-claims.ts).
 *
 * Beside the view: a revision per session, bumped by every change that
 * lands, so a serialized seat map can be reused until the seats change; and
 * the session's places as two bits each in the layout's order, with their
 * holds' ends, kept by the same script that applies a change: an
 * availability is read from them in one round trip, with no seat read or
 * decoded (a 5,000-seat session's full read cost ~16 ms of the catalog's CPU).
 */

const revKey = (sessionId: string) => `seatview:${sessionId}:rev`;
/** The run id of the Redis server the views were last checked against (seat-view-repair.ts). */
const RUN_ID_KEY = 'seatview-redis-run-id';

// KEYS: view, revision, index, bits, holds. ARGV: field, value, field, value... where value is
// "<version>|<status code>|<heldUntilMs>|<holder>" (contracts/seat-view.ts). A change replaces an
// older version only; one that lands also moves the place's two bits and its hold end, when the
// session's places are indexed (indexPlaces).
const APPLY = `
local n = 0
local codes = { a = 0, h = 1, s = 2 }
for i = 1, #ARGV, 2 do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  local v, code, untilMs = string.match(ARGV[i + 1], '^(%d+)|(%a)|(%d+)|')
  if not cur or tonumber(string.match(cur, '^(%d+)|')) < tonumber(v) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    n = n + 1
    local at = redis.call('HGET', KEYS[3], ARGV[i])
    if at then
      redis.call('BITFIELD', KEYS[4], 'SET', 'u2', '#' .. at, codes[code] or 0)
      if code == 'h' then redis.call('ZADD', KEYS[5], untilMs, at) else redis.call('ZREM', KEYS[5], at) end
    end
  end
end
if n > 0 then redis.call('INCR', KEYS[2]) end
return n`;

// KEYS: view, index, bits, holds, indexed. ARGV: the layout version, then the places in order.
// Indexes the places and writes every place's bits and hold end from the view as it stands, at
// once: a change applied before this is in the view, one applied after finds the index.
const INDEX = `
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
local codes = { a = 0, h = 1, s = 2 }
for i = 2, #ARGV do
  local at = i - 2
  redis.call('HSET', KEYS[2], ARGV[i], at)
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  if cur then
    local code, untilMs = string.match(cur, '^%d+|(%a)|(%d+)|')
    if code ~= 'a' then redis.call('BITFIELD', KEYS[3], 'SET', 'u2', '#' .. at, codes[code] or 0) end
    if code == 'h' then redis.call('ZADD', KEYS[4], untilMs, at) end
  end
end
redis.call('SET', KEYS[5], ARGV[1])
return #ARGV - 1`;

/** A session's places as two bits each in the layout's order, with the holds' ends: an availability in the making. */
export interface PlaceBits {
  revision: number;
  /** Two bits per place, MSB first (contracts/availability.ts): 0 free, 1 held (whatever its end), 2 sold. */
  bits: Buffer;
  /** Places held until a moment already past: free now. */
  lapsed: number[];
  /** When the first hold still live ends (ms), Infinity when none. */
  nextLapse: number;
}

export function createSeatView(redis: Redis) {
  const keys = (sessionId: string) => [key(sessionId), revKey(sessionId), indexKey(sessionId), bitsKey(sessionId), holdsKey(sessionId)];
  const apply = async (sessionId: string, changes: SeatChange[]) => {
    if (changes.length === 0) return;
    await redis.eval(APPLY, 5, ...keys(sessionId), ...changes.flatMap((c) => [c.seatId, encodeSeatState(c)]));
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
      return { revision: Number(revision ?? 0), states: new Map(Object.entries(fields).map(([seatId, v]) => [seatId, decodeSeatState(v)])) };
    },

    /**
     * The places' bits as Redis keeps them, read in one round trip without
     * reading any seat: undefined when the view is not built or its places are
     * not indexed for this layout (indexPlaces).
     */
    async bits(sessionId: string, layoutVersion: string, now = Date.now()): Promise<PlaceBits | undefined> {
      const [[, ready], [, indexed], [, revision], [, bits], [, lapsed], [, next]] = (await redis
        .multi()
        .exists(readyKey(sessionId))
        .get(indexedKey(sessionId))
        .get(revKey(sessionId))
        .getBuffer(bitsKey(sessionId))
        .zrangebyscore(holdsKey(sessionId), '-inf', now)
        .zrangebyscore(holdsKey(sessionId), `(${now}`, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
        .exec()) as [[unknown, number], [unknown, string | null], [unknown, string | null], [unknown, Buffer | null], [unknown, string[]], [unknown, string[]]];
      if (!ready || indexed !== layoutVersion) return undefined;
      return {
        revision: Number(revision ?? 0),
        bits: bits ?? Buffer.alloc(0),
        lapsed: lapsed.map(Number),
        nextLapse: next.length ? Number(next[1]) : Number.POSITIVE_INFINITY,
      };
    },

    /** Numbers the session's places in the layout's order and writes their bits from the view (once per layout). */
    async indexPlaces(sessionId: string, layoutVersion: string, placeIds: string[]): Promise<void> {
      await redis.eval(INDEX, 5, key(sessionId), indexKey(sessionId), bitsKey(sessionId), holdsKey(sessionId), indexedKey(sessionId), layoutVersion, ...placeIds);
    },

    /** The session's revision: it changes whenever a seat's state does (0 before any). */
    async revision(sessionId: string): Promise<number> {
      return Number((await redis.get(revKey(sessionId))) ?? 0);
    },

    /** Forgets a session's view (its layout changed); the next read rebuilds it. */
    async invalidate(sessionId: string): Promise<void> {
      // The revision moves on rather than restarting, so nothing cached from before matches it.
      await redis
        .multi()
        .del(readyKey(sessionId), key(sessionId), indexKey(sessionId), bitsKey(sessionId), holdsKey(sessionId), indexedKey(sessionId))
        .incr(revKey(sessionId))
        .exec();
    },

    /** Sets a built view's seats to the database's rows (only older versions are replaced); a view not built is left to ensure. */
    async refresh(sessionId: string, load: () => Promise<SeatChange[]>): Promise<void> {
      if (!(await redis.exists(readyKey(sessionId)))) return;
      await apply(sessionId, await load());
    },

    /** The sessions whose views are built. */
    async built(): Promise<string[]> {
      const ids: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', readyKey('*'), 'COUNT', 1000);
        cursor = next;
        ids.push(...keys.map((k) => k.slice(key('').length, -':ready'.length)));
      } while (cursor !== '0');
      return ids;
    },

    /**
     * Whether the Redis server is another than the one this view was last
     * checked against (it restarted, or another took over), and from now on
     * the one checked against.
     */
    async serverChanged(): Promise<boolean> {
      const info = await redis.info('server');
      const runId = /run_id:(\w+)/.exec(info)?.[1] ?? '';
      const previous = await redis.getset(RUN_ID_KEY, runId);
      return previous !== runId;
    },
  };
}
export type SeatView = ReturnType<typeof createSeatView>;
