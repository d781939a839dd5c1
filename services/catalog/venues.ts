import type { Pool } from 'pg';
import type { z } from 'zod';
import { writeAlongWith, type AlongWith } from '../shared/audit-trail';
import { inTransaction, PG, pgCode } from '../shared/db';
import { badRequest, conflict, notFound } from '../shared/errors';
import { hallsOf, insertSeats, planSeats, type Db, type HallView } from './layout';
import type { CreateHallBody, CreateVenueBody, HallLayoutBody } from '../../contracts/catalog';

const venueView = (r: any) => ({
  id: r.id as string,
  organizerId: r.organizer_id as string,
  name: r.name as string,
  city: r.city as string,
  address: r.address as string,
  createdAt: r.created_at.toISOString() as string,
});

/** Venues and halls: organizers' own property, never public. Each change's `alongWith` writes in its transaction (the audit entry). */
export function createVenueStore(pool: Pool) {
  async function withHalls(db: Db, venues: any[]) {
    const halls = await hallsOf(db, { venueIds: venues.map((v) => v.id) });
    return venues.map((v) => ({ ...venueView(v), halls: halls.filter((h) => h.venueId === v.id) }));
  }

  return {
    async createVenue(organizerId: string, v: z.infer<typeof CreateVenueBody>, alongWith?: AlongWith<ReturnType<typeof venueView>>) {
      const insert = 'INSERT INTO catalog.venues (organizer_id, name, city, address) VALUES ($1, $2, $3, $4) RETURNING *';
      const venue = await writeAlongWith(pool, async (c) => venueView((await c.query(insert, [organizerId, v.name, v.city, v.address])).rows[0]), alongWith);
      return { ...venue, halls: [] as HallView[] };
    },

    async venueOwner(venueId: string): Promise<string | undefined> {
      const { rows } = await pool.query('SELECT organizer_id FROM catalog.venues WHERE id = $1', [venueId]);
      return rows[0]?.organizer_id;
    },

    async hallOwner(hallId: string): Promise<string | undefined> {
      const { rows } = await pool.query(
        'SELECT v.organizer_id FROM catalog.halls h JOIN catalog.venues v ON v.id = h.venue_id WHERE h.id = $1',
        [hallId],
      );
      return rows[0]?.organizer_id;
    },

    async venue(venueId: string) {
      const { rows } = await pool.query('SELECT * FROM catalog.venues WHERE id = $1', [venueId]);
      return rows[0] ? (await withHalls(pool, rows))[0] : undefined;
    },

    async venuesOf(organizerId: string) {
      const { rows } = await pool.query('SELECT * FROM catalog.venues WHERE organizer_id = $1 ORDER BY created_at, id', [organizerId]);
      return withHalls(pool, rows);
    },

    /** The hall and all its seats in one transaction; seats are numbered in layout order. */
    async createHall(venueId: string, h: z.infer<typeof CreateHallBody>, alongWith?: AlongWith<HallView>): Promise<HallView> {
      const plan = planSeats(h.sections);
      return writeAlongWith(
        pool,
        async (c) => {
          const { rows } = await c.query('INSERT INTO catalog.halls (venue_id, name) VALUES ($1, $2) RETURNING id', [venueId, h.name]);
          await insertSeats(c, rows[0].id, plan);
          return { id: rows[0].id as string, venueId, name: h.name, seatCount: plan.count, sections: h.sections };
        },
        alongWith,
      );
    },

    /**
     * Replaces a hall's name and layout. A new layout regenerates the hall's
     * seats and the session_seats of every session on it, all in one
     * transaction; it is refused (409 LAYOUT_LOCKED) while any of those
     * sessions has a sold or currently held seat, so no sale or live hold is
     * ever lost. Returns the sessions whose seats changed, whose cached seat
     * views are stale from then on.
     */
    async replaceHall(venueId: string, hallId: string, h: z.infer<typeof HallLayoutBody>, alongWith?: AlongWith<{ hall: HallView; sessionIds: string[] }>) {
      const plan = planSeats(h.sections);
      try {
        return await inTransaction(pool, async (c) => {
          const done = async (replaced: { hall: HallView; sessionIds: string[] }) => (await alongWith?.(c, replaced), replaced);
          // The hall row lock serialises this with createSession (whose
          // overlap check locks the same row) and with other layout changes.
          const locked = await c.query('SELECT 1 FROM catalog.halls WHERE id = $1 AND venue_id = $2 FOR UPDATE', [hallId, venueId]);
          if (!locked.rowCount) throw notFound('hall');
          const [current] = await hallsOf(c, { hallIds: [hallId] });
          await c.query('UPDATE catalog.halls SET name = $2 WHERE id = $1', [hallId, h.name]);
          // Only a rename: the seats (and their ids, which clients hold) stay.
          if (JSON.stringify(current!.sections) === JSON.stringify(h.sections)) {
            return done({ hall: { ...current!, name: h.name }, sessionIds: [] });
          }
          const { rows: sessions } = await c.query<{ id: string }>('SELECT id FROM catalog.sessions WHERE hall_id = $1', [hallId]);
          const sessionIds = sessions.map((s) => s.id);
          await assertNoSales(c, sessionIds);
          await assertTiersFit(c, hallId, plan.sections);
          // Sessions' general-admission places (seats with session_id) do not depend on the layout: they stay.
          await c.query(
            'DELETE FROM catalog.session_seats ss USING catalog.seats st WHERE ss.session_id = ANY($1::uuid[]) AND st.id = ss.seat_id AND st.session_id IS NULL',
            [sessionIds],
          );
          await c.query('DELETE FROM catalog.seats WHERE hall_id = $1 AND session_id IS NULL', [hallId]);
          await insertSeats(c, hallId, plan);
          // Each session's tiers, unchanged, priced onto the new seats (as createSession does).
          await c.query(
            `INSERT INTO catalog.session_seats (session_id, seat_id, tier_id)
             SELECT t.session_id, st.id, t.id
             FROM catalog.sessions s
             JOIN catalog.price_tiers t ON t.session_id = s.id
             JOIN catalog.seats st ON st.hall_id = s.hall_id AND st.session_id IS NULL AND st.section = ANY(t.sections)
             WHERE s.hall_id = $1 AND t.capacity IS NULL`,
            [hallId],
          );
          return done({ hall: { id: hallId, venueId, name: h.name, seatCount: plan.count, sections: h.sections }, sessionIds });
        });
      } catch (err) {
        // Only an unordered seat-state change (a release) can deadlock with the
        // ordered lock below; such a change means a hold existed, so: locked.
        if (pgCode(err) === PG.deadlock) throw locked();
        throw err;
      }
    },
  };
}

