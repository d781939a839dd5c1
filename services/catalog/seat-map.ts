import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Pool } from 'pg';
import type { Logger } from '../shared/logger';
import type { AreaView, SeatView as SeatOnMap } from '../../contracts/catalog';
import { toSeat, type SeatHolds, type SeatRow } from './seat-holds';
import { isTaken, type SeatState } from '../../contracts/seat-view';
import type { SeatView } from './seat-view';
import type { Availability } from '../../contracts/catalog';

type Placed = Omit<SeatOnMap, 'status'>;

/** A general-admission area's layout: its places' ids (seat rows owned by the session, see migration 004). */
interface AreaLayout {
  area: string;
  tier: string;
  price: Placed['price'];
  placeIds: string[];
}
/** A seat map's JSON bytes, and what they were built from. */
export interface SerializedSeatMap {
  /** The seat view's revision the map was built at (NaN when built from PostgreSQL). */
  revision: number;
  /** The map is true until then (ms since the epoch), unless the revision moves on: the first live hold ends. */
  validUntil: number;
  body: Buffer;
  etag: string;
  /** Every place of the session, numbered seats and standing areas together. */
  places: Availability;
  /** The body gzipped, compressed once per map. */
  gzipped(): Buffer;
}

interface Layout {
  seats: Placed[];
  areas: AreaLayout[];
}

// A session's seats, tiers and prices do not change once it has sales, and
// before that only by a layout change; caching them briefly keeps the seat
// map, the hottest read of a flash sale, to one Redis call.
const LAYOUT_TTL_MS = 30_000;

export interface SeatMapDeps {
  pool: Pool;
  holds: SeatHolds;
  view: SeatView;
  logger: Logger;
}

