import type { Pool } from 'pg';
import type { z } from 'zod';
import { writeAlongWith, type AlongWith } from '../shared/audit-trail';
import { inTransaction } from '../shared/db';
import { conflict, notFound } from '../shared/errors';
import { sessionsOf } from './sessions';
import type { CreateEventBody, ListEventsQuery, OrganizerEventsQuery, UpdateEventBody } from '../../contracts/catalog';

const eventView = (r: any) => ({
  id: r.id as string,
  organizerId: r.organizer_id as string,
  title: r.title as string,
  description: r.description as string,
  category: r.category as string,
  status: r.status as 'draft' | 'published' | 'cancelled',
  createdAt: r.created_at.toISOString() as string,
  publishedAt: (r.published_at?.toISOString() ?? null) as string | null,
  cancelledAt: (r.cancelled_at?.toISOString() ?? null) as string | null,
});

const cancelled = () => conflict('EVENT_CANCELLED', 'the event is cancelled');

/** LIKE pattern for "contains", with the user's own wildcards taken literally. */
const contains = (q: string) => `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

export type EventView = ReturnType<typeof eventView>;

/**
 * Events: drafts belong to their organizer; published ones are public;
 * cancelled is final. Each change's `alongWith` writes in its transaction
 * (the audit entry), only when something changed.
 */
export function createEventStore(pool: Pool) {
  /** Why an event's state change matched no row: it does not exist (404) or is cancelled (409). */
  async function refusal(id: string, otherwise: () => Error): Promise<Error> {
    const { rows } = await pool.query<{ status: string }>('SELECT status FROM catalog.events WHERE id = $1', [id]);
    if (!rows[0]) return notFound('event');
    return rows[0].status === 'cancelled' ? cancelled() : otherwise();
  }

  return {
    async createEvent(organizerId: string, e: z.infer<typeof CreateEventBody>, alongWith?: AlongWith<EventView>) {
      const insert = 'INSERT INTO catalog.events (organizer_id, title, description, category) VALUES ($1, $2, $3, $4) RETURNING *';
      return writeAlongWith(pool, async (c) => eventView((await c.query(insert, [organizerId, e.title, e.description, e.category])).rows[0]), alongWith);
    },

    async eventOwner(id: string): Promise<string | undefined> {
      const { rows } = await pool.query('SELECT organizer_id FROM catalog.events WHERE id = $1', [id]);
      return rows[0]?.organizer_id;
    },

    /** The event with its sessions, each with its seat counts. */
    async event(id: string) {
      const { rows } = await pool.query('SELECT * FROM catalog.events WHERE id = $1', [id]);
      if (!rows[0]) return undefined;
      return { ...eventView(rows[0]), sessions: await sessionsOf(pool, [id], { availability: true }) };
    },

    async updateEvent(id: string, p: z.infer<typeof UpdateEventBody>, alongWith?: AlongWith<EventView>) {
      const event = await writeAlongWith(
        pool,
        async (c) => {
          const { rows } = await c.query(
            `UPDATE catalog.events SET title = coalesce($2, title), description = coalesce($3, description), category = coalesce($4, category)
             WHERE id = $1 AND status <> 'cancelled' RETURNING *`,
            [id, p.title ?? null, p.description ?? null, p.category ?? null],
          );
          return rows[0] ? eventView(rows[0]) : undefined;
        },
        alongWith,
      );
      if (!event) throw await refusal(id, () => notFound('event'));
      return event;
    },

    /** Draft → published (again: a no-op). Needs a session; a cancelled event stays cancelled. */
    async publishEvent(id: string, alongWith?: AlongWith<EventView>) {
      const event = await inTransaction(pool, async (c) => {
        // Locked first, so of two publishes racing only the first is the change.
        const before = await c.query<{ status: string }>('SELECT status FROM catalog.events WHERE id = $1 FOR UPDATE', [id]);
        const { rows } = await c.query(
          `UPDATE catalog.events e SET status = 'published', published_at = coalesce(published_at, now())
           WHERE id = $1 AND status IN ('draft', 'published') AND EXISTS (SELECT 1 FROM catalog.sessions s WHERE s.event_id = e.id)
           RETURNING *`,
          [id],
        );
        if (!rows[0]) return undefined;
        const published = eventView(rows[0]);
        if (before.rows[0]?.status === 'draft') await alongWith?.(c, published);
        return published;
      });
      if (!event) throw await refusal(id, () => conflict('EVENT_HAS_NO_SESSIONS', 'add a session before publishing'));
      return event;
    },

    /**
     * Draft or published → cancelled; cancelling again answers the cancelled
     * event, so a retried request is harmless. From then on its sessions are
     * off sale: the hold statement requires a published event. `alongWith`
     * runs in the same transaction every time (the refund run is asked for
     * again), told whether this call did the cancelling.
     */
    async cancelEvent(id: string, alongWith?: AlongWith<EventView & { cancelledNow: boolean }>) {
      return inTransaction(pool, async (c) => {
        const { rows } = await c.query(
          `UPDATE catalog.events SET status = 'cancelled', cancelled_at = now() WHERE id = $1 AND status <> 'cancelled' RETURNING *`,
          [id],
        );
        const row = rows[0] ?? (await c.query('SELECT * FROM catalog.events WHERE id = $1', [id])).rows[0];
        if (!row) throw notFound('event');
        const event = eventView(row);
        await alongWith?.(c, { ...event, cancelledNow: rows.length === 1 });
        return event;
      });
    },

    /**
     * Published events by their first upcoming session, then id: a total
     * order, so page boundaries are deterministic and an event inserted
     * after a page never changes that page. Events with no upcoming session
     * come last.
     */
    async listPublished(q: z.infer<typeof ListEventsQuery>) {
      const where = [`e.status = 'published'`];
      const args: unknown[] = [];
      const arg = (v: unknown) => (args.push(v), `$${args.length}`);
      if (q.q) {
        const p = arg(contains(q.q));
        where.push(`(e.title ILIKE ${p} OR e.description ILIKE ${p})`);
      }
      if (q.category) where.push(`e.category = ${arg(q.category)}`);
      // One session must fall in the range (not one after `from` and another before `to`).
      const range = [q.from && `s.starts_at >= ${arg(q.from)}`, q.to && `s.starts_at <= ${arg(q.to)}`].filter(Boolean);
      if (range.length) where.push(`EXISTS (SELECT 1 FROM catalog.sessions s WHERE s.event_id = e.id AND ${range.join(' AND ')})`);
      const filter = where.join(' AND ');
      const { rows } = await pool.query(
        `SELECT e.*, count(*) OVER ()::int AS total
         FROM catalog.events e
         LEFT JOIN LATERAL (
           SELECT min(s.starts_at) AS next_start FROM catalog.sessions s WHERE s.event_id = e.id AND s.starts_at > now()
         ) n ON true
         WHERE ${filter}
         ORDER BY n.next_start NULLS LAST, e.id
         LIMIT ${arg(q.pageSize)} OFFSET ${arg((q.page - 1) * q.pageSize)}`,
        args,
      );
      // Past the last page the window count has no row to ride on.
      const total = rows[0]
        ? (rows[0].total as number)
        : (await pool.query(`SELECT count(*)::int AS n FROM catalog.events e WHERE ${filter}`, args.slice(0, -2))).rows[0].n;
      const sessions = await sessionsOf(pool, rows.map((r) => r.id));
      return {
        items: rows.map((r) => ({ ...eventView(r), sessions: sessions.filter((s) => s.eventId === r.id) })),
        page: q.page,
        pageSize: q.pageSize,
        total: total as number,
      };
    },

    /** An organizer's own events, every status, newest first, with their sessions' seat counts. */
    async eventsOf(organizerId: string, q: z.infer<typeof OrganizerEventsQuery>) {
      const args: unknown[] = [organizerId];
      const status = q.status ? ` AND status = $${args.push(q.status)}` : '';
      const { rows } = await pool.query(
        `SELECT *, count(*) OVER ()::int AS total FROM catalog.events WHERE organizer_id = $1${status}
         ORDER BY created_at DESC, id DESC LIMIT $${args.push(q.pageSize)} OFFSET $${args.push((q.page - 1) * q.pageSize)}`,
        args,
      );
      const total = rows[0]
        ? (rows[0].total as number)
        : (await pool.query(`SELECT count(*)::int AS n FROM catalog.events WHERE organizer_id = $1${status}`, args.slice(0, -2))).rows[0].n;
      const sessions = await sessionsOf(pool, rows.map((r) => r.id), { availability: true });
      return {
        items: rows.map((r) => ({ ...eventView(r), sessions: sessions.filter((s) => s.eventId === r.id) })),
        page: q.page,
        pageSize: q.pageSize,
        total: total as number,
      };
    },
  };
}