const locked = (sessionId?: string) =>
  conflict('LAYOUT_LOCKED', 'a session in this hall has sold or held seats; its layout can no longer change', sessionId ? { sessionId } : {});

/**
 * Locks every seat row of the sessions, in the order holds and sales lock
 * them (session, then seat id), so that a hold or sale either committed
 * before and is seen here, or waits and then finds its row gone. The
 * aggregate reads the whole CTE, so every row is locked (a LIMIT would stop
 * it early). A lapsed hold does not count: it reads as available everywhere.
 */
async function assertNoSales(c: Db, sessionIds: string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  const { rows } = await c.query<{ session_id: string | null }>(
    `WITH seats AS MATERIALIZED (
       SELECT session_id, status, held_until FROM catalog.session_seats
       WHERE session_id = ANY($1::uuid[]) ORDER BY session_id, seat_id FOR UPDATE
     )
     SELECT min(session_id::text) FILTER (WHERE status = 'sold' OR (status = 'held' AND held_until > now())) AS session_id FROM seats`,
    [sessionIds],
  );
  if (rows[0]?.session_id) throw locked(rows[0].session_id);
}

/** Sessions keep their tiers, so each tier's sections must still exist. */
async function assertTiersFit(c: Db, hallId: string, sections: Set<string>): Promise<void> {
  const { rows } = await c.query<{ session_id: string; tier: string; section: string }>(
    `SELECT t.session_id, t.name AS tier, x.section
     FROM catalog.price_tiers t JOIN catalog.sessions s ON s.id = t.session_id, unnest(t.sections) AS x(section)
     WHERE s.hall_id = $1 AND t.capacity IS NULL ORDER BY t.session_id, t.name, x.section`,
    [hallId],
  );
  const missing = rows.filter((r) => !sections.has(r.section));
  if (missing.length) {
    const what = [...new Set(missing.map((m) => `"${m.section}" (tier "${m.tier}")`))].join(', ');
    throw badRequest(`sessions in this hall sell sections the new layout does not have: ${what}`, {
      sessions: [...new Set(missing.map((m) => m.session_id))],
    });
  }
}
