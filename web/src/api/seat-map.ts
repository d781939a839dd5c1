import { layoutHall, type HallLayout } from '../lib/seat-layout';
import type { Money } from '../lib/money';
import { api } from './http';
import { openStream } from './stream';
import type { Area, Counts, SeatOnMap } from './types';

/**
 * The ONLY place that knows how the API ships a seat map. Today that is the
 * live stream GET /api/v1/sessions/{id}/seat-map/live: a "snapshot" event
 * (every seat with its section, row, number, tier, price, status and
 * version; standing areas as counts), then a "seats" event per change
 * ({changes: [{seatId, status, version, heldUntil?}]}, holds that lapse
 * included) — see services/catalog/live-seat-map.ts. Issue 20 will split it
 * into an immutable layout and a compact availability bitmap; only this
 * file should change then. Everything else sees the model below: seats in a
 * stable order with what never changes, a status per seat index, and
 * positions computed here from sections, rows and numbers.
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
  /** Called with the indexes that changed, or 'all' after a (re)snapshot or an areas update. */
  subscribe(onChange: (changed: number[] | 'all') => void): () => void;
  /**
   * Marks seats taken that the booking API refused (409 SEAT_UNAVAILABLE)
   * before the stream said so; the stream's next word on them wins.
   */
  markTaken(seatIds: readonly string[]): void;
  close(): void;
}

interface LiveSeat {
  seatId: string;
  status: SeatStatus;
  version: number;
}
interface Snapshot {
  sessionId: string;
  seats: (SeatOnMap & { version: number })[];
  areas: Area[];
  counts: Counts;
}

const CODES: Record<SeatStatus, number> = { available: 0, reserved: 1, sold: 2 };
const STATUSES: SeatStatus[] = ['available', 'reserved', 'sold'];
/** Standing areas' counts are refreshed this long after a change to places the snapshot does not list. */
const AREA_REFRESH_MS = 1_000;

/** Opens a session's live seat map; resolves with the model once the first snapshot has arrived. */
export function openSeatMap(sessionId: string): Promise<SeatMapModel> {
  return new Promise((resolve, reject) => {
    let model: ReturnType<typeof buildModel> | undefined;
    const close = openStream(`/api/v1/sessions/${sessionId}/seat-map/live`, {
      onEvent(e) {
        if (e.event === 'snapshot') {
          const snapshot = JSON.parse(e.data) as Snapshot;
          if (!model) {
            model = buildModel(sessionId, snapshot, () => close());
            resolve(model);
          } else model.resync(snapshot);
        } else if (e.event === 'seats' && model) {
          model.apply((JSON.parse(e.data) as { changes: LiveSeat[] }).changes);
        }
      },
      onDrop(err, final) {
        if (!model && final) reject(err);
      },
    });
  });
}

function buildModel(sessionId: string, first: Snapshot, close: () => void) {
  const seats: SeatInfo[] = first.seats.map((s) => ({ id: s.seatId, section: s.section, row: s.row, number: s.number, tier: s.tier, price: s.price }));
  const index = new Map(seats.map((s, i) => [s.id, i]));
  const status = new Uint8Array(seats.length);
  const versions = new Float64Array(seats.length).fill(-1);
  let areas = first.areas;
  const listeners = new Set<(changed: number[] | 'all') => void>();
  const notify = (changed: number[] | 'all') => listeners.forEach((l) => l(changed));
  const tiers = [...new Map(seats.map((s) => [s.tier, s.price])).entries()]
    .map(([name, price]) => ({ name, price }))
    .sort((a, b) => Number(b.price.amount) - Number(a.price.amount));

  let areaTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshAreas = () => {
    areaTimer ??= setTimeout(async () => {
      areaTimer = undefined;
      try {
        areas = (await api.get<{ areas: Area[] }>(`/api/v1/sessions/${sessionId}/seat-map`)).areas;
        notify('all');
      } catch {
        // The next change tries again.
      }
    }, AREA_REFRESH_MS);
  };

  const take = (s: { seatId: string; status: SeatStatus; version: number }): number | undefined => {
    const i = index.get(s.seatId);
    if (i === undefined) return undefined;
    // A lapse is sent with the hold's own version, so equal versions are news too.
    if (s.version < versions[i]!) return -1;
    versions[i] = s.version;
    status[i] = CODES[s.status];
    return i;
  };

  const resync = (snapshot: Snapshot) => {
    snapshot.seats.forEach((s) => {
      const i = index.get(s.seatId);
      if (i !== undefined) {
        versions[i] = s.version;
        status[i] = CODES[s.status];
      }
    });
    areas = snapshot.areas;
  };
  resync(first);

  const layoutStart = performance.now();
  const layout = layoutHall(seats);
  performance.measure('seat-map-layout', { start: layoutStart, end: performance.now(), detail: { seats: seats.length } });

  return {
    seats,
    layout,
    tiers,
    status: (i: number) => STATUSES[status[i]!]!,
    indexOf: (seatId: string) => index.get(seatId),
    areas: () => areas,
    counts() {
      const c = { available: 0, reserved: 0, sold: 0 };
      for (const s of status) c[STATUSES[s]!]++;
      return c;
    },
    subscribe(onChange: (changed: number[] | 'all') => void) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    markTaken(seatIds: readonly string[]) {
      const changed = seatIds.map((id) => index.get(id)).filter((i): i is number => i !== undefined && status[i] === 0);
      changed.forEach((i) => (status[i] = CODES.reserved));
      if (changed.length) notify(changed);
    },
    close() {
      clearTimeout(areaTimer);
      listeners.clear();
      close();
    },
    resync(snapshot: Snapshot) {
      resync(snapshot);
      notify('all');
    },
    apply(changes: LiveSeat[]) {
      const changed: number[] = [];
      let unknown = false;
      for (const c of changes) {
        const i = take(c);
        if (i === undefined) unknown = true;
        else if (i >= 0) changed.push(i);
      }
      // Places of standing areas are not in the snapshot's seats: recount the areas.
      if (unknown && areas.length) refreshAreas();
      if (changed.length) notify(changed);
    },
  };
}
