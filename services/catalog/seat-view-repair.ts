import type Redis from 'ioredis';
import type { Logger } from '../shared/logger';
import type { SeatView } from './seat-view';

/**
 * Keeps the Redis seat view true to PostgreSQL when Redis loses writes or
 * misses them. A view is only ever updated by the change that committed, so
 * a lost update would stay wrong until that seat changes again: a sold seat
 * would show as held, then as available once its hold time passed.
 * - A change whose update failed (Redis out of reach) has its session's
 *   view refreshed from PostgreSQL as soon as Redis answers again.
 * - When the catalog (re)connects to a Redis server other than the one it
 *   last checked (it restarted and may have lost its last second of writes,
 *   or another took over), every built view is refreshed.
 * - A flushed Redis has no views left: each is built at its next read.
 * A refresh replaces only older versions, so changes landing meanwhile are
 * kept, and the view answers throughout.
 */
export function createSeatViewRepair(o: { redis: Redis; view: SeatView; refresh: (sessionId: string) => Promise<void>; logger: Logger; retryMs?: number }) {
  const missed = new Set<string>();
  const retry = (sessionId: string) =>
    o.refresh(sessionId).then(
      () => missed.delete(sessionId),
      () => missed.add(sessionId), // Redis (or PostgreSQL) still out of reach: next round
    );

  const onReady = () =>
    void (async () => {
      if (!(await o.view.serverChanged())) return;
      const sessions = await o.view.built();
      if (sessions.length) o.logger.warn({ sessions: sessions.length }, 'a Redis server not seen before: refreshing every seat view from PostgreSQL');
      for (const sessionId of sessions) await retry(sessionId);
    })().catch((err: unknown) => o.logger.warn({ err }, 'seat views not checked against the Redis server; the next connection checks again'));
  o.redis.on('ready', onReady);
  if (o.redis.status === 'ready') onReady();

  const timer = setInterval(() => {
    for (const sessionId of missed) void retry(sessionId);
  }, o.retryMs ?? 1_000);
  timer.unref();

  return {
    /** A committed change did not reach the session's view. */
    missed: (sessionId: string) => void missed.add(sessionId),
    stop: () => {
      clearInterval(timer);
      o.redis.off('ready', onReady);
    },
  };
}
