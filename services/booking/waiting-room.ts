import type { Express, Request, Response } from 'express';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { z } from 'zod';
import { currentUser, requireRole, type Principal } from '../shared/auth';
import { inTransaction } from '../shared/db';
import { conflict, forbidden, HttpError, notFound } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { ServiceClient } from '../shared/service-client';
import { parse, uuid } from '../shared/validation';
import { createQueuePresence } from './queue-presence';
import { QueueStatus, RoomBody } from './waiting-room-schemas';
import { signAdmissionToken, signQueueToken, verifyAdmissionToken, verifyQueueToken, type QueueTicket } from './waiting-room-tokens';

/**
 * Flash-sale waiting rooms.
 *
 * The organizer of a session turns its room on with an admission rate. Buyers
 * join a queue in Redis (an atomic counter: first come, first served; joining
 * again returns the same place). No background job admits anyone: the gate is
 * a function of time,
 *
 *   admitted(now) = baseAdmitted + floor((now - baseAt) * admissionsPerMinute / 60000)
 *
 * where the room opens with an initial burst of one second's worth of
 * admissions (ceil(rate / 60), at least 1) at the moment it is enabled. A rate
 * change re-bases the gate at its current value, so nobody admitted is
 * un-admitted. A buyer whose position is ≤ the gate is admitted: they get a
 * signed admission token, valid for ADMISSION_TTL from the moment the gate
 * reached them (or they joined, if later), to present as X-Admission-Token on
 * POST /api/v1/reservations of that session.
 *
 * The settings live in PostgreSQL (booking.waiting_rooms) and are mirrored to
 * Redis for a minute at a time (the reservation hot path reads the mirror; a
 * miss or a Redis failure reads PostgreSQL). Disabling and re-enabling a room
 * opens a new generation: a fresh, empty queue; older tokens stop counting.
 *
 * Overflow: when the booking path is at capacity (a new hold could not get
 * its turn at Temporal in time, see temporal-bulkhead.ts), the session's room
 * opens by itself, at the rate the booking path was just measured to
 * sustain, and the buyer is told to queue (403 ADMISSION_REQUIRED) instead
 * of 503. The organizer sees it open (openedOnOverflow) and may change its
 * rate or close it like any room. While it is the booking service's, its
 * rate follows the booking path's load, and its gate skips the places of
 * buyers who stopped asking for their status (see retune).
 *
 * Sold out: once every place of the session is sold (none available, none
 * held that could lapse back), the queue says so (status soldOut) to waiting
 * and admitted buyers alike, and nobody new can join (409 SOLD_OUT): a
 * stadium's queue learns it at once instead of being admitted, at the rate,
 * only to be refused. A refund that frees a place later does not call them back.
 */

type Status = z.infer<typeof QueueStatus>;

export const ADMISSION_HEADER = 'x-admission-token';

export interface Room {
  sessionId: string;
  enabled: boolean;
  admissionsPerMinute: number;
  generation: number;
  baseAdmitted: number;
  baseAt: number;
  openedOnOverflow: boolean;
}

export const initialBurst = (rate: number) => Math.max(1, Math.ceil(rate / 60));

/** How many positions the gate has reached at `now`. */
export const gate = (r: Room, now: number) => r.baseAdmitted + Math.floor((Math.max(0, now - r.baseAt) * r.admissionsPerMinute) / 60_000);

/** When the gate reaches `position`. */
export const gateTime = (r: Room, position: number) =>
  position <= r.baseAdmitted ? r.baseAt : r.baseAt + Math.ceil(((position - r.baseAdmitted) * 60_000) / r.admissionsPerMinute);

const MIRROR_TTL_SECONDS = 60;
const QUEUE_TTL_SECONDS = 7 * 86_400;
const LIVE_TICK_MS = 1_000;
const LOCAL_TTL_MS = 1_000;
/** How long a replica trusts what the catalog said of a session's places: every queue poll asks. */
const PLACES_TTL_MS = 2_000;
const roomKey = (sessionId: string) => `wr:${sessionId}:room`;
const seqKey = (sessionId: string, generation: number) => `wr:${sessionId}:${generation}:seq`;
const membersKey = (sessionId: string, generation: number) => `wr:${sessionId}:${generation}:members`;

/** The longest a waiting buyer is told to wait before asking for their status again. */
const MAX_POLL_SECONDS = 10;

/**
 * A waiting buyer who has not asked for their status for this long is taken
 * to have left: clients ask again when told (pollAfter), at most
 * MAX_POLL_SECONDS apart, or follow the live stream, which asks every second.
 */
const PRESENCE_WINDOW_MS = MAX_POLL_SECONDS * 1000 + 5_000;

