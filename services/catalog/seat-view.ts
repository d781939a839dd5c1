import type Redis from 'ioredis';
import { decodeSeatState, encodeSeatState, seatViewKey as key, seatViewReadyKey as readyKey, type SeatChange, type SeatState } from '../../contracts/seat-view';

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
 * lands, so a serialized seat map can be reused until the seats change.
 */

const revKey = (sessionId: string) => `seatview:${sessionId}:rev`;
/** The run id of the Redis server the views were last checked against (seat-view-repair.ts). */
const RUN_ID_KEY = 'seatview-redis-run-id';

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

export function createSeatView(redis: Redis) {
  const apply = async (sessionId: string, changes: SeatChange[]) => {
    if (changes.length === 0) return;
    await redis.eval(APPLY, 2, key(sessionId), revKey(sessionId), ...changes.flatMap((c) => [c.seatId, encodeSeatState(c)]));
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

    /** The session's revision: it changes whenever a seat's state does (0 before any). */
    async revision(sessionId: string): Promise<number> {
      return Number((await redis.get(revKey(sessionId))) ?? 0);
    },

    /** Forgets a session's view (its layout changed); the next read rebuilds it. */
    async invalidate(sessionId: string): Promise<void> {
      // The revision moves on rather than restarting, so nothing cached from before matches it.
      await redis.multi().del(readyKey(sessionId), key(sessionId)).incr(revKey(sessionId)).exec();
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
