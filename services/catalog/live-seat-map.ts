import type { Request, Response } from 'express';
import type Redis from 'ioredis';
import type { Logger } from '../shared/logger';
import { packStatuses, STATUS_CODE, toBase64 } from '../../contracts/availability';
import { availabilityVersion, type SeatMaps } from './seat-map';
import type { SeatChange } from '../../contracts/seat-view';

/**
 * Live seat maps: Server-Sent Events fed by Redis pub/sub, so every change
 * committed by any catalog replica reaches every client of any replica.
 * A client first gets the whole map ("snapshot"), then each change
 * ("seats"). A hold that lapses is a change no one commits: each stream
 * notices it on its own within a second and sends the seat as available.
 *
 * `?format=availability` speaks the compact seat map instead: first the
 * availability ("availability", as GET /availability answers it), then
 * deltas against it ("changes": [seat index in the layout, status code]
 * pairs, and the counts of any standing area that moved).
 */

export type LiveStatus = 'available' | 'reserved' | 'sold';

export interface LiveSeat {
  seatId: string;
  status: LiveStatus;
  version: number;
  /** Set while reserved: when the hold lapses. */
  heldUntil?: string;
}

const channel = (sessionId: string) => `seatmap:${sessionId}`;
const LAPSE_CHECK_MS = 500;
const HEARTBEAT_MS = 15_000;

export function toLive(c: SeatChange, now = Date.now()): LiveSeat {
  if (c.status === 'sold') return { seatId: c.seatId, status: 'sold', version: c.version };
  if (c.status === 'held' && c.heldUntil && c.heldUntil.getTime() > now) {
    return { seatId: c.seatId, status: 'reserved', version: c.version, heldUntil: c.heldUntil.toISOString() };
  }
  return { seatId: c.seatId, status: 'available', version: c.version };
}

/** The publishing side, used after each committed change. */
export function createSeatPublisher(redis: Redis) {
  return (sessionId: string, changes: SeatChange[]) =>
    redis.publish(channel(sessionId), JSON.stringify(changes.map((c) => toLive(c))));
}

export interface LiveDeps {
  /** A connection of its own: a subscribed ioredis client can do nothing else. */
  subscriber: Redis;
  seatMaps: SeatMaps;
  logger: Logger;
}

export type LiveSeatMap = ReturnType<typeof createLiveSeatMaps>;

export function createLiveSeatMaps(d: LiveDeps) {
  const listeners = new Map<string, Set<(seats: LiveSeat[]) => void>>();
  d.subscriber.on('message', (ch: string, message: string) => {
    const sessionId = ch.slice('seatmap:'.length);
    const seats = JSON.parse(message) as LiveSeat[];
    for (const l of listeners.get(sessionId) ?? []) l(seats);
  });

  async function listen(sessionId: string, fn: (seats: LiveSeat[]) => void): Promise<() => void> {
    let set = listeners.get(sessionId);
    if (!set) {
      set = new Set();
      listeners.set(sessionId, set);
      await d.subscriber.subscribe(channel(sessionId));
    }
    set.add(fn);
    return () => {
      set!.delete(fn);
      if (set!.size === 0) {
        listeners.delete(sessionId);
        d.subscriber.unsubscribe(channel(sessionId)).catch(() => undefined);
      }
    };
  }

  /** GET /api/v1/sessions/:id/seat-map/live */
  return async function stream(sessionId: string, req: Request, res: Response, format: 'seats' | 'availability' = 'seats'): Promise<boolean> {
    const versions = new Map<string, number>();
    const lapses = new Map<string, number>(); // seatId → heldUntil (ms) of reserved seats
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const track = (s: LiveSeat) => {
      versions.set(s.seatId, s.version);
      if (s.status === 'reserved' && s.heldUntil) lapses.set(s.seatId, Date.parse(s.heldUntil));
      else lapses.delete(s.seatId);
    };
    // Subscribe before reading the snapshot, so no change falls between the two.
    const pending: LiveSeat[][] = [];
    let ready = false;
    const stop = await listen(sessionId, (seats) => {
      if (!ready) return void pending.push(seats);
      const newer = seats.filter((s) => (versions.get(s.seatId) ?? -1) < s.version);
      newer.forEach(track);
      if (newer.length) sendChanges(newer);
    });
    const map = await d.seatMaps.getLive(sessionId);
    if (!map) {
      stop();
      return false;
    }
    const compact = format === 'availability' ? compactEvents(map) : undefined;
    const sendChanges = (changes: LiveSeat[]) => (compact ? send('changes', compact.delta(changes)) : send('seats', { changes }));
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no', // tells proxies not to buffer the stream
    });
    if (compact) send('availability', compact.availability);
    else send('snapshot', { sessionId: map.sessionId, counts: map.counts, areas: map.areas, seats: map.seats });
    map.seats.forEach(track);
    map.places.forEach(track);
    ready = true;
    for (const seats of pending) {
      const newer = seats.filter((s) => (versions.get(s.seatId) ?? -1) < s.version);
      newer.forEach(track);
      if (newer.length) sendChanges(newer);
    }

    const lapseTimer = setInterval(() => {
      const now = Date.now();
      const lapsed: LiveSeat[] = [];
      for (const [seatId, until] of lapses) {
        if (until <= now) {
          lapses.delete(seatId);
          lapsed.push({ seatId, status: 'available', version: versions.get(seatId) ?? 0 });
        }
      }
      if (lapsed.length) sendChanges(lapsed);
    }, LAPSE_CHECK_MS);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(lapseTimer);
      clearInterval(heartbeat);
      stop();
    });
    return true;
  };
}

type LiveMap = NonNullable<Awaited<ReturnType<SeatMaps['getLive']>>>;

/** The compact stream of one client: its availability, then deltas by seat index (and area counts). */
function compactEvents(map: LiveMap) {
  const index = new Map(map.layout.seats.map((s, i) => [s.seatId, i]));
  const placeArea = new Map(map.places.map((p) => [p.seatId, p.area]));
  const placeStatus = new Map(map.places.map((p) => [p.seatId, p.status]));
  const areas = new Map(map.areas.map((a) => [a.area, { area: a.area, available: a.available, reserved: a.reserved, sold: a.sold }]));
  const bits = toBase64(packStatuses(map.seats.map((s) => STATUS_CODE[s.status])));
  const areaCounts = [...areas.values()].map((a) => ({ ...a }));
  return {
    availability: {
      sessionId: map.sessionId,
      layoutVersion: map.layout.version,
      version: availabilityVersion(map.layout.version, bits, areaCounts),
      encoding: '2bit-base64',
      seats: bits,
      areas: areaCounts,
      counts: map.counts,
    },
    delta(changes: LiveSeat[]) {
      const seats: [number, number][] = [];
      const moved = new Set<string>();
      for (const c of changes) {
        const i = index.get(c.seatId);
        if (i !== undefined) seats.push([i, STATUS_CODE[c.status]]);
        const area = placeArea.get(c.seatId);
        const was = placeStatus.get(c.seatId);
        if (area && was && was !== c.status) {
          const counts = areas.get(area)!;
          counts[was]--;
          counts[c.status]++;
          placeStatus.set(c.seatId, c.status);
          moved.add(area);
        }
      }
      return { changes: seats, ...(moved.size ? { areas: [...moved].map((a) => areas.get(a)!) } : {}) };
    },
  };
}
