import Redis from 'ioredis';

/** A Redis client that never crashes its process on a lost connection; it reconnects on its own. */
export function createRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: false, lazyConnect: false });
  redis.on('error', () => undefined);
  return redis;
}
