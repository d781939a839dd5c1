import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Pool } from 'pg';
import { packStatuses, SEAT_STATUSES, STATUS_CODE, toBase64, unpackStatuses } from '../../contracts/availability';
import type { AreaView, SeatView as SeatOnMap, SessionPlaces } from '../../contracts/catalog';
import { isTaken, type SeatState } from '../../contracts/seat-view';
import type { Logger } from '../shared/logger';
import { toSeat, type SeatHolds, type SeatRow } from './seat-holds';
import { packLayout, type AreaPlaces, type Layout } from './seat-layout';
import type { SeatView } from './seat-view';

/** Bytes served as they are, with their ETag. */
export interface Served {
  body: Buffer;
  etag: string;
}

/**
 * A session's seat states at one moment, serialized for every reader of it:
 * the compact availability at once, the whole JSON seat map (and its gzip)
 * only if someone asks for it.
 */
export interface SeatMapSnapshot {
  /** The seat view's revision the snapshot was built at (NaN when built from PostgreSQL). */
  revision: number;
  /** The snapshot is true until then (ms since the epoch), unless the revision moves on: the first live hold ends. */
  validUntil: number;
  /** Every place of the session, numbered seats and standing areas together, and each area's. */
  places: SessionPlaces;
  layout: Layout;
  availability: Served;
  /** GET /sessions/{id}/seat-map: every seat with its tier, price and status. */
  map(): Served & { gzipped(): Buffer };
}

// A session's seats, tiers and prices do not change once it has sales, and
// before that only by a layout change; caching them briefly keeps the seat
// map, the hottest read of a flash sale, to one Redis call.
const LAYOUT_TTL_MS = 30_000;

/** An availability's version: its states' own hash, so equal states have equal versions on every replica. */
export const availabilityVersion = (layoutVersion: string, bits: string, areas: unknown) =>
  createHash('sha1').update(layoutVersion).update(bits).update(JSON.stringify(areas)).digest('base64url').slice(0, 16);

