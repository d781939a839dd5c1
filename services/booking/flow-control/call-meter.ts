import type Redis from 'ioredis';

/** How far back throughput is measured, in whole seconds. */
const WINDOW_SECONDS = 10;
/**
 * The newest seconds not yet read: a replica adds its counts once a second,
 * so the last second or two are still incomplete in Redis.
 */
const SETTLE_SECONDS = 2;
const FLUSH_EVERY_MS = 1_000;

/**
 * Per second over counts of consecutive seconds (oldest first), measured from
 * the first second with any: a sale's first seconds are not averaged with
 * the idle ones before it.
 */
export function perSecond(counts: number[]): number {
  const first = counts.findIndex((n) => n > 0);
  if (first < 0) return 0;
  return counts.reduce((a, b) => a + b, 0) / (counts.length - first);
}

/**
 * Temporal calls completed per second by every booking replica together: an
 * overflow waiting room admits buyers at what the whole booking path
 * sustains, not at what the one replica that happens to re-tune it served
 * (a half with two replicas, a tenth with ten). Each replica adds its
 * counts to per-second buckets in Redis once a second; the buckets are
 * those of the replicas that share its task queue (its workers).
 */
export function createCallMeter(redis: Redis, taskQueue: string) {
  const bucketKey = (second: number) => `booking:${taskQueue}:temporal-calls:${second}`;
  /** This replica's completions not yet added, by second. */
  const pending = new Map<number, number>();

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const batch = [...pending];
    pending.clear();
    const p = redis.pipeline();
    for (const [second, n] of batch) p.incrby(bucketKey(second), n).expire(bucketKey(second), WINDOW_SECONDS * 3);
    await p.exec();
  }

  const timer = setInterval(() => void flush().catch(() => undefined), FLUSH_EVERY_MS);
  timer.unref();

  return {
    /** A Temporal call completed (or failed) now. */
    record(now = Date.now()): void {
      const second = Math.floor(now / 1000);
      pending.set(second, (pending.get(second) ?? 0) + 1);
    },
    flush,
    /** Calls per second over the last WINDOW_SECONDS settled seconds, or since the first of them with calls. */
    async perSecond(now = Date.now()): Promise<number> {
      const last = Math.floor(now / 1000) - SETTLE_SECONDS;
      const keys = Array.from({ length: WINDOW_SECONDS }, (_, i) => bucketKey(last - WINDOW_SECONDS + 1 + i));
      return perSecond((await redis.mget(...keys)).map(Number));
    },
    stop: () => clearInterval(timer),
  };
}
export type CallMeter = ReturnType<typeof createCallMeter>;
