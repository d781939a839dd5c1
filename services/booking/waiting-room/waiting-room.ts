import type { Request, Response } from 'express';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import type { z } from 'zod';
import type { QueueStatus, RoomBody } from '../../../contracts/booking';
import type { SessionInfo } from '../../../contracts/catalog';
import type { CatalogClient } from '../../../contracts/clients';
import type { AlongWith } from '../../shared/audit-trail';
import type { Principal } from '../../shared/auth';
import { conflict, forbidden, HttpError, notFound } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { uuid } from '../../shared/validation';
import {
  gate,
  gateTime,
  initialBurst,
  opening,
  pollAfter,
  PRESENCE_WINDOW_MS,
  RETUNE_EVERY_MS,
  retunedRate,
  skipTo,
  type Room,
} from './admission-math';
import { streamQueueStatus } from './live';
import { createQueue, QUEUE_TTL_SECONDS } from './queue';
import { createQueuePresence } from './queue-presence';
import type { SessionPlacesOf } from '../session-places';
import { createRoomStore } from './room-store';
import { signAdmissionToken, signQueueToken, verifyAdmissionToken, verifyQueueToken, type QueueTicket } from './tokens';

/**
 * Flash-sale waiting rooms.
 *
 * The organizer of a session turns its room on with an admission rate. Buyers
 * join a queue in Redis (queue.ts: first come, first served; joining again
 * returns the same place). No background job admits anyone: the gate is a
 * function of time (admission-math.ts). A buyer whose position is ≤ the gate
 * is admitted: they get a signed admission token, valid for ADMISSION_TTL
 * from the moment the gate reached them (or they joined, if later), to
 * present as X-Admission-Token on POST /api/v1/reservations of that session.
 *
 * The settings live in PostgreSQL, mirrored to Redis (room-store.ts).
 * Disabling and re-enabling a room opens a new generation: a fresh, empty
 * queue; older tokens stop counting.
 *
 * Overflow: when the booking path is at capacity (a new hold could not get
 * its turn at Temporal in time, see flow-control/temporal-bulkhead.ts), the
 * session's room opens by itself, at the rate the booking path was just
 * measured to sustain, and the buyer is told to queue (403
 * ADMISSION_REQUIRED) instead of 503. The organizer sees it open
 * (openedOnOverflow) and may change its rate or close it like any room.
 * While it is the booking service's, its rate follows the booking path's
 * load, and its gate skips the places of buyers who stopped asking for their
 * status (see retune).
 *
 * Sold out: once every place of the session is sold (none available, none
 * held that could lapse back), the queue says so (status soldOut) to waiting
 * and admitted buyers alike, and nobody new can join (409 SOLD_OUT): a
 * stadium's queue learns it at once instead of being admitted, at the rate,
 * only to be refused. A refund that frees a place later does not call them back.
 */

type Status = z.infer<typeof QueueStatus>;

export const ADMISSION_HEADER = 'x-admission-token';

export interface WaitingRoomDeps {
  pool: Pool;
  redis: Redis;
  catalog: CatalogClient;
  /** The session's places as the catalog last said (a queue poll asks every time: cached a few seconds). */
  places: SessionPlacesOf;
  tokenKey: string;
  admissionTtlMs: number;
  logger: Logger;
  /** Open a session's room when a new hold is refused for capacity; undefined: never (the buyer gets the 503). */
  overflow?: {
    /**
     * Admissions per minute the booking path just sustained: an overflow room
     * opens at it, falls to it when holds are refused, and rises to at most
     * OVERSHOOT times it.
     */
    rate: () => Promise<number>;
    /** The booking path's state now: refusing new holds, serving quickly, or neither. */
    load: () => 'congested' | 'quick' | 'steady';
  };
}

