import { rows, type Api } from '../../devstack/api-client';

/**
 * A published session with numbered seats (Front, VIP, 2×5) and a standing
 * area "Floor" of `capacity` general-admission places (tier "Standing", 25.00 EUR).
 */
export async function gaSession(api: Api, token: string, capacity = 50) {
  const startsAt = new Date(Date.now() + 7 * 86_400_000 + Math.floor(Math.random() * 1e9));
  const venue = await api.expect(201, 'POST', '/api/v1/venues', { token, body: { name: 'GA Venue', city: 'Lisbon', address: '1 Floor Street' } });
  const hall = await api.expect(201, 'POST', `/api/v1/venues/${venue.id}/halls`, {
    token,
    body: { name: 'GA Hall', sections: [{ name: 'Front', rows: rows(2, 5) }] },
  });
  const event = await api.expect(201, 'POST', '/api/v1/events', {
    token,
    body: { title: `GA Event ${startsAt.getTime()}`, description: 'standing', category: 'concert' },
  });
  const session = await api.expect(201, 'POST', `/api/v1/events/${event.id}/sessions`, {
    token,
    body: {
      hallId: hall.id,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 120 * 60_000).toISOString(),
      tiers: [
        { name: 'VIP', price: { amount: '120.00', currency: 'EUR' }, sections: ['Front'] },
        { name: 'Standing', price: { amount: '25.00', currency: 'EUR' }, capacity, area: 'Floor' },
      ],
    },
  });
  await api.expect(200, 'POST', `/api/v1/events/${event.id}/publish`, { token });
  return { sessionId: session.id as string, eventId: event.id as string, hallId: hall.id as string, venueId: venue.id as string, session };
}
