import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { SeatView as SeatOnMap, SessionLayout } from '../../contracts/catalog';

/** A numbered seat as the layout knows it (its status comes from the seat view). */
export type PlacedSeat = Omit<SeatOnMap, 'status'>;

/** A general-admission area: its places' ids (seat rows owned by the session, see migration 004). */
export interface AreaPlaces {
  area: string;
  tier: string;
  price: PlacedSeat['price'];
  placeIds: string[];
}

/** A session's layout as the catalog serves it: its seats in bitmap order, and its wire form, compressed once. */
export interface Layout {
  seats: PlacedSeat[];
  areas: AreaPlaces[];
  version: string;
  body: Buffer;
  etag: string;
  gzip: Buffer;
  brotli: Buffer;
}

/**
 * The wire layout of a session (contracts/catalog.ts SessionLayout) from its
 * seats in layout order: rows grouped, centred, sections stacked with a gap.
 */
export function sessionLayout(sessionId: string, seats: PlacedSeat[], areas: AreaPlaces[]): Omit<SessionLayout, 'layoutVersion'> {
  const tiers: SessionLayout['tiers'] = [];
  const tierOf = (name: string, price: PlacedSeat['price']) => {
    let i = tiers.findIndex((t) => t.name === name);
    if (i < 0) i = tiers.push({ name, price }) - 1;
    return i;
  };
  const sections: SessionLayout['sections'] = [];
  for (const seat of seats) {
    let section = sections.at(-1);
    if (section?.name !== seat.section) sections.push((section = { name: seat.section, rows: [] }));
    let row = section.rows.at(-1);
    if (row?.label !== seat.row) section.rows.push((row = { label: seat.row, tier: tierOf(seat.tier, seat.price), x: 0, y: 0, seatIds: [] }));
    // Rows are numbered 1..n by construction (layout.ts planSeats): the position is the number.
    if (seat.number !== row.seatIds.length + 1) throw new Error(`seat ${seat.seatId} is number ${seat.number} at place ${row.seatIds.length + 1} of its row`);
    row.seatIds.push(seat.seatId);
  }
  const width = Math.max(0, ...sections.flatMap((s) => s.rows.map((r) => r.seatIds.length)));
  let y = 0;
  for (const section of sections) {
    for (const row of section.rows) {
      row.x = (width - row.seatIds.length) / 2;
      row.y = y++;
    }
    y++; // the aisle between sections
  }
  return {
    sessionId,
    tiers,
    sections,
    areas: areas.map((a) => ({ area: a.area, tier: tierOf(a.tier, a.price), capacity: a.placeIds.length })),
    seatCount: seats.length,
    width,
    height: Math.max(0, y - 1),
  };
}

/** A layout's version: a hash of what it says, so it changes exactly when the layout does. */
export const layoutVersion = (wire: Omit<SessionLayout, 'layoutVersion'>) =>
  createHash('sha256').update(JSON.stringify(wire)).digest('base64url').slice(0, 22);

/** The layout with its version, serialized and compressed once (it is served to every buyer). */
export function packLayout(sessionId: string, seats: PlacedSeat[], areas: AreaPlaces[]): Layout {
  const wire = sessionLayout(sessionId, seats, areas);
  const version = layoutVersion(wire);
  const body = Buffer.from(JSON.stringify({ ...wire, layoutVersion: version }));
  return {
    seats,
    areas,
    version,
    body,
    etag: `"${version}"`,
    gzip: gzipSync(body, { level: 9 }),
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  };
}