/** Seat maps served from the Redis view, with PostgreSQL as the fallback when Redis is not there. */
export function createSeatMaps(d: SeatMapDeps) {
  const layouts = new Map<string, { at: number; layout: Layout | undefined }>();

  async function layout(sessionId: string): Promise<Layout | undefined> {
    const cached = layouts.get(sessionId);
    if (cached && Date.now() - cached.at < LAYOUT_TTL_MS) return cached.layout;
    const visible = await d.pool.query(
      `SELECT 1 FROM catalog.sessions s JOIN catalog.events e ON e.id = s.event_id WHERE s.id = $1 AND e.status <> 'draft'`,
      [sessionId],
    );
    const { rows } = await d.pool.query<SeatRow & { ga: boolean }>(
      `SELECT ss.seat_id, st.section, st.row_label, st.number, t.name AS tier, t.price::text AS price, t.currency, st.session_id IS NOT NULL AS ga
       FROM catalog.session_seats ss
       JOIN catalog.seats st ON st.id = ss.seat_id
       JOIN catalog.price_tiers t ON t.id = ss.tier_id
       WHERE ss.session_id = $1 ORDER BY st.ordinal`,
      [sessionId],
    );
    let result: Layout | undefined;
    if (visible.rowCount) {
      const areas = new Map<string, AreaLayout>();
      for (const r of rows.filter((x) => x.ga)) {
        let a = areas.get(r.section);
        if (!a) areas.set(r.section, (a = { area: r.section, tier: r.tier, price: { amount: r.price, currency: r.currency }, placeIds: [] }));
        a.placeIds.push(r.seat_id);
      }
      result = { seats: rows.filter((x) => !x.ga).map(toSeat), areas: [...areas.values()].sort((x, y) => x.area.localeCompare(y.area)) };
    }
    layouts.set(sessionId, { at: Date.now(), layout: result });
    return result;
  }

  /** Seat states from the Redis view with its revision, or from PostgreSQL (no revision: not to be cached) without it. */
  async function states(sessionId: string): Promise<{ revision: number; states: Map<string, SeatState> }> {
    try {
      const built = await d.view.all(sessionId);
      if (built) return built;
      await d.holds.ensureView(sessionId);
      const fresh = await d.view.all(sessionId);
      if (fresh) return fresh;
    } catch (err) {
      d.logger.warn({ err, sessionId }, 'seat view unavailable; reading seat states from PostgreSQL');
    }
    const { rows } = await d.pool.query<{ seat_id: string; version: string; status: SeatState['status']; held_until: Date | null; reservation_id: string | null }>(
      'SELECT seat_id, version, status, held_until, reservation_id FROM catalog.session_seats WHERE session_id = $1',
      [sessionId],
    );
    return {
      revision: NaN,
      states: new Map(
        rows.map((r) => [r.seat_id, { version: Number(r.version), status: r.status, heldUntil: r.held_until?.getTime() ?? 0, reservationId: r.reservation_id }]),
      ),
    };
  }

  /** Seats with their status now, the state each was derived from, and until when that status holds. */
  async function current(sessionId: string) {
    const plan = await layout(sessionId);
    if (!plan) return undefined;
    const now = Date.now();
    const { revision, states: state } = await states(sessionId);
    // A hold ends without any event: the map stays true only until the first live hold ends.
    let validUntil = (layouts.get(sessionId)?.at ?? now) + LAYOUT_TTL_MS;
    const statusOf = (s: SeatState | undefined): SeatOnMap['status'] => {
      if (s?.status === 'sold') return 'sold';
      if (!isTaken(s, now)) return 'available';
      validUntil = Math.min(validUntil, s!.heldUntil);
      return 'reserved';
    };
    // counts stay those of numbered seats; each standing area has its own.
    const counts = { available: 0, reserved: 0, sold: 0 };
    const withStatus = plan.seats.map((seat) => {
      const s = state.get(seat.seatId);
      const status = statusOf(s);
      counts[status]++;
      return { seat: { ...seat, status }, state: s };
    });
    const areas: AreaView[] = plan.areas.map(({ placeIds, ...a }) => {
      const c = { available: 0, reserved: 0, sold: 0 };
      for (const placeId of placeIds) c[statusOf(state.get(placeId))]++;
      return { ...a, capacity: placeIds.length, ...c };
    });
    return { withStatus, counts, areas, revision, validUntil };
  }

  /**
   * The seat map serialized once per change of its seats: every reader of an
   * unchanged map gets the same bytes (and their gzip), so a flash sale's
   * thousands of reads cost one build per change, not one per read. A read
   * never gets a map older than the seat changes committed before it began:
   * it waits for a build that started after it, when the one in flight is older.
   */
  const serializedMaps = new Map<string, SerializedSeatMap>();
  const builds = new Map<string, Promise<SerializedSeatMap | undefined>>();

  async function build(sessionId: string): Promise<SerializedSeatMap | undefined> {
    const map = await current(sessionId);
    if (!map) return undefined;
    const body = Buffer.from(JSON.stringify({ sessionId, seats: map.withStatus.map((x) => x.seat), areas: map.areas, counts: map.counts }));
    let gzip: Buffer | undefined;
    const places = map.areas.reduce(
      (t, a) => ({ available: t.available + a.available, reserved: t.reserved + a.reserved, sold: t.sold + a.sold }),
      map.counts,
    );
    const built: SerializedSeatMap = {
      revision: map.revision,
      validUntil: map.validUntil,
      body,
      places,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      gzipped: () => (gzip ??= gzipSync(body)),
    };
    if (Number.isFinite(map.revision)) serializedMaps.set(sessionId, built);
    return built;
  }

  function nextBuild(sessionId: string): Promise<SerializedSeatMap | undefined> {
    let b = builds.get(sessionId);
    if (!b) {
      b = build(sessionId).finally(() => builds.delete(sessionId));
      builds.set(sessionId, b);
    }
    return b;
  }

  return {
    /** Drops a session's cached layout (its hall's layout changed). */
    forget: (sessionId: string) => {
      layouts.delete(sessionId);
      serializedMaps.delete(sessionId);
    },

    /** The seat map as JSON bytes, or undefined when the session does not exist or is a draft. */
    async serialized(sessionId: string): Promise<SerializedSeatMap | undefined> {
      const revision = await d.view.revision(sessionId).catch(() => NaN);
      if (!Number.isFinite(revision)) return build(sessionId);
      const cached = serializedMaps.get(sessionId);
      if (cached && cached.revision === revision && Date.now() < cached.validUntil) return cached;
      for (;;) {
        const b = await nextBuild(sessionId);
        if (!b || !Number.isFinite(b.revision) || (b.revision >= revision && Date.now() < b.validUntil)) return b;
      }
    },

    /** The same map with each seat's version and hold end: the live stream's snapshot. */
    async getLive(sessionId: string) {
      const map = await current(sessionId);
      return (
        map && {
          sessionId,
          counts: map.counts,
          areas: map.areas,
          seats: map.withStatus.map(({ seat, state }) => ({
            ...seat,
            version: state?.version ?? 0,
            ...(seat.status === 'reserved' ? { heldUntil: new Date(state!.heldUntil).toISOString() } : {}),
          })),
        }
      );
    },
  };
}
export type SeatMaps = ReturnType<typeof createSeatMaps>;