/**
 * When a waiting buyer should ask again, in seconds: half their ETA, from 1
 * to MAX_POLL_SECONDS. Buyers near the gate learn of their turn within a
 * second; the thousands behind them, who polled every few seconds whatever
 * their place, no longer take most of the booking path's CPU in a flash sale
 * (2,000 buyers at 5 s: ~300 polls/s, bench/RESULTS.md). A rate that rises
 * or a gate that skips only brings a turn sooner than this says, by at most
 * MAX_POLL_SECONDS, against an admission that lasts minutes.
 */
export const pollAfter = (etaSeconds: number) => Math.min(MAX_POLL_SECONDS, Math.max(1, Math.ceil(etaSeconds / 2)));

/**
 * Where an overflow room's gate may jump to: just before the first place
 * whose buyer is still there. Nobody loses a turn (every place passed is
 * admitted, and a buyer who comes back finds it so). Without it, a room
 * spends its rate on the places of buyers who gave up: in a full-size sale
 * with buyers of 30 s patience, the gate walked through such places for a
 * minute while its rate was raised, then reached the buyers still waiting
 * at ten times the rate booking sustains.
 */
export const skipTo = (gateNow: number, firstPresent: number) => Math.max(gateNow, firstPresent - 1);

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

const roomOf = (r: any): Room => ({
  sessionId: r.session_id,
  enabled: r.enabled,
  admissionsPerMinute: r.admissions_per_minute,
  generation: Number(r.generation),
  baseAdmitted: Number(r.base_admitted),
  baseAt: r.base_at.getTime(),
  openedOnOverflow: r.opened_on_overflow,
});

/** A room opened now: a new generation, an empty queue, the initial burst. */
const opening = (sessionId: string, admissionsPerMinute: number, old: Room | undefined, now: number, openedOnOverflow: boolean): Room => ({
  sessionId,
  enabled: true,
  admissionsPerMinute,
  generation: Math.max(now, (old?.generation ?? 0) + 1),
  baseAdmitted: initialBurst(admissionsPerMinute),
  baseAt: now,
  openedOnOverflow,
});

/** Calls a buyer makes at Temporal: a hold, then a confirm or a cancel (or the hold lapses). */
const CALLS_PER_BUYER = 2;
/** The least an overflow room admits, whatever was measured. */
const MIN_OVERFLOW_RATE = 60;

/** The most an overflow room admits when its rate is raised. */
const MAX_OVERFLOW_RATE = 100_000;
/** How often an overflow room's rate follows the booking path's load (per replica). */
const RETUNE_EVERY_MS = 5_000;

/** How much an overflow room's rate rises at a time (admissions per minute). */
const RISE_PER_RETUNE = 60;
/** How far above what booking sustains an overflow room's rate may rise. */
const OVERSHOOT = 1.5;

/**
 * An overflow room's next rate (AIMD, as TCP finds a link's capacity):
 * while new holds are being refused, down to what booking just sustained
 * (`sustained`, admissions per minute) and by at least 30%; while turns come
 * quickly and buyers wait, up by RISE_PER_RETUNE, but not past
 * OVERSHOOT × sustained. Admitted buyers arrive seconds after their
 * admission, so the load answers a rise late: rising by a quarter every 5 s
 * ran from 280 to 2,600/min before the first refusal in a full-size sale,
 * and rising by 60/min still reached 900–1,050/min against ~390 sustained;
 * the buyers so admitted then waited past their deadline for a turn (503).
 * The ceiling lifts as admitted buyers arrive and are served, so a booking
 * path with room to spare is still found.
 */
export const retunedRate = (rate: number, load: 'congested' | 'quick' | 'steady', sustained: number) =>
  load === 'congested'
    ? Math.max(MIN_OVERFLOW_RATE, Math.min(Math.floor((rate * 7) / 10), sustained))
    : load === 'quick'
      ? Math.min(MAX_OVERFLOW_RATE, rate + RISE_PER_RETUNE, Math.max(rate, Math.floor(sustained * OVERSHOOT)))
      : rate;

/** Admissions per minute an overflow room opens with: the buyers the booking path just served per minute. */
export const overflowRate = (callsPerSecond: number) => Math.max(MIN_OVERFLOW_RATE, Math.min(MAX_OVERFLOW_RATE, Math.round((callsPerSecond * 60) / CALLS_PER_BUYER)));

