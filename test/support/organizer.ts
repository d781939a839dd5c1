import { randomUUID } from 'node:crypto';
import { rows, type Api, type HallLayout } from '../../devstack/api-client';
import type { Stack } from './stack';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** `days` (and `hours`) after `from` (now), in whole minutes: equal arguments give equal dates within a test. */
export const inDays = (days: number, hours = 0, from = Date.now()) => new Date(Math.floor((from + days * DAY + hours * HOUR) / 60_000) * 60_000);

/** Front (2×5) and Back (3×5): the layout of smallSession. */
export const LAYOUT: HallLayout = {
  name: 'Main Hall',
  sections: [
    { name: 'Front', rows: rows(2, 5) },
    { name: 'Back', rows: rows(3, 5) },
  ],
};

export const TIERS = [
  { name: 'VIP', price: { amount: '120.00', currency: 'EUR' }, sections: ['Front'] },
  { name: 'Normal', price: { amount: '30.50', currency: 'EUR' }, sections: ['Back'] },
];

export const sessionBody = (hallId: string, startsAt: Date, minutes = 120, tiers = TIERS) => ({
  hallId,
  startsAt: startsAt.toISOString(),
  endsAt: new Date(startsAt.getTime() + minutes * 60_000).toISOString(),
  tiers,
});

/** An organizer's catalog calls, each expecting success. */
export function organizerKit(api: Api, token: string) {
  return {
    async venueWithHall(layout: HallLayout = LAYOUT) {
      const venue = await api.expect(201, 'POST', '/api/v1/venues', { token, body: { name: 'Venue', city: 'Lisbon', address: '1 Main Street' } });
      const hall = await api.expect(201, 'POST', `/api/v1/venues/${venue.id}/halls`, { token, body: layout });
      return { venueId: venue.id as string, hallId: hall.id as string };
    },
    async draft(title = `Event ${randomUUID().slice(0, 8)}`, category = 'concert', description = 'an evening') {
      const event = await api.expect(201, 'POST', '/api/v1/events', { token, body: { title, description, category } });
      return event.id as string;
    },
    async session(eventId: string, hallId: string, startsAt: Date, minutes = 120) {
      const s = await api.expect(201, 'POST', `/api/v1/events/${eventId}/sessions`, { token, body: sessionBody(hallId, startsAt, minutes) });
      return s.id as string;
    },
    publish: (eventId: string) => api.expect(200, 'POST', `/api/v1/events/${eventId}/publish`, { token }),
    /** A published event with one session per start, each in a hall of its own. */
    async published(title: string, starts: Date[], category = 'concert', description = 'an evening') {
      const eventId = await this.draft(title, category, description);
      for (const start of starts) {
        const { hallId } = await this.venueWithHall();
        await this.session(eventId, hallId, start);
      }
      await this.publish(eventId);
      return eventId;
    },
  };
}

/** A POST to the catalog's internal API as a service makes it; answers the JSON body. */
export async function postCatalogInternal(stack: Stack, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${stack.urls.catalog}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-service-token': stack.secrets.serviceToken },
    body: JSON.stringify(body),
  });
  return res.json();
}

/** Each seat's status as PostgreSQL alone says: a hold past its end counts as available. */
export async function seatStatusesInPostgres(stack: Stack, sessionId: string): Promise<Map<string, string>> {
  const { rows } = await stack.pool.query<{ seat_id: string; status: string }>(
    `SELECT seat_id, CASE WHEN status = 'sold' THEN 'sold' WHEN status = 'held' AND held_until > now() THEN 'reserved' ELSE 'available' END AS status
     FROM catalog.session_seats WHERE session_id = $1`,
    [sessionId],
  );
  return new Map(rows.map((r) => [r.seat_id, r.status]));
}

/** The catalog's internal seat routes, as the booking workflow's activities call them. */
export function seatState(stack: Stack) {
  const post = (path: string, body: unknown) => postCatalogInternal(stack, path, body);
  return {
    hold: (sessionId: string, seatIds: string[], heldUntil = new Date(Date.now() + 600_000), reservationId: string = randomUUID()) =>
      post(`/internal/sessions/${sessionId}/holds`, { reservationId, seatIds, heldUntil: heldUntil.toISOString() }).then((r) => ({ ...r, reservationId })),
    /** Sells seats held by `reservationId`. */
    async sellHeld(sessionId: string, reservationId: string, seatIds: string[]) {
      const sold = await post(`/internal/sessions/${sessionId}/sales`, { reservationId, seatIds });
      if (!sold.ok) throw new Error(`sale failed: ${JSON.stringify(sold)}`);
    },
    async sell(sessionId: string, seatIds: string[]) {
      const held = await this.hold(sessionId, seatIds);
      if (!held.ok) throw new Error(`hold failed: ${JSON.stringify(held)}`);
      await this.sellHeld(sessionId, held.reservationId, seatIds);
    },
  };
}
