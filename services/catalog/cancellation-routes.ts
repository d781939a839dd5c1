import type { Express, RequestHandler } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { parse, uuid } from '../shared/validation';

const Page = z.object({ after: uuid.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

/** What an event's refund run reads: the reservations that bought its seats, in id order, a page at a time. */
export function cancellationRoutes(app: Express, d: { internal: RequestHandler; pool: Pool }): void {
  app.get('/internal/events/:id/sold-reservations', d.internal, async (req, res) => {
    const eventId = parse(uuid, req.params.id, 'path.id');
    const { after, limit } = parse(Page, req.query, 'query');
    const { rows } = await d.pool.query<{ reservation_id: string }>(
      `SELECT DISTINCT ss.reservation_id FROM catalog.session_seats ss JOIN catalog.sessions s ON s.id = ss.session_id
       WHERE s.event_id = $1 AND ss.status = 'sold' AND ($2::uuid IS NULL OR ss.reservation_id > $2::uuid)
       ORDER BY ss.reservation_id LIMIT $3`,
      [eventId, after ?? null, limit],
    );
    res.json({ items: rows.map((r) => r.reservation_id) });
  });
}
