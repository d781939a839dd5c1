import type Redis from 'ioredis';
import type { Pool } from 'pg';
import type { AlongWith } from '../../shared/audit-trail';
import { inTransaction } from '../../shared/db';
import type { Logger } from '../../shared/logger';
import type { Room } from './admission-math';

/**
 * Where a session's waiting-room settings live: PostgreSQL
 * (booking.waiting_rooms) is their truth, mirrored to Redis for a minute at
 * a time and kept by each replica for a second (the reservation hot path
 * reads them on every request; a miss or a Redis failure reads PostgreSQL).
 */
const MIRROR_TTL_SECONDS = 60;
const LOCAL_TTL_MS = 1_000;
const roomKey = (sessionId: string) => `wr:${sessionId}:room`;

const roomOf = (r: any): Room => ({
  sessionId: r.session_id,
  enabled: r.enabled,
  admissionsPerMinute: r.admissions_per_minute,
  generation: Number(r.generation),
  baseAdmitted: Number(r.base_admitted),
  baseAt: r.base_at.getTime(),
  openedOnOverflow: r.opened_on_overflow,
});

export function createRoomStore({ pool, redis, logger }: { pool: Pool; redis: Redis; logger: Logger }) {
  async function fromDb(sessionId: string): Promise<Room | undefined> {
    const { rows } = await pool.query('SELECT * FROM booking.waiting_rooms WHERE session_id = $1', [sessionId]);
    return rows[0] && roomOf(rows[0]);
  }

  async function mirror(sessionId: string, room: Room | undefined) {
    await redis.set(roomKey(sessionId), JSON.stringify(room ?? { none: true }), 'EX', MIRROR_TTL_SECONDS);
  }

  /**
   * Rooms as this replica last read them, for LOCAL_TTL_MS: every
   * reservation and queue poll asks, and a room another replica opens or
   * closes may take that long to be seen here. Changes made here are seen at once.
   */
  const local = new Map<string, { room: Room | undefined; until: number }>();
  const remember = (sessionId: string, r: Room | undefined) => {
    if (local.size > 10_000) local.clear();
    local.set(sessionId, { room: r, until: Date.now() + LOCAL_TTL_MS });
    return r;
  };

  async function shared(sessionId: string): Promise<Room | undefined> {
    let cached: string | null = null;
    try {
      cached = await redis.get(roomKey(sessionId));
    } catch (err) {
      logger.warn({ err, sessionId }, 'waiting-room mirror unavailable; reading PostgreSQL');
    }
    if (cached) {
      const parsed = JSON.parse(cached) as Room | { none: true };
      return 'none' in parsed ? undefined : parsed;
    }
    const r = await fromDb(sessionId);
    await mirror(sessionId, r).catch(() => undefined);
    return r;
  }

  return {
    /** The room's settings: this replica's copy, the Redis mirror, else PostgreSQL (then mirrored). */
    async room(sessionId: string): Promise<Room | undefined> {
      const known = local.get(sessionId);
      if (known && known.until > Date.now()) return known.room;
      return remember(sessionId, await shared(sessionId));
    },

    /**
     * Changes a session's room under its lock: `change` gets the room as stored and returns what to store
     * (or undefined: leave it); `alongWith` writes in the same transaction when something was stored.
     */
    async update(
      sessionId: string,
      updatedBy: string | null,
      change: (old: Room | undefined, now: number) => Room | undefined,
      alongWith?: AlongWith<Room>,
    ): Promise<Room | undefined> {
      const saved = await inTransaction(pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`waiting-room:${sessionId}`]);
        const { rows } = await c.query('SELECT * FROM booking.waiting_rooms WHERE session_id = $1', [sessionId]);
        const old = rows[0] ? roomOf(rows[0]) : undefined;
        const next = change(old, Date.now());
        if (!next) return old;
        await c.query(
          `INSERT INTO booking.waiting_rooms (session_id, enabled, admissions_per_minute, generation, base_admitted, base_at, opened_on_overflow, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (session_id) DO UPDATE SET enabled = EXCLUDED.enabled, admissions_per_minute = EXCLUDED.admissions_per_minute,
             generation = EXCLUDED.generation, base_admitted = EXCLUDED.base_admitted, base_at = EXCLUDED.base_at,
             opened_on_overflow = EXCLUDED.opened_on_overflow, updated_by = EXCLUDED.updated_by, updated_at = now()`,
          [sessionId, next.enabled, next.admissionsPerMinute, next.generation, next.baseAdmitted, new Date(next.baseAt), next.openedOnOverflow, updatedBy],
        );
        await alongWith?.(c, next);
        return next;
      });
      remember(sessionId, saved);
      try {
        await mirror(sessionId, saved);
      } catch (err) {
        // PostgreSQL holds the change; the stale mirror lapses within MIRROR_TTL_SECONDS.
        logger.warn({ err, sessionId }, 'waiting-room mirror not updated');
      }
      return saved;
    },
  };
}
export type RoomStore = ReturnType<typeof createRoomStore>;
