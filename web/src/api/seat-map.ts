import { fromBase64, unpackStatuses } from '../../../contracts/availability';
import type { SeatAvailability, SessionLayout } from '../../../contracts/catalog';
import { placeLayout, type HallLayout } from '../lib/seat-layout';
import type { Money } from '../lib/money';
import { ApiError } from './errors';
import { api, send } from './http';
import { openStream } from './stream';
import type { Area, Counts } from './types';

/**
 * The ONLY place that knows how the API ships a seat map (issue 20,
 * services/catalog/seat-map-routes.ts), in two parts:
 *
 * - the layout, GET /api/v1/sessions/{id}/layout?version=<layoutVersion>:
 *   tiers, sections, rows with their seat ids and positions, standing areas.
 *   Immutable per version, so with the version the browser caches it for a
 *   year and reads it once per session (and per layout change);
 * - the availability, GET /api/v1/sessions/{id}/availability: two bits per
 *   seat in the layout's order (contracts/availability.ts decodes them) and
 *   each standing area's counts, with an ETag (If-None-Match → 304);
 * - kept live by GET /api/v1/sessions/{id}/seat-map/live?format=availability:
 *   an "availability" event (the state when the stream started), then
 *   "changes" events: [seat index, status code] pairs and the counts of any
 *   standing area that moved; lapsed holds come as changes to available.
 *
 * The availability is read on open and again whenever the stream drops
 * (with If-None-Match: a 304 means the states are those of the last full
 * availability), so the map is right while the stream reconnects. Everything
 * else sees the model below: seats in a stable order with what never
 * changes, a status per seat index, positions from the layout.
 */

export type SeatStatus = 'available' | 'reserved' | 'sold';

export interface SeatInfo {
  id: string;
  section: string;
  row: string;
  number: number;
  tier: string;
  price: Money;
}

export interface SeatMapModel {
  /** Every seat, in the hall's layout order; an index into it names a seat everywhere in the app. */
  readonly seats: readonly SeatInfo[];
  /** Where each seat is drawn (layout units). */
  readonly layout: HallLayout;
  /** Tier names in price order, highest first (the legend's and colours' order). */
  readonly tiers: readonly { name: string; price: Money }[];
  status(i: number): SeatStatus;
  indexOf(seatId: string): number | undefined;
  /** Standing areas with their live counts. */
  areas(): readonly Area[];
  /** Numbered seats by status. */
  counts(): Counts;
  /**
   * Called with the indexes that changed, 'all' after a standing area's
   * counts moved, or 'layout' when the session's layout changed (possible
   * only before any sale): this model is then stale and stops; open a new one.
   */
  subscribe(onChange: (changed: number[] | 'all' | 'layout') => void): () => void;
  /**
   * Marks seats taken that the booking API refused (409 SEAT_UNAVAILABLE)
   * before the stream said so; the stream's next word on them wins.
   */
  markTaken(seatIds: readonly string[]): void;
  close(): void;
}

type AreaCounts = SeatAvailability['areas'][number];
/** A "changes" event of the compact live stream (services/catalog/live-seat-map.ts). */
interface Changes {
  changes: [index: number, code: number][];
  areas?: AreaCounts[];
}

const STATUSES: SeatStatus[] = ['available', 'reserved', 'sold'];
/** Tries at reading an availability and the layout it names, should the layout change in between. */
const LAYOUT_TRIES = 3;

const path = (sessionId: string, what: string) => `/api/v1/sessions/${encodeURIComponent(sessionId)}/${what}`;

/** The availability, or undefined when it is still the one whose ETag was given (304). */
async function readAvailability(sessionId: string, etag?: string): Promise<SeatAvailability | undefined> {
  const res = await send('GET', path(sessionId, 'availability'), etag ? { headers: { 'if-none-match': etag } } : {});
  return res.status === 304 ? undefined : ((await res.json()) as SeatAvailability);
}

/** Each seat's status code, from an availability of a layout of `count` seats. */
const codesOf = (a: SeatAvailability, count: number) => unpackStatuses(fromBase64(a.seats), count);
const etagOf = (a: SeatAvailability) => `"${a.version}"`;

/** Opens a session's live seat map; resolves with the model once its layout and availability are read. */
export async function openSeatMap(sessionId: string): Promise<SeatMapModel> {
  for (let attempt = 1; ; attempt++) {
    const availability = (await readAvailability(sessionId))!;
    try {
      const layout = await api.get<SessionLayout>(path(sessionId, 'layout'), { query: { version: availability.layoutVersion } });
      return liveModel(sessionId, layout, availability);
    } catch (err) {
      // 404: the layout changed after the availability was read (only possible before any sale). Read both again.
      if (!(err instanceof ApiError && err.status === 404) || attempt >= LAYOUT_TRIES) throw err;
    }
  }
}