const etagOf = (body: Buffer) => `"${createHash('sha1').update(body).digest('base64url')}"`;

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
      const areas = new Map<string, AreaPlaces>();
      for (const r of rows.filter((x) => x.ga)) {
        let a = areas.get(r.section);
        if (!a) areas.set(r.section, (a = { area: r.section, tier: r.tier, price: { amount: r.price, currency: r.currency }, placeIds: [] }));
        a.placeIds.push(r.seat_id);
      }
      const seats = rows.filter((x) => !x.ga).map(toSeat);
      result = packLayout(sessionId, seats, [...areas.values()].sort((x, y) => x.area.localeCompare(y.area)));
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
    const places: { area: string; placeId: string; status: SeatOnMap['status']; state: SeatState | undefined }[] = [];
    const areas: AreaView[] = plan.areas.map(({ placeIds, ...a }) => {
      const c = { available: 0, reserved: 0, sold: 0 };
      for (const placeId of placeIds) {
        const s = state.get(placeId);
        const status = statusOf(s);
        c[status]++;
        places.push({ area: a.area, placeId, status, state: s });
      }
      return { ...a, capacity: placeIds.length, ...c };
    });
    return { layout: plan, withStatus, counts, areas, places, revision, validUntil };
  }

  /**
   * Seat states serialized once per change of the seats: every reader of an
   * unchanged session gets the same bytes, so a flash sale's thousands of
   * reads cost one build per change, not one per read. A read never gets
   * states older than the seat changes committed before it began: it waits
   * for a build that started after it, when the one in flight is older.
   */
  const snapshots = new Map<string, SeatMapSnapshot>();
  const builds = new Map<string, Promise<SeatMapSnapshot | undefined>>();

  /** The layout's places in bitmap order: its numbered seats, then each standing area's places. */
  const placeOrder = (plan: Layout) => [...plan.seats.map((s) => s.seatId), ...plan.areas.flatMap((a) => a.placeIds)];

  /**
   * Each place's status code now, in the layout's order, from the bits Redis
   * keeps (no seat read or decoded); the first time for a layout, after the
   * view is built and its places indexed. Undefined without Redis.
   */
  async function codesFromBits(sessionId: string, plan: Layout): Promise<{ revision: number; codes: Uint8Array; validUntil: number } | undefined> {
    try {
      const now = Date.now();
      let read = await d.view.bits(sessionId, plan.version, now);
      if (!read) {
        await d.holds.ensureView(sessionId);
        await d.view.indexPlaces(sessionId, plan.version, placeOrder(plan));
        read = await d.view.bits(sessionId, plan.version, now);
        if (!read) return undefined;
      }
      const count = plan.seats.length + plan.areas.reduce((n, a) => n + a.placeIds.length, 0);
      const codes = unpackStatuses(read.bits, count);
      // A hold whose end has passed is free now, without any event.
      for (const i of read.lapsed) if (i < count && codes[i] === STATUS_CODE.reserved) codes[i] = STATUS_CODE.available;
      const validUntil = Math.min((layouts.get(sessionId)?.at ?? now) + LAYOUT_TTL_MS, read.nextLapse);
      return { revision: read.revision, codes, validUntil };
    } catch (err) {
      d.logger.warn({ err, sessionId }, 'seat bits unavailable; reading seat states');
      return undefined;
    }
  }

  /** The same codes from the seat states (the view's hash, or PostgreSQL without Redis): the slow way, for when the bits are not there. */
  async function codesFromStates(sessionId: string) {
    const now = await current(sessionId);
    if (!now) return undefined;
    const codes = Uint8Array.from([...now.withStatus.map((x) => STATUS_CODE[x.seat.status]), ...now.places.map((p) => STATUS_CODE[p.status])]);
    return { revision: now.revision, codes, validUntil: now.validUntil };
  }

  async function build(sessionId: string): Promise<SeatMapSnapshot | undefined> {
    const plan = await layout(sessionId);
    if (!plan) return undefined;
    const got = (await codesFromBits(sessionId, plan)) ?? (await codesFromStates(sessionId));
    if (!got) return undefined;
    const { codes, revision, validUntil } = got;
    const seats = codes.subarray(0, plan.seats.length);
    const tally = (from: number, to: number) => {
      const c = { available: 0, reserved: 0, sold: 0 };
      for (let i = from; i < to; i++) c[SEAT_STATUSES[codes[i]!] ?? 'available']++;
      return c;
    };
    const counts = tally(0, plan.seats.length);
    let at = plan.seats.length;
    const areaViews: AreaView[] = plan.areas.map(({ placeIds, ...a }) => {
      const c = tally(at, (at += placeIds.length));
      return { ...a, capacity: placeIds.length, ...c };
    });
    const areas = areaViews.map(({ area, available, reserved, sold }) => ({ area, available, reserved, sold }));
    const places = {
      ...areas.reduce((t, a) => ({ available: t.available + a.available, reserved: t.reserved + a.reserved, sold: t.sold + a.sold }), counts),
      areas,
    };
    const bits = toBase64(packStatuses(seats));
    const version = availabilityVersion(plan.version, bits, areas);
    const body = Buffer.from(JSON.stringify({ sessionId, layoutVersion: plan.version, version, encoding: '2bit-base64', seats: bits, areas, counts }));
    let map: ReturnType<SeatMapSnapshot['map']> | undefined;
    const snapshot: SeatMapSnapshot = {
      revision,
      validUntil,
      places,
      layout: plan,
      availability: { body, etag: `"${version}"` },
      map: () => {
        if (!map) {
          const withStatus = plan.seats.map((seat, i) => ({ ...seat, status: SEAT_STATUSES[seats[i]!] ?? 'available' }));
          const full = Buffer.from(JSON.stringify({ sessionId, seats: withStatus, areas: areaViews, counts }));
          let gzip: Buffer | undefined;
          map = { body: full, etag: etagOf(full), gzipped: () => (gzip ??= gzipSync(full)) };
        }
        return map;
      },
    };
    if (Number.isFinite(revision)) snapshots.set(sessionId, snapshot);
    return snapshot;
  }

  function nextBuild(sessionId: string): Promise<SeatMapSnapshot | undefined> {
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
      snapshots.delete(sessionId);
    },

    /** The session's layout, or undefined when the session does not exist or is a draft. */
    layout,

    /** The seat states now, serialized, or undefined when the session does not exist or is a draft. */
    async snapshot(sessionId: string): Promise<SeatMapSnapshot | undefined> {
      const revision = await d.view.revision(sessionId).catch(() => NaN);
      if (!Number.isFinite(revision)) return build(sessionId);
      const cached = snapshots.get(sessionId);
      if (cached && cached.revision === revision && Date.now() < cached.validUntil) return cached;
      for (;;) {
        const b = await nextBuild(sessionId);
        if (!b || !Number.isFinite(b.revision) || (b.revision >= revision && Date.now() < b.validUntil)) return b;
      }
    },

    /**
     * The same map with each seat's version and hold end, for the live
     * stream: numbered seats in layout order, and each standing area's
     * places (the stream keeps its areas' counts from them).
     */
    async getLive(sessionId: string) {
      const map = await current(sessionId);
      if (!map) return undefined;
      const live = (seatId: string, status: SeatOnMap['status'], state: SeatState | undefined) => ({
        seatId,
        status,
        version: state?.version ?? 0,
        ...(status === 'reserved' ? { heldUntil: new Date(state!.heldUntil).toISOString() } : {}),
      });
      return {
        layout: map.layout,
        sessionId,
        counts: map.counts,
        areas: map.areas,
        seats: map.withStatus.map(({ seat, state }) => ({ ...seat, ...live(seat.seatId, seat.status, state) })),
        places: map.places.map((p) => ({ area: p.area, ...live(p.placeId, p.status, p.state) })),
      };
    },
  };
}
export type SeatMaps = ReturnType<typeof createSeatMaps>;
