import type Redis from 'ioredis';

/**
 * Places of a queue not yet passed by its gate, in order (scored by
 * position). Not the ":present" key of before, scored by time: replicas of
 * both versions may serve one room while a release rolls out.
 */
const placesKey = (sessionId: string, generation: number) => `wr:${sessionId}:${generation}:places`;
/** When each of those places' buyer last showed up (position → ms). */
const seenKey = (sessionId: string, generation: number) => `wr:${sessionId}:${generation}:seen`;

/** The most places of buyers who left that one look drops: Redis runs nothing else meanwhile. */
const MAX_DROPPED_PER_CALL = 1_000;

/**
 * ARGV: the gate, the oldest time (ms) that still counts as present, the most
 * places to drop. Returns the first place past the gate whose buyer showed up
 * since then; or, having dropped that many places of buyers who left without
 * finding one, the last of them as a negative number; nil when nobody waits.
 * Places passed by the gate and places of buyers who left are dropped as they
 * are met, so each is looked at once however long the queue.
 */
const FIRST_PRESENT = `
local passed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if #passed > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
  for i = 1, #passed, 1000 do redis.call('HDEL', KEYS[2], unpack(passed, i, math.min(i + 999, #passed))) end
end
local since, most = tonumber(ARGV[2]), tonumber(ARGV[3])
local dropped, last = 0, nil
while dropped < most do
  local ahead = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'LIMIT', 0, 100)
  if #ahead == 0 then break end
  for _, p in ipairs(ahead) do
    if tonumber(redis.call('HGET', KEYS[2], p) or '0') >= since then return tonumber(p) end
    redis.call('ZREM', KEYS[1], p)
    redis.call('HDEL', KEYS[2], p)
    dropped, last = dropped + 1, tonumber(p)
    if dropped >= most then break end
  end
end
if last and dropped >= most then return -last end
return nil`;

export type FirstPresent = { present: number } | { leftUpTo: number };

/**
 * Which buyers of a waiting room's queue are still there: the places whose
 * buyers asked for their status lately. An overflow room's gate skips the
 * places of buyers who left. Reading every present place each time (a sorted
 * set by time) returned a stadium's whole queue to every re-tune; this keeps
 * places in order and finds the first one still there.
 */
export function createQueuePresence(redis: Redis, ttlSeconds: number) {
  return {
    /** Best effort: a lost mark only makes this place look left. */
    mark(sessionId: string, generation: number, position: number, now: number): void {
      const [places, seen] = [placesKey(sessionId, generation), seenKey(sessionId, generation)];
      void redis
        .pipeline()
        .zadd(places, position, String(position))
        .hset(seen, String(position), String(now))
        .expire(places, ttlSeconds)
        .expire(seen, ttlSeconds)
        .exec()
        .catch(() => undefined);
    },

    /**
     * The first place past `gate` whose buyer showed up since `since`, or
     * (when more than `maxDropped` buyers ahead of any such place left) the
     * last place up to which everyone left; undefined when nobody waits.
     */
    async firstPresent(sessionId: string, generation: number, gate: number, since: number, maxDropped = MAX_DROPPED_PER_CALL): Promise<FirstPresent | undefined> {
      const found = (await redis.eval(FIRST_PRESENT, 2, placesKey(sessionId, generation), seenKey(sessionId, generation), String(gate), String(since), String(maxDropped))) as
        | number
        | null;
      if (found === null) return undefined;
      return found > 0 ? { present: found } : { leftUpTo: -found };
    },
  };
}