function liveModel(sessionId: string, l: SessionLayout, first: SeatAvailability): SeatMapModel {
  const layoutStart = performance.now();
  const seats: SeatInfo[] = [];
  for (const s of l.sections) {
    for (const r of s.rows) {
      const tier = l.tiers[r.tier]!;
      r.seatIds.forEach((id, k) => seats.push({ id, section: s.name, row: r.label, number: k + 1, tier: tier.name, price: tier.price }));
    }
  }
  const layout = placeLayout(l.sections);
  performance.measure('seat-map-layout', { start: layoutStart, end: performance.now(), detail: { seats: seats.length } });

  const index = new Map(seats.map((s, i) => [s.id, i]));
  const seatedTiers = new Set(l.sections.flatMap((s) => s.rows.map((r) => r.tier)));
  const tiers = l.tiers.filter((_, k) => seatedTiers.has(k)).sort((a, b) => Number(b.price.amount) - Number(a.price.amount));
  const status = new Uint8Array(seats.length);
  const areaCounts = new Map<string, AreaCounts>();
  let areas: Area[] = [];
  /** The last whole availability: what a 304 stands for. */
  let full = { etag: etagOf(first), codes: codesOf(first, seats.length), areas: first.areas };
  let stale = false;
  let closeStream = () => {};
  const listeners = new Set<(changed: number[] | 'all' | 'layout') => void>();
  const notify = (changed: number[] | 'all' | 'layout') => listeners.forEach((f) => f(changed));

  const rebuildAreas = () => {
    areas = l.areas.map((a) => {
      const tier = l.tiers[a.tier]!;
      const c = areaCounts.get(a.area) ?? { available: a.capacity, reserved: 0, sold: 0 };
      return { area: a.area, tier: tier.name, price: tier.price, capacity: a.capacity, available: c.available, reserved: c.reserved, sold: c.sold };
    });
  };
  /** Takes standing areas' counts; says whether any moved. */
  const setAreas = (counts: readonly AreaCounts[]): boolean => {
    let moved = false;
    for (const c of counts) {
      const was = areaCounts.get(c.area);
      if (!was || was.available !== c.available || was.reserved !== c.reserved || was.sold !== c.sold) moved = true;
      areaCounts.set(c.area, c);
    }
    if (moved) rebuildAreas();
    return moved;
  };

  /** Takes whole states (an availability, or the last one again after a 304) and names the seats that differ. */
  const take = (codes: Uint8Array, counts: readonly AreaCounts[]) => {
    const changed: number[] = [];
    for (let i = 0; i < status.length; i++) {
      if (status[i] !== codes[i]) {
        status[i] = codes[i]!;
        changed.push(i);
      }
    }
    const moved = setAreas(counts);
    if (moved) notify('all');
    else if (changed.length) notify(changed);
  };

  const layoutChanged = () => {
    if (stale) return;
    stale = true;
    closeStream();
    notify('layout');
  };

  const resync = (a: SeatAvailability) => {
    if (stale) return;
    if (a.layoutVersion !== l.layoutVersion) return layoutChanged();
    full = { etag: etagOf(a), codes: codesOf(a, seats.length), areas: a.areas };
    take(full.codes, full.areas);
  };

  const apply = (c: Changes) => {
    if (stale) return;
    const changed: number[] = [];
    for (const [i, code] of c.changes) {
      if (i >= 0 && i < status.length && status[i] !== code) {
        status[i] = code;
        changed.push(i);
      }
    }
    const moved = c.areas ? setAreas(c.areas) : false;
    if (moved) notify('all');
    else if (changed.length) notify(changed);
  };

  status.set(full.codes);
  setAreas(full.areas);
  rebuildAreas();

  // The stream's availability events since the last drop: a read started before one arrived is older than it.
  let streamed = 0;
  const catchUp = async () => {
    const seen = streamed;
    try {
      const a = await readAvailability(sessionId, full.etag);
      if (seen !== streamed || stale) return;
      if (a) resync(a);
      else take(full.codes, full.areas);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) layoutChanged();
      // Otherwise the stream's reconnection brings the states.
    }
  };

  closeStream = openStream(`${path(sessionId, 'seat-map/live')}?format=availability`, {
    onEvent(e) {
      if (e.event === 'availability') {
        streamed++;
        resync(JSON.parse(e.data) as SeatAvailability);
      } else if (e.event === 'changes') apply(JSON.parse(e.data) as Changes);
    },
    onDrop(_err, final) {
      if (!final) void catchUp();
    },
  });

  return {
    seats,
    layout,
    tiers,
    status: (i: number) => STATUSES[status[i]!] ?? 'available',
    indexOf: (seatId: string) => index.get(seatId),
    areas: () => areas,
    counts() {
      const c = { available: 0, reserved: 0, sold: 0 };
      for (const s of status) c[STATUSES[s] ?? 'available']++;
      return c;
    },
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    markTaken(seatIds) {
      const changed = seatIds.map((id) => index.get(id)).filter((i): i is number => i !== undefined && status[i] === 0);
      changed.forEach((i) => (status[i] = 1));
      if (changed.length) notify(changed);
    },
    close() {
      stale = true;
      listeners.clear();
      closeStream();
    },
  };
}
