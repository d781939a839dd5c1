import type { Pool } from 'pg';
import type { z } from 'zod';
import type { AlongWith } from '../shared/audit-trail';
import { inTransaction } from '../shared/db';
import { badRequest, conflict, notFound } from '../shared/errors';
import type { PlaceCounts, SessionInfo } from '../../contracts/catalog';
import type { Db } from './layout';
import type { CreateSessionBody } from '../../contracts/catalog';


const TIERS = 'SELECT session_id, name, price::text AS price, currency, sections, capacity FROM catalog.price_tiers t WHERE session_id = ANY($1::uuid[]) ORDER BY t.price DESC, name';

const sessionView = (r: any, tiers: any[]) => ({
  id: r.id as string,
  eventId: r.event_id as string,
  hallId: r.hall_id as string,
  startsAt: r.starts_at.toISOString() as string,
  endsAt: r.ends_at.toISOString() as string,
  tiers: tiers
    .filter((t) => t.session_id === r.id)
    .map((t) => {
      const price = { amount: t.price as string, currency: t.currency as string };
      // A general-admission tier is its area and capacity; a seated one its sections.
      return t.capacity === null || t.capacity === undefined
        ? { name: t.name as string, price, sections: t.sections as string[] }
        : { name: t.name as string, price, area: t.sections[0] as string, capacity: t.capacity as number };
    }),
});
export type SessionView = ReturnType<typeof sessionView> & { availability?: PlaceCounts };

/**
 * Seat counts per session in one GROUP BY, by the seat map's rule: sold is
 * sold, a hold counts as reserved only until its held_until, then as available.
 */
async function availabilityOf(db: Db, sessionIds: string[]): Promise<Map<string, PlaceCounts>> {
  const { rows } = await db.query<{ session_id: string } & PlaceCounts>(
    `SELECT session_id,
       count(*) FILTER (WHERE status = 'sold')::int AS sold,
       count(*) FILTER (WHERE status = 'held' AND held_until > now())::int AS reserved,
       count(*) FILTER (WHERE status = 'available' OR (status = 'held' AND held_until <= now()))::int AS available
     FROM catalog.session_seats WHERE session_id = ANY($1::uuid[]) GROUP BY session_id`,
    [sessionIds],
  );
  return new Map(rows.map(({ session_id, ...counts }) => [session_id, counts]));
}

/** The sessions of some events with their tiers (and seat counts if asked), by start. */
export async function sessionsOf(db: Db, eventIds: string[], o: { availability?: boolean } = {}): Promise<SessionView[]> {
  if (eventIds.length === 0) return [];
  const { rows } = await db.query('SELECT * FROM catalog.sessions WHERE event_id = ANY($1::uuid[]) ORDER BY starts_at, id', [eventIds]);
  const ids = rows.map((r) => r.id);
  const { rows: tiers } = await db.query(TIERS, [ids]);
  const counts = o.availability ? await availabilityOf(db, ids) : undefined;
  return rows.map((r) => {
    const view = sessionView(r, tiers);
    return counts ? { ...view, availability: counts.get(r.id) ?? { available: 0, reserved: 0, sold: 0 } } : view;
  });
}

function checkSession(s: z.infer<typeof CreateSessionBody>, startsAt: Date, endsAt: Date): Map<string, string> {
  if (startsAt.getTime() <= Date.now()) throw badRequest('startsAt must be in the future');
  if (endsAt <= startsAt) throw badRequest('endsAt must be after startsAt');
  const currencies = new Set(s.tiers.map((t) => t.price.currency));
  if (currencies.size > 1) throw badRequest('all tiers of a session must use one currency');
  if (new Set(s.tiers.map((t) => t.name)).size !== s.tiers.length) throw badRequest('tier names must be unique');
  const tierOf = new Map<string, string>();
  for (const t of s.tiers) {
    // A GA area is a section of its own: its name must not be another tier's section or area.
    for (const section of 'sections' in t ? t.sections : [t.area]) {
      const other = tierOf.get(section);
      if (other) throw badRequest(`section "${section}" is in tiers "${other}" and "${t.name}"`);
      tierOf.set(section, t.name);
    }
  }
  return tierOf;
}

type TierInput = z.infer<typeof CreateSessionBody>['tiers'][number];
const isArea = (t: TierInput): t is Extract<TierInput, { area: string }> => 'area' in t;

