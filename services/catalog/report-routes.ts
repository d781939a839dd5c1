import type { Express } from 'express';
import type { Pool } from 'pg';
import { requireService } from '../shared/auth';
import { notFound } from '../shared/errors';
import { parse, uuid } from '../shared/validation';

/**
 * Seat counts for the booking service's reports. A held seat whose
 * held_until has passed counts as available, as in every other reader
 * (seat-holds.ts HOLDABLE): stock never waits for a cleanup job.
 */
const INVENTORY = `
  SELECT s.id AS session_id, s.starts_at,
         (SELECT min(t.currency) FROM catalog.price_tiers t WHERE t.session_id = s.id) AS currency,
         count(ss.seat_id)::int AS capacity,
         count(*) FILTER (WHERE ss.status = 'sold')::int AS sold,
         count(*) FILTER (WHERE ss.status = 'held' AND ss.held_until > now())::int AS reserved,
         count(*) FILTER (WHERE ss.status = 'available' OR (ss.status = 'held' AND ss.held_until <= now()))::int AS available
    FROM catalog.sessions s
    LEFT JOIN catalog.session_seats ss ON ss.session_id = s.id
   WHERE s.event_id = $1
   GROUP BY s.id
   ORDER BY s.starts_at, s.id`;

export function catalogReportRoutes(app: Express, d: { pool: Pool; serviceToken: string }): void {
  const internal = requireService(d.serviceToken);

  app.get('/internal/events/:id/inventory', internal, async (req, res) => {
    const eventId = parse(uuid, req.params.id, 'path.id');
    const { rows: events } = await d.pool.query('SELECT id, organizer_id, status, title FROM catalog.events WHERE id = $1', [eventId]);
    const event = events[0];
    if (!event) throw notFound('event');
    const { rows } = await d.pool.query(INVENTORY, [eventId]);
    res.json({
      eventId,
      organizerId: event.organizer_id,
      status: event.status,
      title: event.title,
      sessions: rows.map((r) => ({
        sessionId: r.session_id,
        startsAt: r.starts_at.toISOString(),
        currency: r.currency,
        capacity: r.capacity,
        sold: r.sold,
        reserved: r.reserved,
        available: r.available,
      })),
    });
  });

  app.get('/internal/stats', internal, async (_req, res) => {
    const { rows } = await d.pool.query('SELECT status, count(*)::int AS n FROM catalog.events GROUP BY status');
    const byStatus: Record<string, number> = { draft: 0, published: 0, cancelled: 0 };
    for (const r of rows) byStatus[r.status] = r.n;
    res.json({ events: { ...byStatus, total: rows.reduce((n, r) => n + r.n, 0) } });
  });
}
