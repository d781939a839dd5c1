import type { Db } from '../shared/db';
import type { z } from 'zod';
import { badRequest } from '../shared/errors';
import type { CreateHallBody } from '../../contracts/catalog';

/** Anything that runs a query: the pool or a client inside a transaction. */
export type { Db };

export type Layout = z.infer<typeof CreateHallBody>['sections'];

const MAX_SEATS = 100_000;

/** A layout's seats as column arrays (for one unnest insert), numbered in layout order. */
export function planSeats(sections: Layout) {
  const names = new Set<string>();
  const seat = { section: [] as string[], row: [] as string[], number: [] as number[], ordinal: [] as number[] };
  for (const s of sections) {
    if (names.has(s.name)) throw badRequest(`section "${s.name}" appears twice`);
    names.add(s.name);
    const labels = new Set<string>();
    for (const r of s.rows) {
      if (labels.has(r.label)) throw badRequest(`row "${r.label}" appears twice in section "${s.name}"`);
      labels.add(r.label);
      for (let n = 1; n <= r.seats; n++) {
        seat.section.push(s.name);
        seat.row.push(r.label);
        seat.number.push(n);
        seat.ordinal.push(seat.ordinal.length);
      }
    }
  }
  if (seat.ordinal.length > MAX_SEATS) throw badRequest(`a hall has at most ${MAX_SEATS} seats`);
  return { ...seat, sections: names, count: seat.ordinal.length };
}
export type SeatPlan = ReturnType<typeof planSeats>;

export async function insertSeats(c: Db, hallId: string, p: SeatPlan): Promise<void> {
  await c.query(
    `INSERT INTO catalog.seats (hall_id, section, row_label, number, ordinal)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[])`,
    [hallId, p.section, p.row, p.number, p.ordinal],
  );
}

export interface HallView {
  id: string;
  venueId: string;
  name: string;
  seatCount: number;
  sections: Layout;
}

/**
 * Halls with their layouts, read back from their seats (seats are numbered
 * 1..n per row and ordered by ordinal, so the layout is exactly recoverable
 * and never stored twice).
 */
export async function hallsOf(db: Db, where: { venueIds: string[] } | { hallIds: string[] }): Promise<HallView[]> {
  const byVenue = 'venueIds' in where;
  const { rows: halls } = await db.query(
    `SELECT id, venue_id, name FROM catalog.halls WHERE ${byVenue ? 'venue_id' : 'id'} = ANY($1::uuid[]) ORDER BY created_at, id`,
    [byVenue ? where.venueIds : where.hallIds],
  );
  const { rows } = await db.query<{ hall_id: string; section: string; row_label: string; seats: number }>(
    `SELECT hall_id, section, row_label, count(*)::int AS seats
     FROM catalog.seats WHERE hall_id = ANY($1::uuid[]) AND session_id IS NULL -- hall seats only, not sessions' GA places
     GROUP BY hall_id, section, row_label ORDER BY hall_id, min(ordinal)`,
    [halls.map((h) => h.id)],
  );
  return halls.map((h) => {
    const sections: Layout = [];
    let seatCount = 0;
    for (const r of rows.filter((x) => x.hall_id === h.id)) {
      let section = sections[sections.length - 1];
      if (section?.name !== r.section) sections.push((section = { name: r.section, rows: [] }));
      section.rows.push({ label: r.row_label, seats: r.seats });
      seatCount += r.seats;
    }
    return { id: h.id, venueId: h.venue_id, name: h.name, seatCount, sections };
  });
}