export function createSessionStore(pool: Pool) {
  return {
    /**
     * A session with its tiers and its sellable seats. The hall row is locked
     * so two sessions created at once in one hall cannot both pass the
     * overlap check (and a layout change cannot run under it); the event row
     * is share-locked so a cancel cannot slip in between the check and the
     * insert. `alongWith` writes in the same transaction (the audit entry).
     */
    async createSession(eventId: string, s: z.infer<typeof CreateSessionBody>, alongWith?: AlongWith<SessionView>) {
      const startsAt = new Date(s.startsAt);
      const endsAt = new Date(s.endsAt);
      const tierOf = checkSession(s, startsAt, endsAt);
      return inTransaction(pool, async (c) => {
        const event = await c.query<{ status: string }>('SELECT status FROM catalog.events WHERE id = $1 FOR SHARE', [eventId]);
        if (!event.rows[0]) throw notFound('event');
        if (event.rows[0].status === 'cancelled') throw conflict('EVENT_CANCELLED', 'a cancelled event gets no new sessions');
        await c.query('SELECT 1 FROM catalog.halls WHERE id = $1 FOR UPDATE', [s.hallId]);
        const { rows: known } = await c.query<{ section: string }>(
          'SELECT DISTINCT section FROM catalog.seats WHERE hall_id = $1 AND session_id IS NULL',
          [s.hallId],
        );
        const hallSections = new Set(known.map((r) => r.section));
        const areas = new Set(s.tiers.filter(isArea).map((t) => t.area));
        const unknown = [...tierOf.keys()].filter((x) => !areas.has(x) && !hallSections.has(x));
        if (unknown.length) throw badRequest(`the hall has no section ${unknown.map((u) => `"${u}"`).join(', ')}`);
        const clash = [...areas].filter((a) => hallSections.has(a));
        if (clash.length) throw badRequest(`a standing area cannot share its name with a section of the hall: ${clash.map((u) => `"${u}"`).join(', ')}`);
        // Half-open ranges: a session may start exactly when the previous one ends.
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
          `INSERT INTO catalog.price_tiers (session_id, name, price, currency, sections, capacity)
           SELECT $1, t->>'name', (t->>'amount')::numeric, t->>'currency', ARRAY(SELECT jsonb_array_elements_text(t->'sections')), (t->>'capacity')::int
           FROM jsonb_array_elements($2::jsonb) t
           RETURNING id, session_id, name, price::text AS price, currency, sections, capacity`,
          [
            session.id,
            JSON.stringify(
              s.tiers.map((t) =>
                isArea(t) ? { name: t.name, ...t.price, sections: [t.area], capacity: t.capacity } : { name: t.name, ...t.price, sections: t.sections },
              ),
            ),
          ],
        );
        // General admission: one seat row per place, owned by this session (see migration 004).
        await c.query(
          `INSERT INTO catalog.seats (hall_id, session_id, section, row_label, number, ordinal)
           SELECT $2, $1, t.sections[1], 'GA', n, n FROM catalog.price_tiers t, generate_series(1, t.capacity) n
           WHERE t.session_id = $1 AND t.capacity IS NOT NULL`,
          [session.id, s.hallId],
        );
        await c.query(
          `INSERT INTO catalog.session_seats (session_id, seat_id, tier_id)
           SELECT $1, st.id, t.id FROM catalog.seats st
           JOIN catalog.price_tiers t ON t.session_id = $1 AND st.section = ANY(t.sections)
           WHERE (st.hall_id = $2 AND st.session_id IS NULL AND t.capacity IS NULL) OR (st.session_id = $1 AND t.capacity IS NOT NULL)`,
          [session.id, s.hallId],
        );
        const created = sessionView(session, tiers);
        await alongWith?.(c, created);
        return created;
      });
    },

    /** GET /internal/sessions/:id */
    async session(id: string): Promise<SessionInfo | undefined> {
      const { rows } = await pool.query(
        `SELECT s.*, e.organizer_id, e.status AS event_status, e.title AS event_title, h.name AS hall_name, v.name AS venue_name, v.city AS venue_city
         FROM catalog.sessions s JOIN catalog.events e ON e.id = s.event_id
           JOIN catalog.halls h ON h.id = s.hall_id JOIN catalog.venues v ON v.id = h.venue_id
         WHERE s.id = $1`,
        [id],
      );
      const r = rows[0];
      if (!r) return undefined;
      const { rows: tiers } = await pool.query(TIERS, [[id]]);
      return {
        ...sessionView(r, tiers),
        organizerId: r.organizer_id as string,
        eventStatus: r.event_status as string,
        eventTitle: r.event_title as string,
        hall: r.hall_name as string,
        venue: `${r.venue_name}, ${r.venue_city}`,
      };
    },
  };
}
