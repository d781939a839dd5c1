import type { Pool } from 'pg';
import { inTransaction } from '../shared/db';
import { badRequest, conflict } from '../shared/errors';
import { toSeat } from './seat-holds';
import type { z } from 'zod';
import type { CreateHallBody, CreateSessionBody, CreateVenueBody, CreateEventBody, ListEventsQuery, SeatView } from './schemas';

const venueView = (r: any) => ({
  id: r.id, organizerId: r.organizer_id, name: r.name, city: r.city, address: r.address, createdAt: r.created_at.toISOString(),
});
const eventView = (r: any) => ({
  id: r.id,
  organizerId: r.organizer_id,
  title: r.title,
  description: r.description,
  category: r.category,
  status: r.status,
  createdAt: r.created_at.toISOString(),
  publishedAt: r.published_at?.toISOString() ?? null,
});
const sessionView = (r: any, tiers: any[]) => ({
  id: r.id,
  eventId: r.event_id,
  hallId: r.hall_id,
  startsAt: r.starts_at.toISOString(),
  endsAt: r.ends_at.toISOString(),
  tiers: tiers
    .filter((t) => t.session_id === r.id)
    .map((t) => ({ name: t.name, price: { amount: t.price, currency: t.currency }, sections: t.sections })),
});

/** The data layer of the catalog schema (everything but seat state changes, see seat-holds.ts). */
export function createCatalogStore(pool: Pool) {
  async function sessionsOf(eventIds: string[]) {
    const { rows } = await pool.query(
      'SELECT * FROM catalog.sessions WHERE event_id = ANY($1::uuid[]) ORDER BY starts_at, id',
      [eventIds],
    );
    const { rows: tiers } = await pool.query(
      'SELECT session_id, name, price::text AS price, currency, sections FROM catalog.price_tiers t WHERE session_id = ANY($1::uuid[]) ORDER BY t.price DESC, name',
      [rows.map((r) => r.id)],
    );
    return rows.map((r) => sessionView(r, tiers));
  }

  return {
    async createVenue(organizerId: string, v: z.infer<typeof CreateVenueBody>) {
      const { rows } = await pool.query(
        'INSERT INTO catalog.venues (organizer_id, name, city, address) VALUES ($1, $2, $3, $4) RETURNING *',
        [organizerId, v.name, v.city, v.address],
      );
      return venueView(rows[0]);
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

    /** The hall and all its seats in one transaction; seats are numbered in layout order. */
    async createHall(venueId: string, h: z.infer<typeof CreateHallBody>) {
      const sections = new Set<string>();
      const seat = { section: [] as string[], row: [] as string[], number: [] as number[], ordinal: [] as number[] };
      for (const s of h.sections) {
        if (sections.has(s.name)) throw badRequest(`section "${s.name}" appears twice`);
        sections.add(s.name);
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
      if (seat.ordinal.length > 100_000) throw badRequest('a hall has at most 100000 seats');
      return inTransaction(pool, async (c) => {
        const { rows } = await c.query('INSERT INTO catalog.halls (venue_id, name) VALUES ($1, $2) RETURNING *', [venueId, h.name]);
        const hall = rows[0];
        await c.query(
          `INSERT INTO catalog.seats (hall_id, section, row_label, number, ordinal)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[])`,
          [hall.id, seat.section, seat.row, seat.number, seat.ordinal],
        );
        return {
          id: hall.id,
          venueId,
          name: hall.name,
          seatCount: seat.ordinal.length,
          sections: h.sections.map((s) => ({
            name: s.name,
            rows: s.rows.map((r) => ({ label: r.label, seats: r.seats })),
          })),
        };
      });
    },

    async createEvent(organizerId: string, e: z.infer<typeof CreateEventBody>) {
      const { rows } = await pool.query(
        'INSERT INTO catalog.events (organizer_id, title, description, category) VALUES ($1, $2, $3, $4) RETURNING *',
        [organizerId, e.title, e.description, e.category],
      );
      return eventView(rows[0]);
    },

    async event(id: string) {
      const { rows } = await pool.query('SELECT * FROM catalog.events WHERE id = $1', [id]);
      if (!rows[0]) return undefined;
      return { ...eventView(rows[0]), sessions: await sessionsOf([id]) };
    },

    async publishEvent(id: string) {
      const { rows } = await pool.query(
        `UPDATE catalog.events SET status = 'published', published_at = coalesce(published_at, now())
         WHERE id = $1 AND status IN ('draft', 'published') RETURNING *`,
        [id],
      );
      return rows[0] && eventView(rows[0]);
    },

    async listPublished(q: z.infer<typeof ListEventsQuery>) {
      const where = [`e.status = 'published'`];
      const args: unknown[] = [];
      const arg = (v: unknown) => (args.push(v), `$${args.length}`);
      if (q.q) where.push(`(e.title ILIKE ${arg(`%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`)} OR e.description ILIKE $${args.length})`);
      if (q.category) where.push(`e.category = ${arg(q.category)}`);
      if (q.from) where.push(`EXISTS (SELECT 1 FROM catalog.sessions s WHERE s.event_id = e.id AND s.starts_at >= ${arg(q.from)})`);
      if (q.to) where.push(`EXISTS (SELECT 1 FROM catalog.sessions s WHERE s.event_id = e.id AND s.starts_at <= ${arg(q.to)})`);
      const filter = where.join(' AND ');
      const { rows: total } = await pool.query(`SELECT count(*)::int AS n FROM catalog.events e WHERE ${filter}`, args);
      const { rows } = await pool.query(
        `SELECT e.*, (SELECT min(starts_at) FROM catalog.sessions s WHERE s.event_id = e.id) AS first_start
         FROM catalog.events e WHERE ${filter}
         ORDER BY first_start NULLS LAST, e.id LIMIT ${arg(q.pageSize)} OFFSET ${arg((q.page - 1) * q.pageSize)}`,
        args,
      );
      const sessions = await sessionsOf(rows.map((r) => r.id));
      return {
        items: rows.map((r) => ({ ...eventView(r), sessions: sessions.filter((s) => s.eventId === r.id) })),
        page: q.page,
        pageSize: q.pageSize,
        total: total[0].n as number,
      };
    },

    /**
     * A session with its tiers and its sellable seats. The hall row is locked
     * so two sessions created at once in one hall cannot both pass the
     * overlap check.
     */
    async createSession(eventId: string, s: z.infer<typeof CreateSessionBody>) {
      const startsAt = new Date(s.startsAt);
      const endsAt = new Date(s.endsAt);
      if (endsAt <= startsAt) throw badRequest('endsAt must be after startsAt');
      const currencies = new Set(s.tiers.map((t) => t.price.currency));
      if (currencies.size > 1) throw badRequest('all tiers of a session must use one currency');
      const tierOf = new Map<string, string>();
      for (const t of s.tiers) {
        for (const section of t.sections) {
          const other = tierOf.get(section);
          if (other) throw badRequest(`section "${section}" is in tiers "${other}" and "${t.name}"`);
          tierOf.set(section, t.name);
        }
      }
      if (new Set(s.tiers.map((t) => t.name)).size !== s.tiers.length) throw badRequest('tier names must be unique');
      return inTransaction(pool, async (c) => {
        await c.query('SELECT 1 FROM catalog.halls WHERE id = $1 FOR UPDATE', [s.hallId]);
        const { rows: known } = await c.query<{ section: string }>(
          'SELECT DISTINCT section FROM catalog.seats WHERE hall_id = $1',
          [s.hallId],
        );
        const hallSections = new Set(known.map((r) => r.section));
        const unknown = [...tierOf.keys()].filter((x) => !hallSections.has(x));
        if (unknown.length) throw badRequest(`the hall has no section ${unknown.map((u) => `"${u}"`).join(', ')}`);
        const overlap = await c.query(
          `SELECT id FROM catalog.sessions WHERE hall_id = $1 AND tstzrange(starts_at, ends_at) && tstzrange($2, $3) LIMIT 1`,
          [s.hallId, startsAt, endsAt],
        );
        if (overlap.rowCount) {
          throw conflict('SESSION_OVERLAP', 'another session in this hall overlaps that time', { sessionId: overlap.rows[0].id });
        }
        const { rows } = await c.query(
          'INSERT INTO catalog.sessions (event_id, hall_id, starts_at, ends_at) VALUES ($1, $2, $3, $4) RETURNING *',
          [eventId, s.hallId, startsAt, endsAt],
        );
        const session = rows[0];
        const { rows: tiers } = await c.query(
          `INSERT INTO catalog.price_tiers (session_id, name, price, currency, sections)
           SELECT $1, t->>'name', (t->>'amount')::numeric, t->>'currency', ARRAY(SELECT jsonb_array_elements_text(t->'sections'))
           FROM jsonb_array_elements($2::jsonb) t
           RETURNING id, session_id, name, price::text AS price, currency, sections`,
          [session.id, JSON.stringify(s.tiers.map((t) => ({ name: t.name, ...t.price, sections: t.sections })))],
        );
        await c.query(
          `INSERT INTO catalog.session_seats (session_id, seat_id, tier_id)
           SELECT $1, st.id, t.id FROM catalog.seats st
           JOIN catalog.price_tiers t ON t.session_id = $1 AND st.section = ANY(t.sections)
           WHERE st.hall_id = $2`,
          [session.id, s.hallId],
        );
        return sessionView(session, tiers);
      });
    },

    async session(id: string) {
      const { rows } = await pool.query(
        'SELECT s.*, e.organizer_id, e.status AS event_status FROM catalog.sessions s JOIN catalog.events e ON e.id = s.event_id WHERE s.id = $1',
        [id],
      );
      if (!rows[0]) return undefined;
      const { rows: tiers } = await pool.query(
        'SELECT session_id, name, price::text AS price, currency, sections FROM catalog.price_tiers t WHERE session_id = $1 ORDER BY t.price DESC, name',
        [id],
      );
      return { ...sessionView(rows[0], tiers), organizerId: rows[0].organizer_id as string, eventStatus: rows[0].event_status as string };
    },

    /** Status is derived at read time: a lapsed hold reads as available. */
    async seatMap(sessionId: string): Promise<SeatView[]> {
      const { rows } = await pool.query(
        `SELECT ss.seat_id, st.section, st.row_label, st.number, t.name AS tier, t.price::text AS price, t.currency,
           CASE WHEN ss.status = 'sold' THEN 'sold'
                WHEN ss.status = 'held' AND ss.held_until > now() THEN 'reserved'
                ELSE 'available' END AS status
         FROM catalog.session_seats ss
         JOIN catalog.seats st ON st.id = ss.seat_id
         JOIN catalog.price_tiers t ON t.id = ss.tier_id
         WHERE ss.session_id = $1
         ORDER BY st.ordinal`,
        [sessionId],
      );
      return rows.map((r) => ({ ...toSeat(r), status: r.status }));
    },
  };
}
export type CatalogStore = ReturnType<typeof createCatalogStore>;
