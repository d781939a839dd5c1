import type Redis from 'ioredis';
import { gate, type Room } from './admission-math';

/**
 * A room's queue in Redis, one per opening (generation) of the room: an
 * atomic counter gives places first come, first served, and each buyer's
 * place and join time are kept, so joining again returns the same place.
 */
export const QUEUE_TTL_SECONDS = 7 * 86_400;
const seqKey = (sessionId: string, generation: number) => `wr:${sessionId}:${generation}:seq`;
const membersKey = (sessionId: string, generation: number) => `wr:${sessionId}:${generation}:members`;

/** Returns "position:joinedAtMs", the existing one for a returning user. */
const JOIN = `
local v = redis.call('HGET', KEYS[2], ARGV[1])
if v then return v end
local p = redis.call('INCR', KEYS[1])
v = p .. ':' .. ARGV[2]
redis.call('HSET', KEYS[2], ARGV[1], v)
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return v`;

// KEYS: seq. ARGV: a position a buyer holds, TTL (s). The counter never stays below a place already given.
const SEEN = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 0`;

export function createQueue(redis: Redis) {
  return {
    /**
     * A waiting buyer showed their place (signed in their queue token). Should
     * Redis have lost the queue (flushed, or restarted without it), the counter
     * climbs back to the places still waiting as their holders poll (at most
     * every MAX_POLL_SECONDS), so new buyers queue behind them again instead
     * of restarting at 1 and being let in at once, past the room's rate.
     */
    async seen(r: Room, position: number): Promise<void> {
      await redis.eval(SEEN, 1, seqKey(r.sessionId, r.generation), String(position), String(QUEUE_TTL_SECONDS));
    },

    /** The buyer's place in the room's queue (the same one when they join again). */
    async join(r: Room, userId: string, now: number): Promise<number> {
      const v = (await redis.eval(JOIN, 2, seqKey(r.sessionId, r.generation), membersKey(r.sessionId, r.generation), userId, String(now), String(QUEUE_TTL_SECONDS))) as string;
      return Number(v.split(':')[0]);
    },

    /** When the buyer joined (ms), 0 if unknown (Redis lost it, or failed to answer). */
    async joinedAt(sessionId: string, generation: number, userId: string): Promise<number> {
      const joined = await redis.hget(membersKey(sessionId, generation), userId).catch(() => null);
      return joined ? Number(joined.split(':')[1]) : 0;
    },

    /** How many wait and how many the gate has let through. */
    async counts(r: Room | undefined, now: number): Promise<{ waiting: number; admitted: number }> {
      if (!r?.enabled) return { waiting: 0, admitted: 0 };
      const joined = Number((await redis.get(seqKey(r.sessionId, r.generation))) ?? 0);
      const admitted = Math.min(joined, gate(r, now));
      return { waiting: joined - admitted, admitted };
    },
  };
}
export type Queue = ReturnType<typeof createQueue>;
