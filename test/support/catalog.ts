import { createPublishedSession, rows, type Api } from '../../devstack/api-client';

/** A small published session: Front (VIP, 2×5) and Back (Normal, 3×5), 25 seats, starting in a week. */
export async function smallSession(api: Api, organizerToken: string, seatsPerRow = 5) {
  const startsAt = new Date(Date.now() + 7 * 86_400_000 + Math.floor(Math.random() * 1e9));
  const ids = await createPublishedSession(api, organizerToken, {
    venue: { name: 'Test Venue', city: 'Porto', address: '2 Test Street' },
    hall: {
      name: 'Test Hall',
      sections: [
        { name: 'Front', rows: rows(2, seatsPerRow) },
        { name: 'Back', rows: rows(3, seatsPerRow) },
      ],
    },
    event: { title: `Test Event ${startsAt.getTime()}`, description: 'test', category: 'concert' },
    startsAt,
    durationMinutes: 120,
    tiers: [
      { name: 'VIP', price: { amount: '120.00', currency: 'EUR' }, sections: ['Front'] },
      { name: 'Normal', price: { amount: '30.50', currency: 'EUR' }, sections: ['Back'] },
    ],
  });
  const map = await api.expect(200, 'GET', `/api/v1/sessions/${ids.sessionId}/seat-map`);
  return { ...ids, seats: map.seats as { seatId: string; section: string; row: string; number: number; tier: string; status: string }[] };
}