export interface WaitingRoomDeps {
  pool: Pool;
  redis: Redis;
  catalog: ServiceClient;
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

interface CatalogSession {
  organizerId: string;
  eventStatus: string;
}

export function createWaitingRoom(d: WaitingRoomDeps) {
  const { pool, redis, logger } = d;
  const presence = createQueuePresence(redis, QUEUE_TTL_SECONDS);

  async function session(sessionId: string): Promise<CatalogSession> {
    try {
      return await d.catalog.request<CatalogSession>('GET', `/internal/sessions/${sessionId}`);
    } catch (err) {
      if (err instanceof HttpError && err.status < 500) throw err.status === 404 ? notFound('session') : err;
      logger.warn({ err, sessionId }, 'catalog unavailable');
      throw new HttpError(503, 'CATALOG_UNAVAILABLE', 'the catalog is unavailable; retry shortly');
    }
  }

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

  /** The room's settings: this replica's copy, the Redis mirror, else PostgreSQL (then mirrored). */
  async function room(sessionId: string): Promise<Room | undefined> {
    const known = local.get(sessionId);
    if (known && known.until > Date.now()) return known.room;
    return remember(sessionId, await shared(sessionId));
  }

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

  /** Sessions' sold-out state as this replica last asked the catalog, for PLACES_TTL_MS, one request at a time. */
  const places = new Map<string, { soldOut: Promise<boolean>; until: number }>();
  function soldOut(sessionId: string): Promise<boolean> {
    const known = places.get(sessionId);
    if (known && known.until > Date.now()) return known.soldOut;
    if (places.size > 10_000) places.clear();
    const asked = d.catalog
      .request<{ available: number; reserved: number }>('GET', `/internal/sessions/${sessionId}/places`)
      .then((p) => p.available === 0 && p.reserved === 0)
      .catch((err: unknown) => {
        // Not knowing is not sold out: the queue goes on as before.
        logger.warn({ err, sessionId }, 'places of the session unknown');
        return false;
      });
    const entry = { soldOut: asked, until: Number.POSITIVE_INFINITY };
    places.set(sessionId, entry);
    void asked.then(() => (entry.until = Date.now() + PLACES_TTL_MS));
    return asked;
  }

  async function counts(r: Room | undefined, now: number) {
    if (!r?.enabled) return { waiting: 0, admitted: 0 };
    const joined = Number((await redis.get(seqKey(r.sessionId, r.generation))) ?? 0);
    const admitted = Math.min(joined, gate(r, now));
    return { waiting: joined - admitted, admitted };
  }

  async function view(sessionId: string, r: Room | undefined) {
    return {
      sessionId,
      enabled: r?.enabled ?? false,
      openedOnOverflow: r?.openedOnOverflow ?? false,
      admissionsPerMinute: r?.admissionsPerMinute ?? null,
      initialBurst: r ? initialBurst(r.admissionsPerMinute) : null,
      ...(await counts(r, Date.now())),
    };
  }

  /** Changes a session's room under its lock: `change` gets the room as stored and returns what to store (or undefined: leave it). */
  async function update(sessionId: string, updatedBy: string | null, change: (old: Room | undefined, now: number) => Room | undefined): Promise<Room | undefined> {
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
  }

  async function configure(user: Principal, sessionId: string, body: z.infer<typeof RoomBody>) {
    const s = await session(sessionId);
    if (s.organizerId !== user.userId) throw forbidden('only the organizer of this event manages its waiting room');
    // From now on the room is the organizer's, also one opened on overflow.
    const saved = await update(sessionId, user.userId, (old, now): Room => {
      if (body.enabled && !old?.enabled) return opening(sessionId, body.admissionsPerMinute, old, now, false);
      if (body.enabled && old && old.admissionsPerMinute !== body.admissionsPerMinute) {
        return { ...old, admissionsPerMinute: body.admissionsPerMinute, baseAdmitted: gate(old, now), baseAt: now, openedOnOverflow: false };
      }
      if (old) return { ...old, enabled: body.enabled, admissionsPerMinute: body.admissionsPerMinute, openedOnOverflow: false };
      return { sessionId, enabled: false, admissionsPerMinute: body.admissionsPerMinute, generation: 0, baseAdmitted: 0, baseAt: now, openedOnOverflow: false };
    });
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
    await update(sessionId, null, (old, now) => {
      if (old?.enabled) return undefined;
      opened = true;
      return opening(sessionId, rate, old, now, true);
    });
    if (opened) logger.warn({ sessionId, admissionsPerMinute: rate }, 'booking at capacity: waiting room opened');
    return new HttpError(403, 'ADMISSION_REQUIRED', "booking is at capacity and this session's waiting room is open: join its queue and present your admission as X-Admission-Token");
  }

  async function join(user: Principal, sessionId: string) {
    const r = await room(sessionId);
    if (!r?.enabled) {
      await session(sessionId); // 404 for an unknown session
      throw new HttpError(409, 'WAITING_ROOM_CLOSED', 'this session has no open waiting room; reserve directly');
    }
    if (await soldOut(sessionId)) throw conflict('SOLD_OUT', 'this session is sold out');
    const v = (await redis.eval(
      JOIN,
      2,
      seqKey(sessionId, r.generation),
      membersKey(sessionId, r.generation),
      user.userId,
      String(Date.now()),
      String(QUEUE_TTL_SECONDS),
    )) as string;
    const position = Number(v.split(':')[0]);
    if (r.openedOnOverflow) presence.mark(r.sessionId, r.generation, position, Date.now());
    const token = signQueueToken(d.tokenKey, { userId: user.userId, sessionId, generation: r.generation, position });
    return { token, position, ...waitFor(r, position, Date.now()) };
  }

  /** How long a place has to wait, and when its holder should ask again. */
  const waitFor = (r: Room, position: number, now: number) => {
    const etaSeconds = Math.max(0, Math.ceil((gateTime(r, position) - now) / 1000));
    return { etaSeconds, pollAfterSeconds: pollAfter(etaSeconds) };
  };

  /** The holder's queue place; anyone else's (or a forged one) is not found. */
  function place(user: Principal, token: string): QueueTicket {
    const t = verifyQueueToken(d.tokenKey, token);
    if (!t || t.userId !== user.userId) throw notFound('queue place');
    return t;
  }

  async function status(t: QueueTicket): Promise<Status> {
    const r = await room(t.sessionId);
    if (!r || r.generation !== t.generation) throw notFound('queue place');
    if (await soldOut(t.sessionId)) return { status: 'soldOut' };
    const now = Date.now();
    if (r.enabled && t.position > gate(r, now)) {
      if (r.openedOnOverflow) presence.mark(r.sessionId, r.generation, t.position, now);
      return { status: 'waiting', position: t.position, ...waitFor(r, t.position, now) };
    }
    // Admitted (or the room was switched off, when the token is not needed but harmless).
    const joined = await redis.hget(membersKey(t.sessionId, t.generation), t.userId).catch(() => null);
    const joinedAt = joined ? Number(joined.split(':')[1]) : 0;
    const expiresAt = Math.max(joinedAt, gateTime(r, t.position)) + d.admissionTtlMs;
    if (expiresAt <= now) return { status: 'expired', expiredAt: new Date(expiresAt).toISOString() };
    const admissionToken = signAdmissionToken(d.tokenKey, { userId: t.userId, sessionId: t.sessionId, generation: t.generation, expiresAt });
    return { status: 'admitted', admissionToken, expiresAt: new Date(expiresAt).toISOString() };
  }

  async function live(t: QueueTicket, req: Request, res: Response) {
    let current = await status(t); // 404 before the stream starts
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const finish = () => {
      closed = true;
      if (timer) clearTimeout(timer);
      res.end();
    };
    req.on('close', () => {
      closed = true;
      if (timer) clearTimeout(timer);
    });
    const tick = async () => {
      if (closed) return;
      res.write(`event: ${current.status === 'waiting' ? 'position' : current.status}\ndata: ${JSON.stringify(current)}\n\n`);
      if (current.status !== 'waiting') return finish();
      timer = setTimeout(async () => {
        try {
          current = await status(t);
        } catch (err) {
          if (!(err instanceof HttpError)) logger.warn({ err }, 'waiting-room live status failed');
          res.write(`event: closed\ndata: ${JSON.stringify({ status: 'closed' })}\n\n`);
          return finish();
        }
        await tick();
      }, LIVE_TICK_MS);
    };
    await tick();
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
    await update(r.sessionId, null, (old, at) =>
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
    const r = await room(sessionId);
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

  const sessionParam = (req: Request) => parse(uuid, req.params.id, 'path.id');
  const tokenParam = (req: Request) => parse(z.string().min(1).max(300), req.params.token, 'path.token');

  function routes(app: Express) {
    const organizer = requireRole('organizer');
    const customer = requireRole('customer');

    app.put('/api/v1/sessions/:id/waiting-room', organizer, async (req, res) => {
      const sessionId = sessionParam(req);
      const body = parse(RoomBody, req.body);
      res.json(await configure(currentUser(req), sessionId, body));
    });

    app.get('/api/v1/sessions/:id/waiting-room', async (req, res) => {
      const sessionId = sessionParam(req);
      const r = await room(sessionId);
      if (!r) {
        const s = await session(sessionId);
        if (s.eventStatus === 'draft' && s.organizerId !== req.user?.userId) throw notFound('session');
      }
      res.json(await view(sessionId, r));
    });

    app.post('/api/v1/sessions/:id/queue', customer, async (req, res) => {
      res.status(201).json(await join(currentUser(req), sessionParam(req)));
    });

    app.get('/api/v1/queue/:token', async (req, res) => {
      res.json(await status(place(currentUser(req), tokenParam(req))));
    });

    app.get('/api/v1/queue/:token/live', async (req, res) => {
      await live(place(currentUser(req), tokenParam(req)), req, res);
    });
  }

  return { routes, admission, overflow, room };
}
export type WaitingRoom = ReturnType<typeof createWaitingRoom>;
