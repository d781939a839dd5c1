import Redis from 'ioredis';

/**
 * A Redis client that never crashes its process on a lost connection; it
 * reconnects on its own (every 50 ms more, up to 2 s apart), so a Redis
 * that comes back is used again without a restart. The commands issued in
 * one tick go out as one pipeline: under a flash sale's 409s, a socket write
 * per command was most of what a Redis call cost (Redis's CPU per 409 fell
 * to a third).
 *
 * Redis out of reach costs a request a bounded wait, never a hang (the
 * request is then answered 503, services/shared/errors.ts):
 * - no offline queue: while disconnected, a command fails at once instead of
 *   waiting for a reconnection that may never come;
 * - a command under way when the connection drops is sent again at most
 *   twice, on the next reconnections (~150 ms), then fails;
 * - a command without an answer after COMMAND_TIMEOUT_MS fails (a Redis
 *   that accepts connections but does not answer: frozen, or a network
 *   partition). Its commands take microseconds; 3 s leaves room for a
 *   service's event loop lagging under load before a live Redis is given up on.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 3_000;

export function createRedis(url: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: false,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    lazyConnect: false,
    enableAutoPipelining: true,
  });
  redis.on('error', () => undefined);
  return redis;
}

/** Resolves once the client is connected: without an offline queue, a command sent before then fails. */
export const redisReady = (redis: Redis): Promise<void> =>
  new Promise((ready) => (redis.status === 'ready' ? ready() : redis.once('ready', () => ready())));