export function createWaitingRoom(d: WaitingRoomDeps) {
  const { redis, logger } = d;
  const rooms = createRoomStore(d);
  const queue = createQueue(redis);
  const presence = createQueuePresence(redis, QUEUE_TTL_SECONDS);

  async function session(sessionId: string): Promise<SessionInfo> {
    try {
      return await d.catalog.session(sessionId);
    } catch (err) {
      if (err instanceof HttpError && err.status < 500) throw err.status === 404 ? notFound('session') : err;
      logger.warn({ err, sessionId }, 'catalog unavailable');
      throw new HttpError(503, 'CATALOG_UNAVAILABLE', 'the catalog is unavailable; retry shortly');
    }
  }

  /** Not knowing is not sold out: the queue goes on as before. */
  const soldOut = async (sessionId: string) => {
    const p = await d.places(sessionId);
    return p !== undefined && p.available === 0 && p.reserved === 0;
  };

  async function view(sessionId: string, r: Room | undefined) {
    return {
      sessionId,
      enabled: r?.enabled ?? false,
      openedOnOverflow: r?.openedOnOverflow ?? false,
      admissionsPerMinute: r?.admissionsPerMinute ?? null,
      initialBurst: r ? initialBurst(r.admissionsPerMinute) : null,
      ...(await queue.counts(r, Date.now())),
    };
  }

  /** The organizer's change of a room; `alongWith` writes with it (its audit entry). */
  async function configure(user: Principal, sessionId: string, body: z.infer<typeof RoomBody>, alongWith?: AlongWith<Room>) {
    const s = await session(sessionId);
    if (s.organizerId !== user.userId) throw forbidden('only the organizer of this event manages its waiting room');
    // From now on the room is the organizer's, also one opened on overflow.
    const saved = await rooms.update(sessionId, user.userId, (old, now): Room => {
      if (body.enabled && !old?.enabled) return opening(sessionId, body.admissionsPerMinute, old, now, false);
      if (body.enabled && old && old.admissionsPerMinute !== body.admissionsPerMinute) {
        return { ...old, admissionsPerMinute: body.admissionsPerMinute, baseAdmitted: gate(old, now), baseAt: now, openedOnOverflow: false };
      }
      if (old) return { ...old, enabled: body.enabled, admissionsPerMinute: body.admissionsPerMinute, openedOnOverflow: false };
      return { sessionId, enabled: false, admissionsPerMinute: body.admissionsPerMinute, generation: 0, baseAdmitted: 0, baseAt: now, openedOnOverflow: false };
    }, alongWith);
    return view(sessionId, saved);
  }

  /**
   * A new hold of this session was refused for capacity (BOOKING_BUSY): its
   * room opens, unless open already, and the buyer is told to queue. With
   * overflow off, or for a buyer already admitted, the refusal stands.
   */
  async function overflow(sessionId: string, refusal: HttpError, admitted: boolean): Promise<HttpError> {
    if (!d.overflow || admitted) return refusal;
    const rate = await d.overflow.rate();
    let opened = false;
    await rooms.update(sessionId, null, (old, now) => {
      if (old?.enabled) return undefined;
      opened = true;
      return opening(sessionId, rate, old, now, true);
    });
    if (opened) logger.warn({ sessionId, admissionsPerMinute: rate }, 'booking at capacity: waiting room opened');
    return new HttpError(403, 'ADMISSION_REQUIRED', "booking is at capacity and this session's waiting room is open: join its queue and present your admission as X-Admission-Token");
  }

  /** How long a place has to wait, and when its holder should ask again. */
  const waitFor = (r: Room, position: number, now: number) => {
    const etaSeconds = Math.max(0, Math.ceil((gateTime(r, position) - now) / 1000));
    return { etaSeconds, pollAfterSeconds: pollAfter(etaSeconds) };
  };

  async function join(user: Principal, sessionId: string) {
    const r = await rooms.room(sessionId);
    if (!r?.enabled) {
      await session(sessionId); // 404 for an unknown session
      throw new HttpError(409, 'WAITING_ROOM_CLOSED', 'this session has no open waiting room; reserve directly');
    }
    if (await soldOut(sessionId)) throw conflict('SOLD_OUT', 'this session is sold out');
    const now = Date.now();
    const position = await queue.join(r, user.userId, now);
    if (r.openedOnOverflow) presence.mark(r.sessionId, r.generation, position, Date.now());
    const token = signQueueToken(d.tokenKey, { userId: user.userId, sessionId, generation: r.generation, position });
    return { token, position, ...waitFor(r, position, Date.now()) };
  }

  /** The holder's queue place; anyone else's (or a forged one) is not found. */
  function place(user: Principal, token: string): QueueTicket {
    const t = verifyQueueToken(d.tokenKey, token);
    if (!t || t.userId !== user.userId) throw notFound('queue place');
    return t;
  }

  async function status(t: QueueTicket): Promise<Status> {
    const r = await rooms.room(t.sessionId);
    if (!r || r.generation !== t.generation) throw notFound('queue place');
    if (await soldOut(t.sessionId)) return { status: 'soldOut' };
    const now = Date.now();
    if (r.enabled && t.position > gate(r, now)) {
      if (r.openedOnOverflow) presence.mark(r.sessionId, r.generation, t.position, now);
      void queue.seen(r, t.position).catch((err: unknown) => logger.warn({ err, sessionId: r.sessionId }, 'queue place not re-announced'));
      return { status: 'waiting', position: t.position, ...waitFor(r, t.position, now) };
    }
    // Admitted (or the room was switched off, when the token is not needed but harmless).
    const joinedAt = await queue.joinedAt(t.sessionId, t.generation, t.userId);
    const expiresAt = Math.max(joinedAt, gateTime(r, t.position)) + d.admissionTtlMs;
    if (expiresAt <= now) return { status: 'expired', expiredAt: new Date(expiresAt).toISOString() };
    const admissionToken = signAdmissionToken(d.tokenKey, { userId: t.userId, sessionId: t.sessionId, generation: t.generation, expiresAt });
    return { status: 'admitted', admissionToken, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** When each overflow room's rate was last looked at by this replica. */
  const retunedAt = new Map<string, number>();

  /**
   * Moves an open overflow room's rate with the booking path's load, at most
   * every RETUNE_EVERY_MS, and while turns come quickly lets its gate skip
   * the places of buyers who left (skipTo).
   */
  async function retune(r: Room): Promise<void> {
    const now = Date.now();
    if (!d.overflow || !r.openedOnOverflow || now - Math.max(r.baseAt, retunedAt.get(r.sessionId) ?? 0) < RETUNE_EVERY_MS) return;
    retunedAt.set(r.sessionId, now);
    const load = d.overflow.load();
    const gateNow = gate(r, now);
    let next = gateNow;
    if (load === 'quick') {
      const first = await presence.firstPresent(r.sessionId, r.generation, gateNow, now - PRESENCE_WINDOW_MS);
      // Raising the rate for a queue nobody waits in only admits the next burst all at once.
      if (first === undefined) return;
      next = 'present' in first ? skipTo(gateNow, first.present) : first.leftUpTo;
    }
    const sustained = await d.overflow.rate();
    const rate = retunedRate(r.admissionsPerMinute, load, sustained);
    if (rate === r.admissionsPerMinute && next === gateNow) return;
    await rooms.update(r.sessionId, null, (old, at) =>
      // Only a room still the booking service's (not taken over by the organizer), and not re-tuned meanwhile.
      old?.enabled && old.openedOnOverflow && old.generation === r.generation && at - old.baseAt >= RETUNE_EVERY_MS
        ? { ...old, admissionsPerMinute: rate, baseAdmitted: Math.max(gate(old, at), next), baseAt: at }
        : undefined,
    );
    logger.info({ sessionId: r.sessionId, load, sustained, from: r.admissionsPerMinute, to: rate, gate: next }, 'overflow waiting room re-tuned');
  }

  /**
   * POST /api/v1/reservations: a session with an open waiting room needs the
   * caller's admission for it (403 without a valid one). True when the caller
   * presented it; false when the session has no open room. The body is only
   * looked at for its sessionId; everything else is the reservation handler's
   * to validate.
   */
  async function admission(user: Principal, body: unknown, header: string | string[] | undefined): Promise<boolean> {
    const sessionId = (body as { sessionId?: unknown } | undefined)?.sessionId;
    if (typeof sessionId !== 'string' || !uuid.safeParse(sessionId).success) return false;
    const r = await rooms.room(sessionId);
    if (!r?.enabled) return false;
    await retune(r).catch((err: unknown) => logger.warn({ err, sessionId }, 'overflow waiting room not re-tuned'));
    const token = Array.isArray(header) ? header[0] : header;
    if (!token) throw new HttpError(403, 'ADMISSION_REQUIRED', 'this session has a waiting room: join its queue and present your admission as X-Admission-Token');
    const a = verifyAdmissionToken(d.tokenKey, token);
    if (!a || a.userId !== user.userId || a.sessionId !== sessionId || a.generation !== r.generation) {
      throw new HttpError(403, 'ADMISSION_INVALID', 'the admission token is not valid for you and this session');
    }
    if (a.expiresAt <= Date.now()) throw new HttpError(403, 'ADMISSION_INVALID', 'the admission token has expired');
    return true;
  }

  /** How many wait beyond the gate of each open room (the queue-length metric; read when scraped). */
  async function openQueues(): Promise<{ sessionId: string; waiting: number }[]> {
    const { rows } = await d.pool.query<{ session_id: string }>('SELECT session_id FROM booking.waiting_rooms WHERE enabled');
    const now = Date.now();
    return Promise.all(rows.map(async ({ session_id }) => ({ sessionId: session_id, waiting: (await queue.counts(await rooms.room(session_id), now)).waiting })));
  }

  return {
    room: rooms.room,
    session,
    openQueues,
    view,
    configure,
    join,
    place,
    status,
    live: (t: QueueTicket, req: Request, res: Response) => streamQueueStatus(() => status(t), req, res, logger),
    admission,
    overflow,
  };
}
export type WaitingRoom = ReturnType<typeof createWaitingRoom>;
